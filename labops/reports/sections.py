"""The report as titled tables of figures: what the terminal, Markdown, CSV, JSON and HTML
renderings all print, so they cannot disagree.

Rows hold the raw figures; each column's Unit rounds and writes them (labops.reports.figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from labops.localtime import to_local
from labops.reports.figures import Unit, text, value
from labops.reports.model import ALL_SITES, WeeklyReport

H, PCT, MONEY, COUNT = Unit.HOURS, Unit.PERCENT, Unit.MONEY, Unit.COUNT

DEMAND_RULE = (
    "A booked task counts as demand, and as served, in the weeks its booking runs (task "
    "hours, setup and cleanup excluded). A task not booked counts its whole duration as unmet "
    "demand in the week of its due date, or without one in the week its window opens "
    "(earliest start, or submission if later)."
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    unit: Unit = Unit.TEXT


@dataclass(frozen=True)
class Section:
    """One table of the report; ``key`` names its CSV file and its JSON member."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def values(self) -> list[dict[str, Any]]:
        """Rows as ``{column key: rounded figure}`` (CSV, JSON)."""
        return [
            {c.key: value(c.unit, raw) for c, raw in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]

    def texts(self) -> list[list[str]]:
        """Rows as the text a person reads (terminal, Markdown, HTML)."""
        return [
            [text(c.unit, raw) for c, raw in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]


def _columns(*specs: tuple[str, str] | tuple[str, str, Unit]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


def local(report: WeeklyReport, instant: dt.datetime | None) -> str | None:
    """An instant as the platform's wall-clock time."""
    return None if instant is None else f"{to_local(instant, report.timezone):%Y-%m-%d %H:%M}"


def about(report: WeeklyReport) -> list[tuple[str, str]]:
    """What the report covers, as label and text pairs for its heading."""
    week = report.week
    return [
        ("platform", report.platform),
        ("week", f"{week.label} ({week.monday:%a %Y-%m-%d} to {week.sunday:%a %Y-%m-%d})"),
        ("time zone", report.timezone),
        ("site", report.site or ALL_SITES),
        ("compared with", report.previous_week.label),
        ("made", local(report, report.generated_at) or ""),
        ("last plan commit", local(report, report.demand.last_plan_at) or "none"),
    ]


def sections(report: WeeklyReport) -> list[Section]:
    """Every table of the report, in reading order."""
    return [
        summary(report),
        sites(report),
        units(report),
        unit_projects(report),
        kinds(report),
        people(report),
        roles(report),
        demand(report),
        waiting(report),
        projects(report),
        pools(report),
        *([shares(report)] if report.shares else []),  # only on a platform with targets
        changes(report),
        trend(report),
    ]


def summary(report: WeeklyReport) -> Section:
    total, people, need = report.total, report.people, report.demand
    capacity = sum(p.capacity_hours for p in people)
    assigned = sum(p.assigned_hours for p in people)
    return Section(
        "summary",
        "Summary",
        _columns(
            ("week", "Week"),
            ("units", "Units", COUNT),
            ("available_h", "Available h", H),
            ("booked_h", "Booked h", H),
            ("utilization_pct", "Utilization", PCT),
            ("downtime_h", "Downtime h", H),
            ("people", "People", COUNT),
            ("capacity_h", "Capacity h", H),
            ("assigned_h", "Assigned h", H),
            ("load_pct", "Load", PCT),
            ("demand_h", "Demand h", H),
            ("served_h", "Served h", H),
            ("unmet_h", "Unmet h", H),
            ("served_pct", "Served", PCT),
            ("bottlenecks", "Bottleneck kinds"),
            ("waiting", "Waiting requests", COUNT),
            ("week_cost", "Week cost", MONEY),
        ),
        (
            (
                report.week.label,
                total.units,
                total.available_hours,
                total.booked_hours,
                total.utilization,
                total.downtime_hours,
                len(people),
                capacity,
                assigned,
                assigned / capacity if capacity > 0 else None,
                need.demand_hours,
                need.served_hours,
                need.unmet_hours,
                need.served_share,
                ", ".join(k.kind for k in need.kinds if k.bottleneck) or "none",
                len(need.waiting),
                report.week_cents,
            ),
        ),
    )


_USAGE = (
    ("units", "Units", COUNT),
    ("open_h", "Open h", H),
    ("downtime_h", "Downtime h", H),
    ("available_h", "Available h", H),
    ("booked_h", "Booked h", H),
    ("actual_h", "Actual h", H),
    ("no_show_h", "No-show h", H),
    ("outside_h", "Outside h", H),
    ("utilization_pct", "Utilization", PCT),
)
USAGE_NOTE = (
    "Available = opening hours minus closures minus downtime. Booked = live bookings' "
    "occupation including setup and cleanup, a share of a multi-capacity unit counted pro rata: "
    "as recorded (check-in to check-out) where use was recorded, as planned elsewhere. "
    "Actual = the part of Booked that was recorded. No-show = planned hours nobody came to "
    "(not in Booked). "
    "Outside = booked hours outside available hours (unattended overnight runs, bookings hit "
    "by downtime): why utilization can exceed 100%."
)


def _usage_row(name: str, usage: Any) -> tuple[Any, ...]:
    return (
        name,
        usage.units,
        usage.open_hours,
        usage.downtime_hours,
        usage.available_hours,
        usage.booked_hours,
        usage.actual_hours,
        usage.no_show_hours,
        usage.outside_hours,
        usage.utilization,
    )


def sites(report: WeeklyReport) -> Section:
    rows = [_usage_row(s.name, s) for s in report.sites]
    rows.append(_usage_row(ALL_SITES, report.total))
    return Section(
        "sites", "Equipment by site", _columns(("site", "Site"), *_USAGE), tuple(rows), USAGE_NOTE
    )


def kinds(report: WeeklyReport) -> Section:
    return Section(
        "kinds",
        "Equipment by kind",
        _columns(("kind", "Kind"), *_USAGE),
        tuple(_usage_row(k.name, k) for k in report.kinds),
    )


def units(report: WeeklyReport) -> Section:
    return Section(
        "units",
        "Equipment units",
        _columns(
            ("unit", "Unit"),
            ("site", "Site"),
            ("kind", "Kind"),
            ("capacity", "Cap", COUNT),
            *_USAGE[1:],
        ),
        tuple(
            (
                u.unit,
                u.site,
                u.kind,
                u.capacity,
                u.open_hours,
                u.downtime_hours,
                u.available_hours,
                u.booked_hours,
                u.actual_hours,
                u.no_show_hours,
                u.outside_hours,
                u.utilization,
            )
            for u in report.units
        ),
        USAGE_NOTE,
    )


def unit_projects(report: WeeklyReport) -> Section:
    return Section(
        "unit_projects",
        "Booked hours by project",
        _columns(("unit", "Unit"), ("project", "Project"), ("booked_h", "Booked h", H)),
        tuple(
            (u.unit, project, booked)
            for u in report.units
            for project, booked in u.by_project.items()
        ),
    )


def people(report: WeeklyReport) -> Section:
    return Section(
        "people",
        "People",
        _columns(
            ("person", "Person"),
            ("role", "Role"),
            ("site", "Home site"),
            ("weekly_h", "Weekly h", H),
            ("working_h", "Working h", H),
            ("capacity_h", "Capacity h", H),
            ("assigned_h", "Assigned h", H),
            ("load_pct", "Load", PCT),
            ("flag", "Flag"),
        ),
        tuple(
            (
                p.person,
                p.role,
                p.site,
                p.weekly_hours,
                p.working_hours,
                p.capacity_hours,
                p.assigned_hours,
                p.load,
                p.flag,
            )
            for p in report.people
        ),
        "Capacity = min(weekly hours, working hours minus closures and absences). "
        "Flag: over above 100%, under below 25% of capacity.",
    )


def roles(report: WeeklyReport) -> Section:
    return Section(
        "roles",
        "People by role",
        _columns(
            ("role", "Role"),
            ("people", "People", COUNT),
            ("capacity_h", "Capacity h", H),
            ("assigned_h", "Assigned h", H),
            ("load_pct", "Load", PCT),
        ),
        tuple((r.role, r.people, r.capacity_hours, r.assigned_hours, r.load) for r in report.roles),
    )


def demand(report: WeeklyReport) -> Section:
    return Section(
        "demand",
        "Demand by equipment kind",
        _columns(
            ("kind", "Kind"),
            ("available_h", "Available h", H),
            ("demand_h", "Demand h", H),
            ("served_h", "Served h", H),
            ("unmet_h", "Unmet h", H),
            ("bottleneck", "Bottleneck", Unit.FLAG),
        ),
        tuple(
            (k.kind, k.available_hours, k.demand_hours, k.served_hours, k.unmet_hours, k.bottleneck)
            for k in report.demand.kinds
        ),
        DEMAND_RULE + " Per kind in unit-hours (task hours times the share of each unit a "
        "task takes, for every unit it needs), so the kinds need not add up to the summary's "
        "totals, which count task hours; a bottleneck asks more than is available.",
    )


def waiting(report: WeeklyReport) -> Section:
    return Section(
        "waiting",
        "Requests waiting",
        _columns(
            ("request", "Request", COUNT),
            ("project", "Project"),
            ("title", "Title"),
            ("status", "Status"),
            ("hours", "Hours", H),
            ("submitted", "Submitted"),
            ("waited_days", "Waited (days)", COUNT),
            ("due", "First due"),
            ("left_out", "Left out", Unit.FLAG),
            ("why", "Why"),
        ),
        tuple(
            (
                w.request,
                w.project,
                w.title,
                w.status,
                w.hours,
                local(report, w.submitted),
                w.waited_days(report.generated_at),
                local(report, w.due),
                w.left_out,
                "; ".join(w.reasons),
            )
            for w in sorted(
                report.demand.waiting,
                key=lambda w: (-w.waited_days(report.generated_at), w.request),
            )
        ),
        "Submitted or approved, not scheduled, as of when the report was made, the longest "
        "wait first (days since approval, or since submission while awaiting one); "
        "why: the last plan commit's reasons for leaving a request out.",
    )


def shares(report: WeeklyReport) -> Section:
    return Section(
        "shares",
        "Shares of booked hours",
        _columns(
            ("kind", "Kind"),
            ("id", "Pool or project"),
            ("target_pct", "Target", PCT),
            ("hours", "Booked h", H),
            ("share_pct", "Share", PCT),
            ("short", "Short", Unit.FLAG),
        ),
        tuple((s.kind, s.id, s.target, s.hours, s.share, s.short) for s in report.shares),
        f"The targets of the platform's [planning] shares against each one's share of the "
        f"hours booked in the {report.share_weeks} weeks ending with the report's week; "
        "a pool or project short of its target ranks its waiting requests a step higher "
        "in the next plan.",
    )


_MONEY = (
    ("week_cost", "Week cost", MONEY),
    ("committed", "Committed", MONEY),
    ("budget", "Budget", MONEY),
    ("remaining", "Remaining", MONEY),
    ("used_pct", "Used", PCT),
)
MONEY_NOTE = (
    "Cost = booked hours (start to end) x hourly rate x units of capacity. "
    "Committed = every live booking to date, past and future; used = committed / budget."
)


def projects(report: WeeklyReport) -> Section:
    return Section(
        "projects",
        "Money by project",
        _columns(("project", "Project"), ("pool", "Pool"), *_MONEY),
        tuple(
            (
                p.project,
                p.pool,
                p.week_cents,
                p.committed_cents,
                p.budget_cents,
                p.remaining_cents,
                p.used,
            )
            for p in report.projects
        ),
        MONEY_NOTE,
    )


def pools(report: WeeklyReport) -> Section:
    return Section(
        "pools",
        "Money by fund pool",
        _columns(("pool", "Pool"), ("kind", "Kind"), *_MONEY),
        tuple(
            (
                p.pool,
                p.kind,
                p.week_cents,
                p.committed_cents,
                p.budget_cents,
                p.remaining_cents,
                p.used,
            )
            for p in report.pools
        ),
    )


def changes(report: WeeklyReport) -> Section:
    return Section(
        "changes",
        f"Change against {report.previous_week.label}",
        _columns(
            ("site", "Site"),
            ("utilization_pct", "Utilization", PCT),
            ("previous_utilization_pct", "Previous", PCT),
            ("utilization_change_pt", "Change", Unit.POINTS),
            ("booked_h", "Booked h", H),
            ("previous_booked_h", "Previous h", H),
            ("booked_change_h", "Change h", Unit.HOURS_CHANGE),
        ),
        tuple(
            (
                c.site,
                c.utilization,
                c.previous_utilization,
                c.utilization_change,
                c.booked_hours,
                c.previous_booked_hours,
                c.booked_change,
            )
            for c in report.changes
        ),
    )


def trend(report: WeeklyReport) -> Section:
    return Section(
        "trend",
        f"Utilization over {len(report.trend_weeks)} weeks",
        _columns(("site", "Site"), *((w, w, PCT) for w in report.trend_weeks)),
        tuple((s.site, *s.utilization) for s in report.trend),
    )
