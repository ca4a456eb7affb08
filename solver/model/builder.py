"""The CP-SAT model of a problem, and the way back from a solution to a plan."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from ortools.sat.python import cp_model

from solver.facts import Facts
from solver.model.constraints import TRAVEL_LIMIT, Constraints
from solver.model.objective import Objective
from solver.model.variables import Lit, Variables
from solver.problem import Assignment, Problem
from solver.score import as_current


class Model:
    """Variables, hard rules and objective levels of one problem, ready to solve."""

    def __init__(
        self,
        problem: Problem,
        facts: Facts,
        hint: Mapping[str, Assignment] | None = None,
        end_cap: int | None = None,
        travel_limit: int = TRAVEL_LIMIT,
        exclude: Collection[str] = (),
    ) -> None:
        """``exclude``: requests known never to fit (``solver.explain.precheck``)."""
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.cp.name = problem.name or "labops"
        self.variables = Variables(self.cp, problem, facts, hint, exclude)
        constraints = Constraints(self.variables, travel_limit)
        constraints.add_all()
        self.travel = constraints.travel
        self.objective = Objective(self.variables, end_cap)
        if end_cap is not None:
            self.cp.add(self.objective.makespan() <= end_cap)

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

    def rehint(self, solution: list[int]) -> None:
        """Make ``solution`` the reference for hinting variables made from now on."""
        hints = self.variables.hints
        hints.values = dict(enumerate(solution))
        hints.plan = self.assignments(lambda lit: value_of(solution, lit))

    def add_travel(self, pairs: Iterable[tuple[str, str]], solution: list[int]) -> int:
        """Add the travel rule for more pairs, hinted from a valid ``solution``."""
        self.rehint(solution)
        added = self.travel.add_around(pairs)
        self.variables.hints.write()
        return added

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
            found = Assignment(
                task=task_id,
                start=value(task_var.start),
                mode=mode.option.index,
                units=units,
                people=people,
            )
            out[task_id] = as_current(found, self.problem.current.get(task_id))
        return out


def value_of(solution: list[int], lit: Lit) -> int:
    """The value of a variable or negated literal in a solution vector."""
    index = lit.index
    return 1 - solution[-index - 1] if index < 0 else solution[index]
