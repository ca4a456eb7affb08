"""The plan under construction: usage profiles, people's busy times, and where a task fits.

``Board`` holds what is placed so far (unit usage per slot, each person's staffed intervals
and weekly load, money spent, team members) and answers "where can this task go now?" with
the earliest-finishing ``Choice`` that keeps every hard rule except the request-level ones
(whole request, team composition), which the caller checks once a request is complete.

The search walks candidate starts only at events where something may have become free (a
unit occupation or a person's interval ends, a window opens, a week begins): if a start is
infeasible and a later one feasible, one of these events lies between them, so no earliest
start is skipped. ``diagnose`` counts which rule blocked each candidate, for explanations.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import product

from solver import ranges as R
from solver.facts import Facts, ModeOption, TaskFacts, UnitOption
from solver.problem import Assignment, Problem, StaffNeed, Task
from solver.rules import Rule

_UNITS, _PEOPLE = "units", "people"  # the stage at which a candidate start failed


@dataclass(frozen=True, slots=True)
class Choice:
    """One way to place a task: start, mode, a unit per need and people in need order."""

    facts: TaskFacts
    start: int
    mode: ModeOption
    units: tuple[UnitOption, ...]
    people: tuple[str, ...]
    cost: int  # charged to the task's budget: its units and people

    @property
    def task(self) -> Task:
        return self.facts.task

    @property
    def end(self) -> int:
        return self.start + self.mode.duration

    @property
    def site(self) -> str | None:
        return self.units[0].unit.site if self.units else None

    def assignment(self) -> Assignment:
        return Assignment(
            task=self.task.id,
            start=self.start,
            mode=self.mode.index,
            units=tuple(o.unit.id for o in self.units),
            people=self.people,
        )


class Board:
    """A partial plan that tasks are added to and removed from."""

    def __init__(self, problem: Problem, facts: Facts) -> None:
        self.problem = problem
        self.facts = facts
        max_setup = max((u.setup for u in problem.units), default=0)
        max_cleanup = max((u.cleanup for u in problem.units), default=0)
        self.origin = min([0, *(t.earliest for t in problem.tasks)]) - max_setup
        size = problem.horizon + max_cleanup - self.origin + 1
        self.usage = {u.id: [0] * size for u in problem.units}
        self.unit_ends: dict[str, list[int]] = {u.id: [] for u in problem.units}
        self.busy: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)
        self.busy_ends: dict[str, list[int]] = defaultdict(list)
        self.longest: dict[str, int] = defaultdict(int)
        self.week_load: dict[str, Counter[int]] = defaultdict(Counter)
        self.spent: Counter[str] = Counter()
        self.members: dict[str, Counter[str]] = defaultdict(Counter)  # team or request
        self.placed: dict[str, Choice] = {}
        self.succ: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.pred: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for prec in problem.precedences:
            self.succ[prec.before].append((prec.after, prec.lag))
            self.pred[prec.after].append((prec.before, prec.lag))
        self.max_travel = max(facts.travel_times)
        self.limits = {b.id: b.limit for b in problem.budgets}
        self._preference: dict[str, dict[str, tuple]] = {}

    # Adding and removing ------------------------------------------------------------------

    def commit(self, choice: Choice) -> None:
        task, start = choice.task, choice.start
        for option in choice.units:
            lo, hi = self._occupation(option, start, choice.mode.duration)
            usage = self.usage[option.unit.id]
            for i in range(lo - self.origin, hi - self.origin):
                usage[i] += option.amount
            insort(self.unit_ends[option.unit.id], hi)
        length = choice.mode.staffed
        week = self.facts.week_of(start)
        for person_id in choice.people:
            insort(self.busy[person_id], (start, start + length, task.id, choice.site))
            insort(self.busy_ends[person_id], start + length)
            self.longest[person_id] = max(self.longest[person_id], length)
            self.week_load[person_id][week] += length
            self.members[_group(task)][person_id] += 1
        for budget_id, amount in choice.mode.mode.consumes.items():
            self.spent[budget_id] += amount
        if task.budget is not None:
            self.spent[task.budget] += choice.cost
        self.placed[task.id] = choice
        self._preference.clear()

    def remove(self, task_id: str) -> None:
        choice = self.placed.pop(task_id)
        task, start = choice.task, choice.start
        for option in choice.units:
            lo, hi = self._occupation(option, start, choice.mode.duration)
            usage = self.usage[option.unit.id]
            for i in range(lo - self.origin, hi - self.origin):
                usage[i] -= option.amount
            self.unit_ends[option.unit.id].remove(hi)
        length = choice.mode.staffed
        week = self.facts.week_of(start)
        for person_id in choice.people:
            self.busy[person_id].remove((start, start + length, task.id, choice.site))
            self.busy_ends[person_id].remove(start + length)
            self.week_load[person_id][week] -= length
            self.members[_group(task)][person_id] -= 1
        for budget_id, amount in choice.mode.mode.consumes.items():
            self.spent[budget_id] -= amount
        if task.budget is not None:
            self.spent[task.budget] -= choice.cost
        self._preference.clear()

    def load(self, assignments: Iterable[Assignment]) -> None:
        """Commit assignments as they are (a plan found elsewhere), without checking them."""
        for a in assignments:
            facts = self.facts[a.task]
            mode = next((o for o in facts.modes if o.index == a.mode), None)
            if mode is None:  # ruled out by the facts, so the plan is invalid anyway
                continue
            units = []
            for k, unit_id in enumerate(a.units):
                unit = self.problem.unit[unit_id]
                amount = self.problem.task[a.task].modes[a.mode].needs[k].amount
                units.append(UnitOption(unit=unit, amount=amount, starts=R.EMPTY))
            choice = Choice(facts, a.start, mode, tuple(units), tuple(a.people), 0)
            cost = self._cost(choice)
            self.commit(Choice(facts, a.start, mode, tuple(units), tuple(a.people), cost))

    # Bounds from placed neighbours --------------------------------------------------------

    def window(self, task_id: str) -> tuple[int, int]:
        """Lowest start allowed by placed predecessors, highest end allowed by successors."""
        lb, end_ub = -(10**9), 10**9
        for before, lag in self.pred[task_id]:
            if before in self.placed:
                lb = max(lb, self.placed[before].end + lag)
        for after, lag in self.succ[task_id]:
            if after in self.placed:
                end_ub = min(end_ub, self.placed[after].start - lag)
        return lb, end_ub

    # Finding a place ----------------------------------------------------------------------

    def find(
        self,
        facts: TaskFacts,
        reserve: Mapping[str, int] | None = None,
        diagnose: Counter[Rule] | None = None,
    ) -> Choice | None:
        """The earliest-finishing feasible choice for a task, or None.

        ``reserve`` keeps budget back for tasks still to come (non-renewable consumption).
        """
        lb, end_ub = self.window(facts.task.id)
        current = self.problem.current.get(facts.task.id)
        if current is not None and current.start >= lb:
            choice = self.exact(facts, current, reserve)
            if choice is not None and choice.end <= end_ub:
                return choice
        best: Choice | None = None
        for option in facts.modes:
            if not self._consumes_fit(option, reserve):
                _count(diagnose, Rule.BUDGET)
                continue
            lo = max(lb, facts.earliest)
            hi = min(facts.latest, end_ub - option.duration)
            if best is not None:
                hi = min(hi, best.end - option.duration - 1)
            start = R.next_at_or_after(option.starts, lo)
            while start is not None and start <= hi:
                choice, stage = self._try(facts, option, start, reserve, diagnose)
                if choice is not None:
                    best = choice
                    break
                following = self._next_event(facts, option, start, stage)
                start = None if following is None else R.next_at_or_after(option.starts, following)
        return best

    def exact(
        self, facts: TaskFacts, a: Assignment, reserve: Mapping[str, int] | None = None
    ) -> Choice | None:
        """The given assignment as a choice if it fits the board as it stands, else None."""
        option = next((o for o in facts.modes if o.index == a.mode), None)
        if option is None or len(a.units) != len(option.needs):
            return None
        if not self._consumes_fit(option, reserve):
            return None
        units = []
        for options, unit_id in zip(option.needs, a.units, strict=True):
            match = [o for o in options if o.unit.id == unit_id]
            if not match or not R.contains(match[0].starts, a.start):
                return None
            units.append(match[0])
        if len({o.unit.site for o in units}) > 1 or not self._units_fit(
            units, a.start, option.duration
        ):
            return None
        wanted = set(a.people)
        week = self.facts.week_of(a.start)
        free = {p for p in wanted if self._person_free(p, a.start, option.staffed, week, None)}
        lists = [[p for p in need if p in free] for need in facts.staff]
        site = units[0].unit.site if units else None
        people = self._pick_people(facts, option, a.start, site, units, lists, None)
        if people is None or set(people) != wanted:
            return None
        return self._priced(facts, option, a.start, tuple(units), people, reserve, None)

    def _try(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        reserve: Mapping[str, int] | None,
        diagnose: Counter[Rule] | None,
    ) -> tuple[Choice | None, str]:
        free: list[list[UnitOption]] = []
        for options in option.needs:
            usable = [o for o in options if R.contains(o.starts, start)]
            ready = [o for o in usable if self._fits(o, start, option.duration)]
            if not ready:
                _count(diagnose, Rule.EQUIPMENT_CAPACITY if usable else Rule.EQUIPMENT_OPEN)
                return None, _UNITS
            free.append(ready)
        sites: list[str | None] = [None]
        if free:
            common = set.intersection(*({o.unit.site for o in ready} for ready in free))
            if not common:
                _count(diagnose, Rule.ONE_SITE)
                return None, _UNITS
            sites = sorted(common, key=lambda s: (s != self._current_site(facts), s))
        lists = None
        for site in sites:
            units = self._pick_units(free, site, start, option)
            if units is None:
                _count(diagnose, Rule.EQUIPMENT_CAPACITY)
                continue
            if lists is None:
                lists = self._free_people(facts, option, start, diagnose)
                if lists is None:
                    return None, _PEOPLE
            people = self._pick_people(facts, option, start, site, units, lists, diagnose)
            if people is None:
                continue
            choice = self._priced(facts, option, start, units, people, reserve, diagnose)
            if choice is not None:
                return choice, ""
        return None, _PEOPLE

    # Units ----------------------------------------------------------------------------------

    @staticmethod
    def _occupation(option: UnitOption, start: int, duration: int) -> tuple[int, int]:
        return start - option.unit.setup, start + duration + option.unit.cleanup

    def _fits(self, option: UnitOption, start: int, duration: int, extra: int = 0) -> bool:
        """True when the unit has ``option.amount + extra`` capacity free over the occupation."""
        unit = option.unit
        lo = start - unit.setup - self.origin
        hi = start + duration + unit.cleanup - self.origin
        if hi <= lo:
            return True
        return max(self.usage[unit.id][lo:hi]) + option.amount + extra <= unit.capacity

    def _units_fit(self, units: Iterable[UnitOption], start: int, duration: int) -> bool:
        """True when the units of one task (a unit may serve several needs) all fit."""
        asked: Counter[str] = Counter()
        for option in units:
            if not self._fits(option, start, duration, asked[option.unit.id]):
                return False
            asked[option.unit.id] += option.amount
        return True

    def _pick_units(
        self, free: list[list[UnitOption]], site: str | None, start: int, option: ModeOption
    ) -> tuple[UnitOption, ...] | None:
        chosen: list[UnitOption] = []
        for ready in free:
            at_site = [o for o in ready if o.unit.site == site]
            at_site.sort(key=lambda o: (o.unit.needs_certified, o.unit.cost_per_slot))
            for unit_option in at_site:
                if self._units_fit([*chosen, unit_option], start, option.duration):
                    chosen.append(unit_option)
                    break
            else:
                return None
        return tuple(chosen)

    def _current_site(self, facts: TaskFacts) -> str | None:
        current = self.problem.current.get(facts.task.id)
        if current is None or not current.units:
            return None
        return self.problem.unit[current.units[0]].site

    # People ---------------------------------------------------------------------------------

    def _free_people(
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
                    verdict[person_id] = self._person_free(person_id, start, length, week, diagnose)
                if verdict[person_id]:
                    ready.append(person_id)
            if len(ready) < need.count:
                return None
            lists.append(self._by_preference(facts, ready))
        return lists

    def _person_free(
        self, person_id: str, start: int, length: int, week: int, diagnose: Counter[Rule] | None
    ) -> bool:
        person = self.problem.person[person_id]
        if not R.contains(self.facts.person_fit(person, length), start):
            _count(diagnose, Rule.PERSON_AVAILABLE)
            return False
        if (
            person.weekly_cap is not None
            and week >= 0
            and self.week_load[person_id][week] + length > person.weekly_cap
        ):
            _count(diagnose, Rule.PERSON_WEEKLY_CAP)
            return False
        if length > 0 and self._clash(person_id, start, length, None, 0) is not None:
            _count(diagnose, Rule.PERSON_OVERLAP)
            return False
        return True

    def _clash(
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
        members = self.members[_group(task)]
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
        members = [self.problem.person[p] for p, n in self.members[task.team].items() if n > 0]
        return {
            role
            for role, minimum in rule.min_roles.items()
            if sum(1 for p in members if p.role == role) < minimum
        }

    def _pick_people(
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
        for each unit that needs one and a non-student beside any student."""
        needs = facts.task.staff
        if not needs:
            return ()
        if site is not None and self.max_travel > 0:
            length = option.staffed
            lists = [
                [p for p in ready if self._clash(p, start, length, site, self.max_travel) is None]
                for ready in lists
            ]
        person = self.problem.person
        selection = _match(needs, lists, [])
        if selection is None:
            _count(diagnose, Rule.TRAVEL_TIME if site is not None else Rule.STAFF_COUNT)
            return None
        forced: list[str] = []
        for kind in sorted({o.unit.kind for o in units if o.unit.needs_certified}):
            if any(person[p].certs.get(kind, start) > start for p in selection):
                continue
            holders = [
                p for ready in lists for p in ready if person[p].certs.get(kind, start) > start
            ]
            found = _force(needs, lists, forced, holders)
            if found is None:
                _count(diagnose, Rule.CERTIFIED_OPERATOR)
                return None
            selection, operator = found
            forced.append(operator)
        if all(person[p].is_student for p in selection):
            seniors = [p for ready in lists for p in ready if not person[p].is_student]
            found = _force(needs, lists, forced, seniors)
            if found is None:
                _count(diagnose, Rule.STUDENT_SUPERVISION)
                return None
            selection = found[0]
        return tuple(selection)

    # Money ----------------------------------------------------------------------------------

    def _consumes_fit(self, option: ModeOption, reserve: Mapping[str, int] | None) -> bool:
        for budget_id, amount in option.mode.consumes.items():
            held = reserve.get(budget_id, 0) if reserve else 0
            if self.spent[budget_id] + amount + held > self.limits[budget_id]:
                return False
        return True

    def _cost(self, choice: Choice) -> int:
        duration = choice.mode.duration
        cost = sum(o.unit.cost_per_slot * o.amount * duration for o in choice.units)
        person = self.problem.person
        return cost + sum(person[p].cost_per_slot * choice.mode.staffed for p in choice.people)

    def _priced(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        units: tuple[UnitOption, ...],
        people: tuple[str, ...],
        reserve: Mapping[str, int] | None,
        diagnose: Counter[Rule] | None,
    ) -> Choice | None:
        choice = Choice(facts, start, option, units, people, 0)
        cost = self._cost(choice)
        budget = facts.task.budget
        if budget is not None and cost > 0:
            spent = self.spent[budget] + option.mode.consumes.get(budget, 0)
            held = reserve.get(budget, 0) if reserve else 0
            if spent + cost + held > self.limits[budget]:
                _count(diagnose, Rule.BUDGET)
                return None
        return Choice(facts, start, option, units, people, cost)

    # Events ---------------------------------------------------------------------------------

    def _next_event(
        self, facts: TaskFacts, option: ModeOption, start: int, stage: str
    ) -> int | None:
        """The first slot after ``start`` at which the failing stage may succeed."""
        events: list[int] = []
        for options in option.needs:
            for unit_option in options:
                ends = self.unit_ends[unit_option.unit.id]
                i = bisect_right(ends, start - unit_option.unit.setup)
                if i < len(ends):
                    events.append(ends[i] + unit_option.unit.setup)
                following = R.next_range_start(unit_option.starts, start)
                if following is not None:
                    events.append(following)
        if stage == _PEOPLE or not option.needs:
            events.extend(self._people_events(facts, option, start))
        return min(events, default=None)

    def _people_events(self, facts: TaskFacts, option: ModeOption, start: int) -> list[int]:
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

    # Teams ----------------------------------------------------------------------------------

    def team_shortfall(self, team_id: str) -> str | None:
        """What the team's people lack against its rule, or None when the rule holds."""
        rule = next(r for r in self.problem.teams if r.id == team_id)
        people = [self.problem.person[p] for p, n in self.members[team_id].items() if n > 0]
        if not people and not any(
            c.task.team == team_id for c in self.placed.values()
        ):  # inactive team
            return None
        for role, minimum in rule.min_roles.items():
            have = sum(1 for p in people if p.role == role)
            if have < minimum:
                return f"team {team_id!r} would have {have} {role!r}, needs {minimum}"
        if rule.max_students_per_senior is not None:
            students = sum(1 for p in people if p.is_student)
            if students > rule.max_students_per_senior * (len(people) - students):
                return f"team {team_id!r} would have too many students per non-student"
        return None


def _group(task: Task) -> str:
    """The people-continuity group of a task: its team, else its request."""
    return task.team if task.team is not None else f"request:{task.request}"


def _count(diagnose: Counter[Rule] | None, rule: Rule) -> None:
    if diagnose is not None:
        diagnose[rule] += 1


def _match(
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


def _force(
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
            selection = _match(needs, lists, list(zip(combo, people, strict=True)))
            if selection is not None:
                return selection, candidate
    return None
