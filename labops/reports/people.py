"""People figures: assigned hours against capacity, per person and per role."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from labops import tables as t
from labops.calendars import Calendars, clip, hours
from labops.reports.fetch import PersonHold
from labops.reports.model import OVERLOADED, UNDERLOADED, PersonWeek, RoleWeek, ratio
from labops.reports.weeks import Week


def person_weeks(
    calendars: Calendars, people: Sequence[t.Person], holds: Iterable[PersonHold], week: Week
) -> list[PersonWeek]:
    """Each person's week (the figures are defined on PersonWeek), in the order given."""
    assigned: dict[str, float] = defaultdict(float)
    for hold in holds:
        assigned[hold.person] += hours(
            clip([(hold.busy_start, hold.busy_end)], week.start, week.end)
        )
    result = []
    for person in people:
        working = hours(clip(calendars.person_available(person.id), week.start, week.end))
        capacity = min(person.weekly_hours, working)
        busy = assigned.get(person.id, 0.0)
        load = ratio(busy, capacity)
        result.append(
            PersonWeek(
                person=person.id,
                name=person.name,
                role=person.role.value,
                site=person.home_site or "",
                weekly_hours=person.weekly_hours,
                working_hours=working,
                capacity_hours=capacity,
                assigned_hours=busy,
                load=load,
                flag=load_flag(busy, capacity),
            )
        )
    return result


def load_flag(assigned: float, capacity: float) -> str:
    """ "over" above 100 % of capacity, "under" below 25 % of a capacity above zero."""
    if capacity <= 0:
        return "over" if assigned > 0 else ""
    if assigned > OVERLOADED * capacity:
        return "over"
    if assigned < UNDERLOADED * capacity:
        return "under"
    return ""


def role_weeks(people: Iterable[PersonWeek]) -> list[RoleWeek]:
    """People added up per role, sorted by role."""
    groups: dict[str, list[PersonWeek]] = defaultdict(list)
    for person in people:
        groups[person.role].append(person)
    result = []
    for role in sorted(groups):
        capacity = sum(p.capacity_hours for p in groups[role])
        assigned = sum(p.assigned_hours for p in groups[role])
        result.append(
            RoleWeek(
                role=role,
                people=len(groups[role]),
                capacity_hours=capacity,
                assigned_hours=assigned,
                load=ratio(assigned, capacity),
            )
        )
    return result
