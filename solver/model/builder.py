"""The CP-SAT model of a problem, and the way back from a solution to a plan."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from ortools.sat.python import cp_model

from solver.facts import Facts
from solver.model.cliques import add_cliques
from solver.model.constraints import Constraints
from solver.model.objective import Level, Objective
from solver.model.shifts import shifts_of
from solver.model.variables import Lit, OutOfTime, Variables
from solver.problem import Assignment, Problem
from solver.score import as_current
from solver.staffing import fill_needs

SECONDS_PER_OPTION = 60e-6
"""Building time per candidate unit and per eligible person of a task, on one free core
(measured: 30-51 us on lab and test-lab problems of 500 to 2700 tasks, rounded up)."""


def build_seconds(facts: Facts) -> float:
    """About how long building the model of these facts takes, on one free core."""
    options = 0
    for task_facts in facts.tasks.values():
        people = sum(len(eligible) for eligible in task_facts.staff)
        for mode in task_facts.modes:
            options += people + sum(len(units) for units in mode.needs)
    return SECONDS_PER_OPTION * options


class Model:
    """Variables, hard rules and objective levels of one problem, ready to solve."""

    def __init__(
        self,
        problem: Problem,
        facts: Facts,
        hint: Mapping[str, Assignment] | None = None,
        end_cap: int | None = None,
        travel_limit: int | None = None,
        exclude: Collection[str] = (),
        makespan_lower: int | None = None,
        cliques: Iterable[list[str]] = (),
        until: Callable[[], bool] | None = None,
    ) -> None:
        """``exclude``: requests known never to fit (``solver.explain.precheck``);
        ``makespan_lower``: a proven lower bound on the makespan; ``cliques``: task ids that
        can never run together (``solver.rcpsp``), for redundant no-overlaps. ``until`` is
        asked for each task's variables and after the rules: once it says stop, the
        building ends with ``OutOfTime``."""
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.cp.name = problem.name or "labops"
        self.variables = Variables(self.cp, problem, facts, hint, exclude, until)
        constraints = Constraints(self.variables, travel_limit)
        if until is not None and until():
            raise OutOfTime
        constraints.add_all()
        if until is not None and until():
            raise OutOfTime
        self.travel = constraints.travel
        add_cliques(self.variables, cliques)
        self.objective = Objective(self.variables, end_cap, makespan_lower)
        if end_cap is not None:
            self.cp.add(self.objective.makespan() <= end_cap)
        self.fixed: list[tuple[Level, int]] = []  # levels solved, and the value each keeps

    def fix(self, level: Level, value: float) -> None:
        """Keep this level's value while the next levels are optimised."""
        if isinstance(level.expr, int):
            return
        kept = round(value)
        self.cp.add(level.expr >= kept if level.maximize else level.expr <= kept)
        self.fixed.append((level, kept))

    def keeps(self, breakdown: Mapping[str, int]) -> bool:
        """True when a plan with this ``score.evaluate`` breakdown holds every fixed level
        (a plan made outside CP-SAT, e.g. repaired after travel breaks, may not)."""
        for level, kept in self.fixed:
            value = level.value_of(breakdown)
            if value < kept if level.maximize else value > kept:
                return False
        return True

    def write_hints(self) -> None:
        """Put the hints recorded while building into the model (call once all variables,
        objective levels included, are made)."""
        self.variables.hints.write()

    def hint_solution(self, solution: list[int]) -> None:
        """Hint a complete solution (values in variable order); variables made after it
        keep the hints they were given when made."""
        hints = self.variables.hints.values
        later = {i: v for i, v in hints.items() if i >= len(solution)}
        hints.clear()
        hints.update(enumerate(solution))
        hints.update(later)
        self.variables.hints.write()

    def hint_plan(self, plan: Mapping[str, Assignment]) -> None:
        """Hint a plan (e.g. a repaired one) through its decisions: presence, starts, modes,
        units, sites and people; CP-SAT completes the derived variables."""
        v = self.variables
        values: dict[int, int] = {v.true.index: 1}
        for task_id, task_var in v.tasks.items():
            a = plan.get(task_id)
            values[task_var.present.index] = int(a is not None)
            values[task_var.start.index] = a.start if a else task_var.facts.earliest
            duration = task_var.facts.task.modes[a.mode].duration if a else 0
            if not isinstance(task_var.duration, int):
                assert isinstance(task_var.end, cp_model.IntVar)  # with a variable duration
                values[task_var.duration.index] = duration
                values[task_var.end.index] = values[task_var.start.index] + duration
            for mode in task_var.modes:
                chosen = a is not None and a.mode == mode.option.index
                values[mode.lit.index] = int(chosen)
                for k, unit_vars in enumerate(mode.needs):
                    for unit_var in unit_vars:
                        picked = chosen and a.units[k] == unit_var.option.unit.id  # type: ignore[union-attr]
                        values[unit_var.lit.index] = int(picked)
            site = self.problem.unit[a.units[0]].site if a and a.units else None
            for name, lit in task_var.sites.items():
                values[lit.index] = int(name == site)
            people = list(a.people) if a else []
            lists = [[p for p in need if p in people] for need in task_var.facts.staff]
            filled = fill_needs(task_var.facts.task.staff, lists, []) if people else None
            filled = filled or []
            offset = 0
            for need, fills in zip(task_var.facts.task.staff, task_var.staff, strict=True):
                mine = set(filled[offset : offset + need.count])
                offset += need.count
                for person_id, lit in fills.items():
                    values[lit.index] = int(person_id in mine)
            for person_id, lit in task_var.people.items():
                values[lit.index] = int(person_id in people)
            worked = set(a.shifts) if a else set()
            for sv in task_var.shifts:
                kept = a is not None and sv.window.clipped(a.start, a.start + duration) in worked
                values[sv.lit.index] = int(kept)
        v.hints.plan = dict(plan)
        v.hints.values = values
        v.hints.write()

    def add_travel(
        self,
        pairs: Iterable[tuple[str, str]],
        plan: Mapping[str, Assignment],
        limit: int | None = None,
    ) -> int:
        """Add the travel rule around these pairs (about ``limit`` rules at most); new
        variables are hinted from ``plan``."""
        self.variables.hints.plan = dict(plan)
        return self.travel.add_around(pairs, limit)

    def assignments(self, value: Callable[[Lit], int]) -> dict[str, Assignment]:
        """The plan of a solution; ``value`` reads a variable (e.g. ``solver.value``)."""
        out: dict[str, Assignment] = {}
        for task_id, task_var in self.variables.tasks.items():
            if not value(task_var.present):
                continue
            mode = next(m for m in task_var.modes if value(m.lit))
            units = tuple(
                next(u.option.unit.id for u in unit_vars if value(u.lit))
                for unit_vars in mode.needs
            )
            people = tuple(p for need in task_var.staff for p, lit in need.items() if value(lit))
            start = value(task_var.start)
            found = Assignment(
                task=task_id,
                start=start,
                mode=mode.option.index,
                units=units,
                people=people,
                shifts=shifts_of(task_var, value, start, start + mode.option.duration),
            )
            out[task_id] = as_current(found, self.problem.current.get(task_id))
        return out


def value_of(solution: list[int], lit: Lit) -> int:
    """The value of a variable or negated literal in a solution vector."""
    index = lit.index
    return 1 - solution[-index - 1] if index < 0 else solution[index]
