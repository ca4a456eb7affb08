"""Whether the entries of a platform file agree with each other.

Each problem is one line naming the entry and what is wrong with it, like
``equipment 'sem-2': site 'bio-lab' does not exist``. All problems are collected, so a
person can fix a file in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable
from typing import Any

from labops.people.model import supervisor_problem
from labops.platform.clashes import locked_clashes
from labops.platform.file_schema import PersonSpec, PlatformFile, RequestSpec, TaskSpec
from labops.platform.partial import Unread
from labops.vocabulary import PoolKind, Role


class _Anything:
    """The ids of a section that could not be read at all: any reference may be right."""

    def __contains__(self, item: object) -> bool:
        return True


def check_platform(data: PlatformFile, unread: Unread | None = None) -> list[str]:
    """Problems between the entries of ``data``. With ``unread`` (the entries left out
    because they have problems of their own), references to left-out entries are not
    reported, and their ids still count for duplicates."""
    unread = unread or Unread()
    left_out = unread.ids
    problems: list[str] = []
    for what, section, ids in (
        ("kind", "kinds", (kind.id for kind in data.kinds)),
        ("site", "sites", (site.id for site in data.sites)),
        ("equipment", "equipment", (unit.id for unit in data.equipment)),
        ("person", "people", (person.id for person in data.people)),
        ("fund pool", "fund_pools", (pool.id for pool in data.fund_pools)),
        ("project", "projects", (project.id for project in data.projects)),
        ("request", "requests", (request.id for request in data.requests)),
        ("travel between", "travel", ("/".join(sorted(t.between)) for t in data.travel)),
    ):
        every = [*ids, *left_out.get(section, ())]
        problems += _duplicates(what, every, quote=section != "requests")
    problems += _duplicates("login", (p.login for p in data.people if p.login is not None))
    pool_kinds = Counter(pool.kind for pool in data.fund_pools)
    pool_kinds.update(unread.pool_kinds)
    problems += [
        f"fund pools: more than one pool of kind '{kind}'"
        for kind, n in pool_kinds.items()
        if n > 1
    ]
    pools_readable = "fund_pools" not in unread.sections and not unread.pool_kind_unknown
    if (data.fund_pools or unread.pool_kinds) and pools_readable:
        problems += [
            f"fund pools: the '{kind}' pool is missing"
            for kind in PoolKind
            if kind not in pool_kinds
        ]

    kinds = _known(unread, "kinds", (kind.id for kind in data.kinds))
    sites = _known(unread, "sites", (site.id for site in data.sites))
    people = _known(unread, "people", (person.id for person in data.people))
    pools = _known(unread, "fund_pools", (pool.id for pool in data.fund_pools))
    projects = _known(unread, "projects", (project.id for project in data.projects))
    roles = {person.id: person.role for person in data.people}
    units = {unit.id: unit for unit in data.equipment}
    unit_ids = _known(unread, "equipment", units)
    # Kinds whose largest unit is not known, because one of its units was left out.
    uncertain_kinds: Container[str] = (
        _Anything()
        if unread.unit_kind_unknown or "equipment" in unread.sections
        else unread.unit_kinds
    )

    for travel in data.travel:
        for site in travel.between:
            if site not in sites:
                problems.append(f"travel {'/'.join(travel.between)}: site '{site}' does not exist")
    for unit in data.equipment:
        label = f"equipment '{unit.id}'"
        if unit.site not in sites:
            problems.append(f"{label}: site '{unit.site}' does not exist")
        if unit.kind not in kinds:
            problems.append(f"{label}: kind '{unit.kind}' does not exist")
    for person in data.people:
        label = f"person '{person.id}'"
        if person.home_site is not None and person.home_site not in sites:
            problems.append(f"{label}: home_site '{person.home_site}' does not exist")
        problems += _supervisor_problems(label, person, people, roles)
        problems += [
            f"{label}: certification for kind '{kind}' which does not exist"
            for kind in person.certifications
            if kind not in kinds
        ]
    tiers = data.charges.tiers
    for unit in data.equipment:
        problems += [
            f"equipment '{unit.id}': rates: tier '{tier}' is not one of [charges] tiers"
            for tier in unit.rates
            if tier not in tiers
        ]
    for project in data.projects:
        label = f"project '{project.id}'"
        if project.tier is not None and project.tier not in tiers:
            problems.append(f"{label}: tier '{project.tier}' is not one of [charges] tiers")
        if project.lead not in people:
            problems.append(f"{label}: lead '{project.lead}' does not exist")
        if project.fund_pool not in pools:
            problems.append(f"{label}: fund_pool '{project.fund_pool}' does not exist")
        problems += [
            f"{label}: member '{member}' does not exist"
            for member in project.members
            if member not in people
        ]
        problems += _duplicates(f"{label}: member", project.members)

    capacity_of_kind: dict[tuple[str, str | None], int] = {}
    for unit in data.equipment:
        for key in ((unit.kind, None), (unit.kind, unit.site)):
            capacity_of_kind[key] = max(capacity_of_kind.get(key, 0), unit.capacity)

    for request in data.requests:
        label = f"request {request.id}"
        if request.project not in projects:
            problems.append(f"{label}: project '{request.project}' does not exist")
        if request.requester not in people:
            problems.append(f"{label}: requester '{request.requester}' does not exist")
        problems += _duplicates(f"{label}: task", (task.key for task in request.tasks))
        for task in request.tasks:
            problems += check_task_needs(
                f"{label}: task '{task.key}'",
                task,
                kinds,
                sites,
                units,
                capacity_of_kind,
                unread_units=unit_ids,
                uncertain_kinds=uncertain_kinds,
            )
        problems += _check_precedence(label, request)

    tasks = {(r.id, t.key): t for r in data.requests for t in r.tasks}
    unread_requests = _known(unread, "requests", ())
    booked = Counter((booking.request, booking.task) for booking in data.bookings)
    for (request_id, task_key), n in booked.items():
        if n > 1:
            problems.append(f"booking {request_id}/{task_key}: the task is booked {n} times")
    for booking in data.bookings:
        label = f"booking {booking.request}/{booking.task}"
        spec = tasks.get((booking.request, booking.task))
        if spec is None and booking.request in unread_requests:
            continue  # its request has problems of its own
        if spec is None:
            problems.append(f"{label}: request {booking.request} has no task '{booking.task}'")
            continue
        problems += [
            f"{label}: unit '{u}' does not exist" for u in booking.units if u not in unit_ids
        ]
        named = [*booking.people, *(s.person for s in booking.shifts)]
        problems += [f"{label}: person '{p}' does not exist" for p in named if p not in people]
        if booking.shifts and (not spec.shifts or booking.people):
            problems.append(f"{label}: shifts are for a task in shifts, in place of people")
        if len(booking.units) != len(spec.equipment):
            problems.append(
                f"{label}: {len(booking.units)} units given for {len(spec.equipment)} "
                "equipment needs (one per need, in order)"
            )
        else:
            for unit_id, need in zip(booking.units, spec.equipment, strict=True):
                booked_unit = units.get(unit_id)
                if booked_unit is None:
                    continue
                if need.unit is not None and unit_id != need.unit:
                    problems.append(f"{label}: unit '{unit_id}' is not the '{need.unit}' asked for")
                if need.kind is not None and booked_unit.kind != need.kind:
                    problems.append(f"{label}: unit '{unit_id}' is not of kind '{need.kind}'")
        minutes = (booking.end - booking.start).total_seconds() / 60
        if minutes != spec.duration:
            problems.append(
                f"{label}: lasts {minutes:g} minutes but the task takes {spec.duration}"
            )
    return problems + _share_problems(data, pools, projects) + locked_clashes(data)


def _share_problems(
    data: PlatformFile, pools: Container[Any], projects: Container[Any]
) -> list[str]:
    """Each target share names a fund pool or a project; pools' targets, and projects',
    add up to at most 100%."""
    problems = []
    total = {"fund pool": 0, "project": 0}
    for key, percent in data.planning.shares.items():
        if key in pools:
            total["fund pool"] += percent
        elif key in projects:
            total["project"] += percent
        else:
            problems.append(f"planning: shares: '{key}' is neither a fund pool nor a project")
    problems += [
        f"planning: shares: the {kind} targets add up to {percent}%, more than 100%"
        for kind, percent in total.items()
        if percent > 100
    ]
    return problems


def _supervisor_problems(
    label: str, person: PersonSpec, people: Container[str], roles: dict[str, Role]
) -> list[str]:
    """A supervisor is someone known (the rest: ``people.model.supervisor_problem``)."""
    named = person.supervisor
    problem = supervisor_problem(person, roles.get(named) if named else None)
    if problem is None and named is not None and named not in people:
        problem = f"supervisor '{named}' does not exist"
    return [] if problem is None else [f"{label}: {problem}"]


def check_task_needs(
    label: str,
    task: TaskSpec,
    kinds: Container[str],
    sites: Container[str],
    units: dict,
    capacity_of_kind: dict[tuple[str, str | None], int],
    *,
    unread_units: Container[str] = (),
    uncertain_kinds: Container[str] = (),
) -> list[str]:
    """Problems of a task's equipment needs: unknown units, kinds or sites, or more capacity
    than any matching unit has. ``units`` maps ids to records with a ``capacity``; units in
    ``unread_units`` exist but are not known further, nor the largest unit of
    ``uncertain_kinds``."""
    problems = []
    for need in task.equipment:
        if need.unit is not None:
            unit = units.get(need.unit)
            if unit is None:
                if need.unit not in unread_units:
                    problems.append(f"{label}: unit '{need.unit}' does not exist")
            elif need.amount > unit.capacity:
                problems.append(
                    f"{label}: asks for {need.amount} of unit '{need.unit}', "
                    f"which has capacity {unit.capacity}"
                )
            continue
        if need.kind is None or need.kind not in kinds:  # None: never, a need names one
            problems.append(f"{label}: kind '{need.kind}' does not exist")
            continue
        if need.site is not None and need.site not in sites:
            problems.append(f"{label}: site '{need.site}' does not exist")
            continue
        if need.kind in uncertain_kinds:
            continue
        largest = capacity_of_kind.get((need.kind, need.site), 0)
        where = f" at site '{need.site}'" if need.site else ""
        if largest == 0:
            problems.append(f"{label}: no unit of kind '{need.kind}'{where}")
        elif need.amount > largest:
            problems.append(
                f"{label}: asks for {need.amount} of a '{need.kind}' unit{where}, "
                f"but the largest has capacity {largest}"
            )
    return problems


def _check_precedence(label: str, request: RequestSpec) -> list[str]:
    keys = {task.key for task in request.tasks}
    problems = []
    successors: dict[str, list[str]] = {key: [] for key in keys}
    for task in request.tasks:
        for after in task.after:
            if after.task not in keys:
                problems.append(
                    f"{label}: task '{task.key}': comes after '{after.task}', "
                    "which is not a task of this request"
                )
            elif after.task == task.key:
                problems.append(f"{label}: task '{task.key}': comes after itself")
            else:
                successors[after.task].append(task.key)
    cycle = find_cycle(successors)
    if cycle:
        problems.append(f"{label}: precedence cycle {' -> '.join(cycle)}")
    return problems


def find_cycle(successors: dict[str, list[str]]) -> list[str]:
    """One cycle of a directed graph as a closed path of nodes, or [] if it has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(successors):
        if root in state:
            continue
        path = [root]
        iterators = [iter(successors[root])]
        state[root] = 1
        while iterators:
            node = next(iterators[-1], None)
            if node is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(node) == 1:
                return [*path[path.index(node) :], node]
            elif node not in state:
                state[node] = 1
                path.append(node)
                iterators.append(iter(successors.get(node, ())))
    return []


def _known(unread: Unread, section: str, ids: Iterable[Any]) -> Container[Any]:
    """The ids of ``section`` a reference may name: those read, and those left out."""
    if section in unread.sections:
        return _Anything()
    return {*ids, *unread.known(section)}


def _duplicates(what: str, ids: Iterable[object], *, quote: bool = True) -> list[str]:
    counts = Counter(ids)
    return [
        f"{what} {f'{key!r}' if quote else key}: defined {n} times"
        for key, n in counts.items()
        if n > 1
    ]
