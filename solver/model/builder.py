"""The CP-SAT model of a problem, and the way back from a solution to a plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ortools.sat.python import cp_model

from solver.facts import Facts
from solver.model.constraints import Constraints
from solver.model.objective import Objective
from solver.model.variables import Lit, Variables
from solver.problem import Assignment, Problem


class Model:
    """Variables, hard rules and objective levels of one problem, ready to solve."""

    def __init__(
        self,
        problem: Problem,
        facts: Facts,
        hint: Mapping[str, Assignment] | None = None,
        end_cap: int | None = None,
    ) -> None:
        self.problem = problem
        self.cp = cp_model.CpModel()
        self.cp.name = problem.name or "labops"
        self.variables = Variables(self.cp, problem, facts, hint)
        Constraints(self.variables).add_all()
        self.objective = Objective(self.variables, end_cap)
        if end_cap is not None:
            self.cp.add(self.objective.makespan() <= end_cap)

    def hint_solution(self, solution: list[int]) -> None:
        """Replace the hints with a complete solution (values in variable order)."""
        self.cp.clear_hints()
        hint = self.cp.proto.solution_hint
        hint.vars.extend(range(len(solution)))
        hint.values.extend(solution)

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
            out[task_id] = Assignment(
                task=task_id,
                start=value(task_var.start),
                mode=mode.option.index,
                units=units,
                people=people,
            )
        return out
