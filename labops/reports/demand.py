"""Demand: hours people asked for in a week against hours served, and what is waiting.

The rule, chosen so that each task's hours count in exactly one place and a person can
check it against the calendar:

- **A booked task** (one with a live booking) is demand *and* served in the weeks its
  booking runs, hour by hour: a booking from Sunday 20:00 to Monday 04:00 counts 4 hours in
  each week. Hours are the task's own (booking start to end), without setup and cleanup.
- **A task not booked** (of a submitted, approved or scheduled request) is unmet demand,
  its whole duration, in the week of its due date; a due date at Monday 00:00 belongs to
  the week that ends then. A task without a due date counts in the week its window opens:
  its earliest start, or its request's submission if that is later.
- Drafts, rejected, cancelled and done requests' unbooked tasks are no demand.

So demand = served + unmet, and summing the weeks gives every task's hours once. Per
equipment kind, hours count as unit-hours (``amount / capacity`` of the task's hours, the
same way as booked hours); a kind is a bottleneck when its demand exceeds the available
hours of its units that week.

Waiting requests are listed as of when the report is made: submitted or approved, not
scheduled, with the reasons the last plan commit (the `plan.commit` audit event) gave for
leaving them out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from labops import tables as t
from labops.calendars import clip, hours
from labops.reports.fetch import BookedTask, Need, OpenTask, UnitHold, WaitingRow
from labops.reports.model import Demand, KindDemand, WaitingRequest, ratio
from labops.reports.weeks import Week

AWAITING_APPROVAL = "awaiting approval"
NOT_PLANNED = "not planned since approval"


def attributed_to(task: OpenTask, week: Week) -> bool:
    """Whether an unbooked task's hours are demand of ``week`` (see the module's rule)."""
    if task.due is not None:
        return week.start < task.due <= week.end
    opens = [instant for instant in (task.earliest, task.submitted) if instant is not None]
    return bool(opens) and week.start <= max(opens) < week.end


class Sites:
    """Where equipment needs can be met, for narrowing demand to one site."""

    def __init__(self, units: Mapping[str, t.Equipment], site: str | None) -> None:
        self.units = units
        self.site = site
        # Thousands of waiting tasks ask for a few kinds: each answer is worked out once.
        self._matching: dict[tuple[str | None, str | None, str | None], list[t.Equipment]] = {}

    def hold_counts(self, hold: UnitHold) -> bool:
        return self.site is None or self.units[hold.unit].site == self.site

    def matching(self, need: Need) -> list[t.Equipment]:
        """Units that could meet ``need`` (at the report's site, if any)."""
        key = (need.unit, need.kind, need.site)
        if key not in self._matching:
            self._matching[key] = [
                unit
                for unit in self.units.values()
                if (unit.id == need.unit if need.unit else unit.kind == need.kind)
                and (need.site is None or unit.site == need.site)
                and (self.site is None or unit.site == self.site)
            ]
        return self._matching[key]

    def kind_of(self, need: Need) -> str:
        return self.units[need.unit].kind if need.unit else str(need.kind)


def week_demand(
    *,
    week: Week,
    booked: Iterable[BookedTask],
    holds: Iterable[UnitHold],
    open_tasks: Iterable[OpenTask],
    needs: Iterable[Need],
    available_by_kind: Mapping[str, float],
    waiting: Sequence[WaitingRow],
    left_out: Mapping[int, tuple[str, ...]],
    last_plan_at: dt.datetime | None,
    sites: Sites,
) -> Demand:
    """The week's demand (see the module's rule), narrowed to ``sites.site`` if set."""
    needs_of: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        needs_of[need.task].append(need)
    served_by_kind: dict[str, float] = defaultdict(float)
    unmet_by_kind: dict[str, float] = defaultdict(float)

    booked_here: set[int] = set()
    for hold in holds:
        task_hours = hours(clip([(hold.start, hold.end)], week.start, week.end))
        if task_hours and sites.hold_counts(hold):
            booked_here.add(hold.booking)
            unit = sites.units[hold.unit]
            served_by_kind[unit.kind] += task_hours * hold.amount / unit.capacity
    served = sum(
        hours(clip([(b.start, b.end)], week.start, week.end))
        for b in booked
        if sites.site is None or b.booking in booked_here
    )

    unmet = 0.0
    for task in open_tasks:
        if not attributed_to(task, week):
            continue
        task_needs = [n for n in needs_of[task.task] if sites.matching(n)]
        if sites.site is not None and not task_needs:
            continue
        unmet += task.minutes / 60
        for need in task_needs:
            capacity = max(unit.capacity for unit in sites.matching(need))
            unmet_by_kind[sites.kind_of(need)] += task.minutes / 60 * need.amount / capacity

    kinds = sorted(set(available_by_kind) | set(served_by_kind) | set(unmet_by_kind))
    demand = served + unmet
    return Demand(
        demand_hours=demand,
        served_hours=served,
        unmet_hours=unmet,
        served_share=ratio(served, demand),
        kinds=tuple(
            _kind_demand(
                kind, available_by_kind.get(kind, 0.0), served_by_kind[kind], unmet_by_kind[kind]
            )
            for kind in kinds
        ),
        waiting=tuple(
            _waiting(row, left_out)
            for row in waiting
            if sites.site is None
            or any(sites.matching(n) for task in row.tasks for n in needs_of[task])
        ),
        last_plan_at=last_plan_at,
    )


def _kind_demand(kind: str, available: float, served: float, unmet: float) -> KindDemand:
    demand = served + unmet
    return KindDemand(
        kind=kind,
        available_hours=available,
        demand_hours=demand,
        served_hours=served,
        unmet_hours=unmet,
        bottleneck=demand > available + 1e-9,
    )


def _waiting(row: WaitingRow, left_out: Mapping[int, tuple[str, ...]]) -> WaitingRequest:
    if row.request in left_out:
        reasons = left_out[row.request]
    elif row.status == "submitted":
        reasons = (AWAITING_APPROVAL,)
    else:
        reasons = (NOT_PLANNED,)
    return WaitingRequest(
        request=row.request,
        project=row.project,
        title=row.title,
        status=row.status,
        hours=row.minutes / 60,
        submitted=row.submitted,
        due=row.due,
        left_out=row.request in left_out,
        reasons=reasons,
        approved=row.approved,
    )
