"""The plan under construction: usage profiles, people's commitments, and where a task fits.

``Board`` holds what is placed so far (each unit's usage as a step function,
``solver.usage``; money spent; and in its ``crew`` each person's staffed intervals, weekly
load and teams) and answers "where can this task go now?" with the earliest-finishing
``Choice`` that keeps every hard rule except the request-level ones (whole request, team
composition), which the caller checks once a request is complete.

The search walks candidate starts only at events where something may have become free (a
unit occupation or a person's interval ends, a window opens, a week begins): if a start is
infeasible and a later one feasible, one of these events lies between them, so no earliest
start is skipped. From each candidate it first jumps to the first start at which every
equipment need has, on its own, a unit with room for the whole occupation (found on the
usage profiles, in steps over their breakpoints): no feasible start lies before that one
either. ``diagnose`` counts which rule blocked each candidate, for explanations.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from solver import ranges as R
from solver import shifts as S
from solver.facts import Facts, ModeOption, TaskFacts, UnitOption
from solver.problem import Assignment, Problem, Shift, Task
from solver.rules import Rule
from solver.staffing import Crew, count
from solver.usage import Usage

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
    shifts: tuple[Shift, ...] = ()  # a shift-staffed task's shifts, in time order

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
            shifts=self.shifts,
        )


class Board:
    """A partial plan that tasks are added to and removed from."""

    def __init__(self, problem: Problem, facts: Facts) -> None:
        self.problem = problem
        self.facts = facts
        self.usage = {u.id: Usage() for u in problem.units}
        self.unit_ends: dict[str, list[int]] = {u.id: [] for u in problem.units}
        self.crew = Crew(problem, facts)
        self.spent: Counter[str] = Counter()
        self.placed: dict[str, Choice] = {}
        self.succ: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.pred: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for prec in problem.precedences:
            self.succ[prec.before].append((prec.after, prec.lag))
            self.pred[prec.after].append((prec.before, prec.lag))
        self.limits = {b.id: b.limit for b in problem.budgets}

    # Adding and removing ------------------------------------------------------------------

    def commit(self, choice: Choice) -> None:
        task, start = choice.task, choice.start
        for option in choice.units:
            lo, hi = self._occupation(option, start, choice.mode.duration)
            self.usage[option.unit.id].add(lo, hi, option.amount)
            insort(self.unit_ends[option.unit.id], hi)
        self.crew.add(task, start, choice.mode.staffed, choice.site, choice.people)
        for shift in choice.shifts:
            length = shift.end - shift.start
            self.crew.add(task, shift.start, length, choice.site, [shift.person])
        for budget_id, amount in choice.mode.mode.consumes.items():
            self.spent[budget_id] += amount
        if task.budget is not None:
            self.spent[task.budget] += choice.cost
        self.placed[task.id] = choice

    def remove(self, task_id: str) -> None:
        choice = self.placed.pop(task_id)
        task, start = choice.task, choice.start
        for option in choice.units:
            lo, hi = self._occupation(option, start, choice.mode.duration)
            self.usage[option.unit.id].add(lo, hi, -option.amount)
            self.unit_ends[option.unit.id].remove(hi)
        self.crew.remove(task, start, choice.mode.staffed, choice.site, choice.people)
        for shift in choice.shifts:
            length = shift.end - shift.start
            self.crew.remove(task, shift.start, length, choice.site, [shift.person])
        for budget_id, amount in choice.mode.mode.consumes.items():
            self.spent[budget_id] -= amount
        if task.budget is not None:
            self.spent[task.budget] -= choice.cost

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
            cost = self._cost(mode, units, a.people)
            choice = Choice(facts, a.start, mode, tuple(units), tuple(a.people), cost, a.shifts)
            self.commit(choice)

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
        not_before: int | None = None,
    ) -> Choice | None:
        """The earliest-finishing feasible choice for a task, or None.

        ``reserve`` keeps budget back for tasks still to come (non-renewable consumption);
        ``not_before`` makes it the earliest-finishing one starting at or after that slot.
        """
        lb, end_ub = self.window(facts.task.id)
        if not_before is not None:
            lb = max(lb, not_before)
        current = self.problem.current.get(facts.task.id)
        if current is not None and current.start >= lb:
            choice = self.exact(facts, current, reserve)
            if choice is not None and choice.end <= end_ub:
                return choice
        best: Choice | None = None
        for option in facts.modes:
            if not self._consumes_fit(option, reserve):
                count(diagnose, Rule.BUDGET)
                continue
            lo = max(lb, facts.earliest)
            hi = min(facts.latest, end_ub - option.duration)
            if best is not None:
                hi = min(hi, best.end - option.duration - 1)
            start = R.next_at_or_after(option.starts, lo)
            while start is not None and start <= hi:
                start = self._units_free_from(option, start, hi, diagnose)
                if start is None:
                    break
                choice, stage = self._try(facts, option, start, reserve, diagnose)
                if choice is not None:
                    best = choice
                    break
                following = self._next_event(facts, option, start, stage)
                start = None if following is None else R.next_at_or_after(option.starts, following)
        return best

    def exact(
        self,
        facts: TaskFacts,
        a: Assignment,
        reserve: Mapping[str, int] | None = None,
        *,
        any_people: bool = False,
    ) -> Choice | None:
        """The given assignment as a choice if it fits the board as it stands, else None.

        With ``any_people`` only its start, mode and units are kept, and the people are
        picked afresh among those free then.
        """
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
        site = units[0].unit.site if units else None
        if any_people:
            lists = self.crew.free_lists(facts, option, a.start, None)
            if lists is None:
                return None
        else:
            wanted = set(a.people)
            week = self.facts.week_of(a.start)
            staffed = option.staffed
            free = {p for p in wanted if self.crew.person_free(p, a.start, staffed, week, None)}
            lists = [[p for p in need if p in free] for need in facts.staff]
        people = self.crew.pick(facts, option, a.start, site, units, lists, None)
        if people is None or (not any_people and set(people) != set(a.people)):
            return None
        keep = None if any_people else a.shifts
        return self._priced(facts, option, a.start, tuple(units), people, reserve, None, keep)

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
                count(diagnose, Rule.EQUIPMENT_CAPACITY if usable else Rule.EQUIPMENT_OPEN)
                return None, _UNITS
            free.append(ready)
        sites: list[str | None] = [None]
        if free:
            common = set.intersection(*({o.unit.site for o in ready} for ready in free))
            if not common:
                count(diagnose, Rule.ONE_SITE)
                return None, _UNITS
            sites = sorted(common, key=lambda s: (s != self._current_site(facts), s))
        lists = None
        for site in sites:
            units = self._pick_units(free, site, start, option)
            if units is None:
                count(diagnose, Rule.EQUIPMENT_CAPACITY)
                continue
            if lists is None:
                lists = self.crew.free_lists(facts, option, start, diagnose)
                if lists is None:
                    return None, _PEOPLE
            people = self.crew.pick(facts, option, start, site, units, lists, diagnose)
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
        lo, hi = start - unit.setup, start + duration + unit.cleanup
        return self.usage[unit.id].peak(lo, hi) + option.amount + extra <= unit.capacity

    def _units_free_from(
        self, option: ModeOption, start: int, hi: int, diagnose: Counter[Rule] | None
    ) -> int | None:
        """The first start from ``start`` to ``hi`` among the mode's starts at which each
        need, on its own, has a candidate unit with room: no feasible start lies before it
        (whether the needs fit together, at one site, is for ``_try``)."""
        while start <= hi:
            moved = False
            for options in option.needs:
                first = self._first_free(options, start, option.duration, hi)
                if first != start:
                    if diagnose is not None:
                        usable = any(R.contains(o.starts, start) for o in options)
                        rule = Rule.EQUIPMENT_CAPACITY if usable else Rule.EQUIPMENT_OPEN
                        end = hi + 1 if first is None else first
                        diagnose[rule] += self._events_between(option, start, end)
                    if first is None:
                        return None
                    start, moved = first, True
            if not moved:
                return start
            found = R.next_at_or_after(option.starts, start)
            if found is None:
                return None
            start = found
        return None

    def _events_between(self, option: ModeOption, lo: int, hi: int) -> int:
        """How many candidate starts in ``[lo, hi)`` the walk from event to event would
        have tried (for ``diagnose``, so a jump weighs as much as the starts it skips)."""
        events = {lo}
        for options in option.needs:
            for unit_option in options:
                setup = unit_option.unit.setup
                ends = self.unit_ends[unit_option.unit.id]
                first = bisect_right(ends, lo - setup)
                for end in ends[first : bisect_left(ends, hi - setup)]:
                    events.add(end + setup)
                ranges = unit_option.starts
                for k in range(bisect_right(ranges, (lo, float("inf"))), len(ranges)):
                    if ranges[k][0] >= hi:
                        break
                    events.add(ranges[k][0])
        snapped = {R.next_at_or_after(option.starts, e) for e in events}
        return sum(1 for e in snapped if e is not None and e < hi)

    def _first_free(
        self, options: tuple[UnitOption, ...], start: int, duration: int, limit: int
    ) -> int | None:
        """The first start from ``start`` to ``limit`` at which one of the units has room."""
        best = None
        for option in options:
            found = self._unit_free_from(option, start, duration, limit if best is None else best)
            if found is not None and (best is None or found < best):
                best = found
                if best == start:
                    break
        return best

    def _unit_free_from(
        self, option: UnitOption, start: int, duration: int, limit: int
    ) -> int | None:
        """The first start from ``start`` to ``limit`` among the unit's starts at which it
        has room for the task's occupation."""
        unit = option.unit
        usage = self.usage[unit.id]
        room = unit.capacity - option.amount
        length = unit.setup + duration + unit.cleanup
        at = start
        while True:
            found = R.next_at_or_after(option.starts, at)
            if found is None or found > limit:
                return None
            at = found
            free = usage.first_fit(at - unit.setup, length, room) + unit.setup
            if free == at:
                return at
            at = free

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

    def _shifts(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        units: tuple[UnitOption, ...],
        keep: tuple[Shift, ...] | None,
    ) -> tuple[Shift, ...] | None:
        """Shifts covering the run with free, certified people: ``keep`` when given (the
        plan in force's), else picked afresh (``solver.shifts.pick``)."""
        task = facts.task
        assert task.shifts is not None
        site = units[0].unit.site if units else None
        person = self.problem.person
        plain = [o.unit for o in units]

        def free(shift: Shift) -> bool:
            if not S.certified(person[shift.person], plain, start):
                return False
            length = shift.end - shift.start
            return (
                self.crew.clash(shift.person, shift.start, length, site, self.crew.max_travel)
                is None
            )

        if keep is not None:
            return keep if keep and all(free(s) for s in keep) else None
        end = start + option.duration
        windows = [w for w in facts.shift_windows if w.start < end and start < w.end]
        return S.pick(windows, start, end, task.shifts.handover, free)

    # Money ----------------------------------------------------------------------------------

    def _consumes_fit(self, option: ModeOption, reserve: Mapping[str, int] | None) -> bool:
        for budget_id, amount in option.mode.consumes.items():
            held = reserve.get(budget_id, 0) if reserve else 0
            if self.spent[budget_id] + amount + held > self.limits[budget_id]:
                return False
        return True

    def _cost(self, mode: ModeOption, units: Iterable[UnitOption], people: Iterable[str]) -> int:
        """Money a task spends on its units and people (charged to its budget)."""
        cost = sum(o.unit.cost_per_slot * o.amount * mode.duration for o in units)
        person = self.problem.person
        return cost + sum(person[p].cost_per_slot * mode.staffed for p in people)

    def _priced(
        self,
        facts: TaskFacts,
        option: ModeOption,
        start: int,
        units: tuple[UnitOption, ...],
        people: tuple[str, ...],
        reserve: Mapping[str, int] | None,
        diagnose: Counter[Rule] | None,
        keep: tuple[Shift, ...] | None = None,
    ) -> Choice | None:
        shifts: tuple[Shift, ...] = ()
        if facts.task.shifts is not None:
            found = self._shifts(facts, option, start, units, keep)
            if found is None:
                count(diagnose, Rule.SHIFT_COVER)
                return None
            shifts = found
        cost = self._cost(option, units, people)
        budget = facts.task.budget
        if budget is not None and cost > 0:
            spent = self.spent[budget] + option.mode.consumes.get(budget, 0)
            held = reserve.get(budget, 0) if reserve else 0
            if spent + cost + held > self.limits[budget]:
                count(diagnose, Rule.BUDGET)
                return None
        return Choice(facts, start, option, units, people, cost, shifts)

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
            events.extend(self.crew.events(facts, option, start))
        for w in facts.shift_windows:  # a shift may start a run, or a person become free
            if w.start > start:
                events.append(w.start)
            ends = self.crew.busy_ends[w.person]
            i = bisect_right(ends, start)
            if i < len(ends):
                events.append(ends[i])
        return min(events, default=None)

    def team_shortfall(self, team_id: str) -> str | None:
        """What the team's people lack against its rule, or None (also when the team has no
        placed task, so its rule does not apply)."""
        if not any(c.task.team == team_id for c in self.placed.values()):
            return None
        return self.crew.team_shortfall(team_id)
