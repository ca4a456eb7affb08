"""The people side of the board: who is busy when, weekly loads, teams, picking a crew.

``Crew`` keeps each person's staffed intervals (sorted, for overlap and travel checks),
their load per week and the people on each team or request, and picks the people of a task
at a given start: eligible, available, under their weekly cap, free and able to travel, in
need order, with a certified operator where a unit needs one and a supervisor beside any
student. ``fill_needs`` is the matching behind it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import product

from solver import ranges as R
from solver.facts import Facts, ModeOption, TaskFacts, UnitOption
from solver.problem import Person, Problem, StaffNeed, Task
from solver.rules import Rule

Interval = tuple[int, int, str, str | None]  # start, end, task id, site


class Crew:
    """People's commitments on a board, and the choice of people for a task."""

    def __init__(self, problem: Problem, facts: Facts) -> None:
        self.problem = problem
        self.facts = facts
        self.busy: dict[str, list[Interval]] = defaultdict(list)
        self.busy_ends: dict[str, list[int]] = defaultdict(list)
        self.longest: dict[str, int] = defaultdict(int)
        self.week_load: dict[str, Counter[int]] = defaultdict(Counter)
        self.members: dict[str, Counter[str]] = defaultdict(Counter)  # team or request
        self.max_travel = max(facts.travel_times)
        self._preference: dict[str, dict[str, tuple]] = {}

    def add(
        self, task: Task, start: int, length: int, site: str | None, people: Iterable[str]
    ) -> None:
        week = self.facts.week_of(start)
        for person_id in people:
            insort(self.busy[person_id], (start, start + length, task.id, site))
            insort(self.busy_ends[person_id], start + length)
            self.longest[person_id] = max(self.longest[person_id], length)
            self.week_load[person_id][week] += length
            self.members[group_of(task)][person_id] += 1
        self._preference.clear()

    def remove(
        self, task: Task, start: int, length: int, site: str | None, people: Iterable[str]
    ) -> None:
        week = self.facts.week_of(start)
        for person_id in people:
            self.busy[person_id].remove((start, start + length, task.id, site))
            self.busy_ends[person_id].remove(start + length)
            self.week_load[person_id][week] -= length
            self.members[group_of(task)][person_id] -= 1
        self._preference.clear()

    def free_lists(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        diagnose: Counter[Rule] | None,
    ) -> list[list[str]] | None:
        """Eligible people per need who are available, under their cap and not busy.

        Travel is checked later, once the site is known; here every busy interval counts
        without travel.
        """
        lists = []
        week = self.facts.week_of(start)
        length = option.staffed
        verdict: dict[str, bool] = {}
        for need, eligible in zip(facts.task.staff, facts.staff, strict=True):
            ready = []
            for person_id in eligible:
                if person_id not in verdict:
                    verdict[person_id] = self.person_free(person_id, start, length, week, diagnose)
                if verdict[person_id]:
                    ready.append(person_id)
            if len(ready) < need.count:
                return None
            lists.append(self._by_preference(facts, ready))
        return lists

    def person_free(
        self, person_id: str, start: int, length: int, week: int, diagnose: Counter[Rule] | None
    ) -> bool:
        person = self.problem.person[person_id]
        if not R.contains(self.facts.person_fit(person, length), start):
            count(diagnose, Rule.PERSON_AVAILABLE)
            return False
        if (
            person.weekly_cap is not None
            and week >= 0
            and self.week_load[person_id][week] + length > person.weekly_cap
        ):
            count(diagnose, Rule.PERSON_WEEKLY_CAP)
            return False
        if length > 0 and self.clash(person_id, start, length, None, 0) is not None:
            count(diagnose, Rule.PERSON_OVERLAP)
            return False
        return True

    def clash(
        self, person_id: str, start: int, length: int, site: str | None, travel: int
    ) -> str | None:
        """The task a new staffed interval clashes with (overlap or travel), or None."""
        busy = self.busy[person_id]
        end = start + length
        j = bisect_left(busy, (end + travel,)) - 1
        reach = self.longest[person_id] + travel
        while j >= 0 and busy[j][0] + reach > start:
            b_start, b_end, b_task, b_site = busy[j]
            j -= 1
            if length > 0 and b_end > b_start and b_start < end and start < b_end:
                return b_task
            if site is None or b_site is None or site == b_site:
                continue
            gap = self.problem.travel_time(site, b_site)
            if gap > 0 and not (start >= b_end + gap or b_start >= end + gap):
                return b_task
        return None

    def _by_preference(self, facts: TaskFacts, people: list[str]) -> list[str]:
        keys = self._preference.get(facts.task.id)
        if keys is None:
            keys = self._preference[facts.task.id] = self._preference_keys(facts)
        return sorted(people, key=keys.__getitem__)

    def _preference_keys(self, facts: TaskFacts) -> dict[str, tuple]:
        """Current people first, then people a short team role needs, then people already
        on the team or request (continuity), non-students, and cheaper people."""
        task = facts.task
        current = self.problem.current.get(task.id)
        keep = set(current.people) if current is not None else set()
        members = self.members[group_of(task)]
        short_roles = self._short_roles(task)

        def key(person_id: str) -> tuple:
            person = self.problem.person[person_id]
            return (
                person_id not in keep,
                not (person.role in short_roles and members[person_id] == 0),
                members[person_id] == 0,
                person.is_student,
                person.cost_per_slot,
            )

        return {person_id: key(person_id) for person_id in facts.people}

    def _short_roles(self, task: Task) -> set[str]:
        if task.team is None:
            return set()
        rule = next(r for r in self.problem.teams if r.id == task.team)
        on_team = {p for p, n in self.members[task.team].items() if n > 0} | rule.members
        members = [self.problem.person[p] for p in on_team]
        return {
            role
            for role, minimum in rule.min_roles.items()
            if sum(1 for p in members if p.role == role) < minimum
        }

    def pick(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        site: str | None,
        units: Iterable[UnitOption],
        lists: list[list[str]],
        diagnose: Counter[Rule] | None,
    ) -> tuple[str, ...] | None:
        """People in need order who can all travel to ``site``, with a certified operator
        for each unit that needs one and a supervisor beside any student."""
        needs = facts.task.staff
        if not needs:
            return ()
        if site is not None and self.max_travel > 0:
            length = option.staffed
            lists = [
                [p for p in ready if self.clash(p, start, length, site, self.max_travel) is None]
                for ready in lists
            ]
        person = self.problem.person
        capped = _capped(facts.task, person, lists)
        selection = fill_needs(needs, capped, [])
        if selection is None:
            if capped is not lists and fill_needs(needs, lists, []) is not None:
                count(diagnose, Rule.ROLE_CAP)
            else:
                count(diagnose, Rule.TRAVEL_TIME if site is not None else Rule.STAFF_COUNT)
            return None
        lists = capped  # operators and supervisors added below keep to the caps too
        forced: list[str] = []
        for kind in sorted({o.unit.kind for o in units if o.unit.needs_certified}):
            if any(person[p].certs.get(kind, start) > start for p in selection):
                continue
            holders = [
                p for ready in lists for p in ready if person[p].certs.get(kind, start) > start
            ]
            found = _add_one_of(needs, lists, forced, holders)
            if found is None:
                count(diagnose, Rule.CERTIFIED_OPERATOR)
                return None
            selection, operator = found
            forced.append(operator)
        for _ in range(len(selection)):  # each round supervises one more student
            alone = _unsupervised(person, selection)
            if alone is None:
                break
            seniors = [p for ready in lists for p in ready if person[p].can_supervise(alone)]
            found = _add_one_of(needs, lists, forced, seniors)
            if found is None:
                count(diagnose, Rule.STUDENT_SUPERVISION)
                return None
            selection, senior = found
            forced.append(senior)
        if _unsupervised(person, selection) is not None:
            count(diagnose, Rule.STUDENT_SUPERVISION)
            return None
        return tuple(selection)

    def events(self, facts: TaskFacts, option: ModeOption, start: int) -> list[int]:
        events = []
        week_starts = self.problem.week_starts
        i = bisect_right(week_starts, start)
        if i < len(week_starts):
            events.append(week_starts[i])
        for person_id in facts.people:
            ends = self.busy_ends[person_id]
            for travel in self.facts.travel_times:
                j = bisect_right(ends, start - travel)
                if j < len(ends):
                    events.append(ends[j] + travel)
            fit = self.facts.person_fit(self.problem.person[person_id], option.staffed)
            following = R.next_range_start(fit, start)
            if following is not None:
                events.append(following)
        return events

    def team_shortfall(self, team_id: str) -> str | None:
        """What the people on the team's placed tasks lack against its rule, or None."""
        rule = next(r for r in self.problem.teams if r.id == team_id)
        on_team = {p for p, n in self.members[team_id].items() if n > 0} | rule.members
        people = [self.problem.person[p] for p in on_team]
        for role, minimum in rule.min_roles.items():
            have = sum(1 for p in people if p.role == role)
            if have < minimum:
                return f"team {team_id!r} would have {have} {role!r}, needs {minimum}"
        if rule.max_students_per_senior is not None:
            students = sum(1 for p in people if p.is_student)
            if students > rule.max_students_per_senior * (len(people) - students):
                return f"team {team_id!r} would have too many students per non-student"
        return None


def _capped(task: Task, person: Mapping[str, Person], lists: list[list[str]]) -> list[list[str]]:
    """The need lists with the people of a capped role beyond its cap left out (those
    first in preference order stay), so every crew from them keeps ``task.at_most``;
    ``lists`` itself when the task has no cap."""
    if not task.at_most:
        return lists
    keep: dict[str, set[str]] = {}
    for role, cap in task.at_most.items():
        ranked = dict.fromkeys(p for ready in lists for p in ready if person[p].role == role)
        keep[role] = set(list(ranked)[:cap])
    return [
        [p for p in ready if person[p].role not in keep or p in keep[person[p].role]]
        for ready in lists
    ]


def _unsupervised(person: Mapping[str, Person], selection: Iterable[str]) -> Person | None:
    """A student of ``selection`` with no one in it to supervise them, or None."""
    people = [person[p] for p in selection]
    for student in people:
        if student.is_student and not any(p.can_supervise(student) for p in people):
            return student
    return None


def group_of(task: Task) -> str:
    """The people-continuity group of a task: its team, else its request."""
    return task.team if task.team is not None else f"request:{task.request}"


def count(diagnose: Counter[Rule] | None, rule: Rule) -> None:
    """Count a rule that blocked a candidate start (when diagnosing)."""
    if diagnose is not None:
        diagnose[rule] += 1


def fill_needs(
    needs: tuple[StaffNeed, ...], lists: list[list[str]], forced: list[tuple[int, str]]
) -> list[str] | None:
    """People in need order, each need filled to its count from its list, or None.

    ``forced`` pins people to needs first. Kuhn's augmenting paths keep the preference
    order of each list where the counts allow.
    """
    slots: list[int] = []
    taken: dict[int, list[str]] = defaultdict(list)
    for k, person_id in forced:
        taken[k].append(person_id)
    pinned = {p for _, p in forced}
    for k, need in enumerate(needs):
        if len(taken[k]) > need.count:
            return None
        slots += [k] * (need.count - len(taken[k]))
    holder: dict[str, int] = {}
    slot_person: list[str | None] = [None] * len(slots)

    def augment(slot: int, seen: set[str]) -> bool:
        for person_id in lists[slots[slot]]:
            if person_id in pinned or person_id in seen:
                continue
            seen.add(person_id)
            other = holder.get(person_id)
            if other is None or augment(other, seen):
                holder[person_id] = slot
                slot_person[slot] = person_id
                return True
        return False

    for slot in range(len(slots)):
        if not augment(slot, set()):
            return None
    result: list[str] = []
    for k in range(len(needs)):
        result += taken[k]
        result += [p for s, p in enumerate(slot_person) if slots[s] == k]  # type: ignore[misc]
    return result


def _add_one_of(
    needs: tuple[StaffNeed, ...],
    lists: list[list[str]],
    forced: list[str],
    wanted: list[str],
) -> tuple[list[str], str] | None:
    """A matching that keeps the already forced people and adds one of ``wanted``."""
    for candidate in dict.fromkeys(wanted):
        if candidate in forced:
            continue
        people = [*forced, candidate]
        homes = [[k for k, ready in enumerate(lists) if p in ready] for p in people]
        for combo in product(*homes):
            selection = fill_needs(needs, lists, list(zip(combo, people, strict=True)))
            if selection is not None:
                return selection, candidate
    return None
