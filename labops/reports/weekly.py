"""The weekly utilization report: the service that computes a WeeklyReport from the database.

All the database reads happen in one read transaction, one range query per booking table
for the whole span shown (the report week and the weeks before it for the change and the
trend); the figures are then computed in Python from those rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.costs import committed_cents
from labops.bookings.window import longest_hold
from labops.calendars import Calendars
from labops.db import Database
from labops.errors import NotFound
from labops.permissions import Action, Actor
from labops.planning.runs import last_run, waiting_reasons
from labops.planning.settings import PlanningSettings
from labops.planning.shares import shares
from labops.records.catalog import platform_info
from labops.reports import fetch
from labops.reports.demand import Sites, week_demand
from labops.reports.equipment import total, totals_by, unit_weeks
from labops.reports.model import ALL_SITES, WeeklyReport
from labops.reports.money import pool_money, project_money, week_costs
from labops.reports.people import person_weeks, role_weeks
from labops.reports.trend import site_changes, site_trends
from labops.reports.weeks import Week, last_full_week, parse_week, weeks_ending

TREND_WEEKS = 8
"""Weeks in the trend, the report's week being the last."""

Progress = Callable[[str], None]


def weekly_report(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    week: str | None = None,
    site: str | None = None,
    progress: Progress | None = None,
) -> WeeklyReport:
    """The report for ISO ``week`` (like "2026-W49"; default: the last full week before
    ``now``), of the whole platform or of one ``site``. ``progress`` hears what is being done."""
    actor.require(Action.REPORT)
    step = progress or (lambda _: None)
    with db.read() as session:
        info = platform_info(session)
        tz = info.timezone
        report_week = parse_week(week, tz) if week else last_full_week(now, tz)
        weeks = weeks_ending(report_week, TREND_WEEKS, tz)
        step("reading calendars")
        settings = PlanningSettings.model_validate(info.planning)
        data = _Data(session, weeks, site, step, settings)

    step(f"computing {len(data.units)} units over {len(weeks)} weeks")
    by_week = unit_weeks(data.calendars, data.units, data.holds, weeks)
    units = by_week[-1]
    step(f"computing {len(data.people)} people")
    people = person_weeks(data.week_calendars, data.people, data.person_holds, report_week)
    kinds = totals_by(units, lambda u: u.kind)
    step("computing demand and money")
    units_by_id = {unit.id: unit for unit in data.all_units}
    demand = week_demand(
        week=report_week,
        booked=data.booked,
        holds=data.holds,
        open_tasks=data.open_tasks,
        needs=data.needs,
        available_by_kind={k.name: k.available_hours for k in kinds},
        waiting=data.waiting,
        left_out=data.left_out,
        last_plan_at=data.last_plan.at if data.last_plan else None,
        sites=Sites(units_by_id, site),
    )
    projects = project_money(
        data.projects, week_costs(data.holds, units_by_id, report_week), data.committed
    )
    return WeeklyReport(
        platform=info.name,
        timezone=tz,
        week=report_week,
        previous_week=weeks[-2],
        site=site,
        generated_at=now,
        units=tuple(units),
        sites=tuple(totals_by(units, lambda u: u.site)),
        kinds=tuple(kinds),
        total=total(ALL_SITES, units),
        people=tuple(people),
        roles=tuple(role_weeks(people)),
        demand=demand,
        projects=tuple(projects),
        pools=tuple(pool_money(data.pools, projects)),
        changes=tuple(site_changes(units, by_week[-2])),
        trend_weeks=tuple(w.label for w in weeks),
        trend=tuple(site_trends(by_week)),
        shares=tuple(data.shares),
        share_weeks=data.share_weeks,
    )


class _Data:
    """What the report reads from the database, read in one transaction."""

    def __init__(
        self,
        session: Session,
        weeks: list[Week],
        site: str | None,
        step: Progress,
        settings: PlanningSettings,
    ):
        if site is not None and session.get(t.Site, site) is None:
            raise NotFound(f"no site {site[:64]!r}")
        start, end, week = weeks[0].start, weeks[-1].end, weeks[-1]
        self.all_units = list(
            session.exec(
                select(t.Equipment).order_by(t.Equipment.site, t.Equipment.kind, t.Equipment.id)
            )
        )
        self.units = [u for u in self.all_units if site is None or u.site == site]
        query = select(t.Person).order_by(t.Person.id)
        if site is not None:
            query = query.where(t.Person.home_site == site)
        self.people = list(session.exec(query))
        self.calendars = Calendars(session, start, end)
        # People are shown for the report week only: their working time for 8 weeks would
        # be computed for nothing.
        self.week_calendars = Calendars(session, week.start, week.end)
        longest = longest_hold(session)
        step("reading bookings")
        self.holds = fetch.unit_holds(
            session, [u.id for u in self.units], start, end, longest=longest
        )
        self.person_holds = fetch.person_holds(
            session, [p.id for p in self.people], week.start, week.end, longest=longest
        )
        self.booked = fetch.booked_tasks(session, week.start, week.end, longest=longest)
        step("reading requests")
        self.open_tasks = fetch.open_tasks(session, week.start, week.end)
        self.waiting = fetch.waiting_requests(session)
        waiting_tasks = {i for w in self.waiting for i in w.tasks}
        self.needs = fetch.waiting_needs(session) + fetch.task_needs(
            session, [task.task for task in self.open_tasks if task.task not in waiting_tasks]
        )
        self.last_plan = last_run(session)
        self.left_out = waiting_reasons(session, [w.request for w in self.waiting], rules=False)
        step("reading money")
        self.projects = list(
            session.exec(select(t.Project).order_by(t.Project.fund_pool, t.Project.id))
        )
        self.pools = list(session.exec(select(t.FundPool).order_by(col(t.FundPool.id))))
        self.committed = committed_cents(session)
        self.share_weeks = settings.share_weeks
        self.shares = shares(session, settings.shares, week.end, settings.share_weeks)
