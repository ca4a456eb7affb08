"""Money: the week's cost of bookings per project and fund pool, against their budgets.

Cost is charged as `labops funds` charges it (labops.bookings.costs): booking start to end
(setup and cleanup are free), times the unit's hourly rate per unit of capacity, times the units of
capacity held. A booking crossing the week's edge costs the week only its hours inside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from labops import tables as t
from labops.calendars import clip, hours
from labops.reports.fetch import UnitHold
from labops.reports.model import PoolMoney, ProjectMoney, ratio
from labops.reports.weeks import Week


def week_costs(
    holds: Iterable[UnitHold],
    units: Mapping[str, t.Equipment],
    week: Week,
    counts: Callable[[UnitHold], bool] = lambda hold: True,
) -> dict[str, float]:
    """Cents per project for the hours of ``holds`` within the week."""
    cents: dict[str, float] = defaultdict(float)
    for hold in holds:
        if not counts(hold):
            continue
        booked = hours(clip([(hold.start, hold.end)], week.start, week.end))
        cents[hold.project] += booked * units[hold.unit].hourly_rate * hold.amount
    return cents


def project_money(
    projects: Sequence[t.Project], week: Mapping[str, float], committed: Mapping[str, int]
) -> list[ProjectMoney]:
    """Each project's week cost and committed money against its budget."""
    return [
        ProjectMoney(
            project=p.id,
            pool=p.fund_pool,
            week_cents=week.get(p.id, 0.0),
            committed_cents=float(committed.get(p.id, 0)),
            budget_cents=float(p.budget),
            remaining_cents=float(p.budget - committed.get(p.id, 0)),
            used=ratio(committed.get(p.id, 0), p.budget),
        )
        for p in projects
    ]


def pool_money(pools: Sequence[t.FundPool], projects: Sequence[ProjectMoney]) -> list[PoolMoney]:
    """Each fund pool: its projects' money added up, against the pool's budget."""
    week: dict[str, float] = defaultdict(float)
    committed: dict[str, float] = defaultdict(float)
    for project in projects:
        week[project.pool] += project.week_cents
        committed[project.pool] += project.committed_cents
    return [
        PoolMoney(
            pool=pool.id,
            kind=pool.kind.value,
            week_cents=week[pool.id],
            committed_cents=committed[pool.id],
            budget_cents=float(pool.budget),
            remaining_cents=pool.budget - committed[pool.id],
            used=ratio(committed[pool.id], pool.budget),
        )
        for pool in pools
    ]
