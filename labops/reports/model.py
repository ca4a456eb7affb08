"""The weekly utilization report as typed data: what every rendering is made from.

Hours are float hours and money float cents, both unrounded: rounding happens only when a
figure is rendered (labops.reports.figures). Ratios (utilization, load, share of budget)
are fractions, 1.0 meaning 100 %, and ``None`` where the whole they divide by is zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from labops.planning.shares import Share
from labops.reports.weeks import Week

OVERLOADED = 1.0
"""A person is overloaded when their assigned hours exceed their capacity."""
UNDERLOADED = 0.25
"""A person with some capacity is underloaded below a quarter of it."""


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is no whole to divide by."""
    return part / whole if whole > 0 else None


@dataclass(frozen=True)
class UnitWeek:
    """One equipment unit over one week.

    - ``open_hours``: its site's opening hours, closures taken out.
    - ``downtime_hours``: the part of the opening hours its downtime took.
    - ``available_hours``: opening hours minus closures minus downtime (labops.calendars).
    - ``booked_hours``: how long live bookings occupied it, setup and cleanup included (the
      unit is unusable for anyone else then), clipped to the week. A booking holding
      ``amount`` of a unit's ``capacity`` counts ``amount / capacity`` of its hours, so a
      fully used bank of six fume hoods counts like one fully used microscope.
    - ``outside_hours``: the part of ``booked_hours`` outside the available hours: unattended
      overnight runs, or bookings that downtime recorded later ran into. This is why
      utilization can exceed 100 %.
    - ``utilization``: booked / available.
    - ``by_project``: booked hours per project.
    - ``actual_hours``: the part of ``booked_hours`` from recorded use: a booking checked in
      and out counts from check-in to check-out (setup and cleanup around them) instead of
      its planned span; the rest of ``booked_hours`` is as planned.
    - ``no_show_hours``: the planned hours of no-shows (not in ``booked_hours``: nobody came).
    """

    unit: str
    name: str
    site: str
    kind: str
    capacity: int
    open_hours: float
    downtime_hours: float
    available_hours: float
    booked_hours: float
    outside_hours: float
    utilization: float | None
    by_project: dict[str, float]
    actual_hours: float = 0.0
    no_show_hours: float = 0.0


@dataclass(frozen=True)
class UsageTotal:
    """The units of a site, of a kind, or of the whole platform added up (see UnitWeek)."""

    name: str
    units: int
    open_hours: float
    downtime_hours: float
    available_hours: float
    booked_hours: float
    outside_hours: float
    utilization: float | None
    actual_hours: float = 0.0
    no_show_hours: float = 0.0


@dataclass(frozen=True)
class PersonWeek:
    """One person over the week.

    - ``working_hours``: their working hours, minus their home site's closures and their
      absences (labops.calendars).
    - ``capacity_hours``: min(weekly_hours, working_hours).
    - ``assigned_hours``: their spans on live bookings (the staffed part of unattended
      tasks only), clipped to the week.
    - ``load``: assigned / capacity; ``flag`` is "over" above 100 %, "under" below 25 %
      (people with no capacity are never "under"; assigned hours without any capacity are
      "over").
    """

    person: str
    name: str
    role: str
    site: str
    weekly_hours: float
    working_hours: float
    capacity_hours: float
    assigned_hours: float
    load: float | None
    flag: str


@dataclass(frozen=True)
class RoleWeek:
    """The people of one role added up (see PersonWeek)."""

    role: str
    people: int
    capacity_hours: float
    assigned_hours: float
    load: float | None


@dataclass(frozen=True)
class KindDemand:
    """Demand on one equipment kind in the week, in unit-hours (``amount / capacity`` of a
    task's hours, as for booked hours).

    ``bottleneck``: more hours were asked of the kind than its units had available.
    """

    kind: str
    available_hours: float
    demand_hours: float
    served_hours: float
    unmet_hours: float
    bottleneck: bool


@dataclass(frozen=True)
class WaitingRequest:
    """A request submitted or approved but not scheduled, as of when the report is made.

    ``left_out``: the last plan commit could not place it; ``reasons`` says why (the
    solver's reasons, or "awaiting approval" / "approved after the last plan").
    """

    request: int
    project: str
    title: str
    status: str
    hours: float
    submitted: dt.datetime | None
    due: dt.datetime | None
    left_out: bool
    reasons: tuple[str, ...]
    approved: dt.datetime | None = None

    def waited_days(self, now: dt.datetime) -> int:
        """Whole days since its approval (since its submission while it awaits one)."""
        since = self.approved or self.submitted
        return max(0, (now - since).days) if since is not None else 0


@dataclass(frozen=True)
class Demand:
    """Hours people asked for in the week against hours served (the rule: labops.reports.demand).

    ``served_share``: served / demand.
    """

    demand_hours: float
    served_hours: float
    unmet_hours: float
    served_share: float | None
    kinds: tuple[KindDemand, ...]
    waiting: tuple[WaitingRequest, ...]
    last_plan_at: dt.datetime | None


@dataclass(frozen=True)
class ProjectMoney:
    """What a project's bookings cost: hours x the unit's hourly rate x units of capacity.

    - ``week_cents``: bookings' hours within the week (booking start to end, without setup
      and cleanup, as `labops funds` charges them).
    - ``committed_cents``: every live booking, past and future (what `labops funds` shows).
    - ``used``: committed / budget.
    """

    project: str
    pool: str
    week_cents: float
    committed_cents: float
    budget_cents: float
    remaining_cents: float
    used: float | None


@dataclass(frozen=True)
class PoolMoney:
    """A fund pool: its projects' money added up, against the pool's own budget."""

    pool: str
    kind: str
    week_cents: float
    committed_cents: float
    budget_cents: float
    remaining_cents: float
    used: float | None


@dataclass(frozen=True)
class SiteChange:
    """A site's week against the week before; changes are this week minus last week
    (utilization in percentage points)."""

    site: str
    utilization: float | None
    previous_utilization: float | None
    utilization_change: float | None
    booked_hours: float
    previous_booked_hours: float
    booked_change: float


@dataclass(frozen=True)
class SiteTrend:
    """A site's utilization in each week of ``WeeklyReport.trend_weeks``."""

    site: str
    utilization: tuple[float | None, ...]
    booked_hours: tuple[float, ...]
    available_hours: tuple[float, ...]


ALL_SITES = "all sites"
"""The name of the platform-wide row in site totals, changes and trends."""


@dataclass(frozen=True)
class WeeklyReport:
    """The platform's week: equipment, people, demand, money, change and trend.

    ``site`` narrows it to one site (its units, the people based there, the demand and
    money of bookings and tasks that use or can use it).
    """

    platform: str
    timezone: str
    week: Week
    previous_week: Week
    site: str | None
    generated_at: dt.datetime
    units: tuple[UnitWeek, ...]
    sites: tuple[UsageTotal, ...]
    kinds: tuple[UsageTotal, ...]
    total: UsageTotal
    people: tuple[PersonWeek, ...]
    roles: tuple[RoleWeek, ...]
    demand: Demand
    projects: tuple[ProjectMoney, ...]
    pools: tuple[PoolMoney, ...]
    changes: tuple[SiteChange, ...]
    trend_weeks: tuple[str, ...]
    trend: tuple[SiteTrend, ...]
    shares: tuple[Share, ...] = ()  # targets of [planning] shares against what was got
    share_weeks: int = 4  # the weeks the shares are measured over, ending with the week

    @property
    def week_cents(self) -> float:
        return sum(project.week_cents for project in self.projects)
