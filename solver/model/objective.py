"""The objective levels as CP-SAT expressions (see ``solver.score`` for their meaning).

Each level's expression and the variables only it needs are made when the level is asked
for, so a problem without due dates gets no tardiness variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver import score
from solver.model.variables import Expr, Lit, TaskVar, Variables, _group


@dataclass(frozen=True, slots=True)
class Level:
    """One objective level: its name, expression, sense and weight.

    ``parts`` says how the expression is made of the plain levels of ``solver.score``
    (coefficient per level name), so a plan found outside CP-SAT can be valued the same.
    ``best`` is a value no plan can beat, known without search (every request of a request
    level that can be placed, only the changes that cannot be avoided), or None; ``span``
    the most the expression can move (the sum of its weights), where known. A level searched
    with a tie-break (``Objective.tie_broken``) names in ``own`` the level it stands for.
    """

    name: str
    expr: Expr
    maximize: bool
    weight: int
    parts: tuple[tuple[str, int], ...] = ()
    best: float | None = None
    span: int | None = None
    own: Level | None = None

    def value_of(self, breakdown: Mapping[str, int]) -> float:
        """The level's value for a plan with this ``score.evaluate`` breakdown."""
        parts = self.parts or ((self.name, 1),)
        return float(sum(coef * breakdown.get(name, 0) for name, coef in parts))


class Objective:
    """Builds the expression of each objective level on demand."""

    def __init__(
        self, variables: Variables, end_cap: int | None = None, makespan_lower: int | None = None
    ) -> None:
        self.v = variables
        self.model = variables.model
        self.problem = variables.problem
        self.end_cap = end_cap
        self.makespan_lower = makespan_lower  # proven, when every task is required
        self._makespan: cp_model.IntVar | None = None
        self._kept: dict[str, Lit | int] = {}  # current task id -> kept as it is (or 0)

    def levels(self) -> list[Level]:
        """The levels of the problem's objective, most important first; weight 0 and empty
        levels, and those CP-SAT leaves alone (``score.OUTSIDE_MODEL``), are skipped."""
        out = []
        for spec in score.plan_levels(self.problem):
            if spec.weight == 0 or spec.empty or spec.name in score.OUTSIDE_MODEL:
                continue
            expr = self._expr(spec)
            span = (
                sum((spec.requests or spec.changes).values())
                if spec.requests or spec.changes
                else None
            )
            out.append(
                Level(
                    spec.name,
                    expr,
                    spec.maximize,
                    spec.weight,
                    best=self._best(spec),
                    span=span,
                )
            )
        return out

    def tie_broken(self, level: Level, later: list[Level]) -> Level:
        """``level`` with the later levels that keep promises as a tie-break: among plans
        equally good on ``level``, the search prefers those that disturb the later ones
        least, so a search on one priority class does not scatter the classes after it.
        ``level`` itself when nothing later needs it."""
        rest = [lv for lv in later if score.keeps_promises(lv.name) and lv.span]
        if not score.keeps_promises(level.name) or not rest:
            return level
        scale = sum(lv.span or 0 for lv in rest) + 1  # any change on ``level`` outweighs them
        sign = -1 if level.maximize else 1
        expr = sign * scale * level.expr
        for lv in rest:
            expr += (-1 if lv.maximize else 1) * lv.expr
        parts = ((level.name, sign * scale), *((lv.name, -1 if lv.maximize else 1) for lv in rest))
        return Level(level.name, expr, False, level.weight, parts, own=level)

    def _best(self, spec: score.LevelSpec) -> float | None:
        if spec.requests:
            return float(sum(w for r, w in spec.requests.items() if r in self.v.requests))
        if spec.changes:
            return float(sum(w for t, w in spec.changes.items() if isinstance(self.kept(t), int)))
        return 0.0 if spec.name == "tardiness" else None

    def weighted(self, levels: list[Level]) -> Level:
        """One minimisation level: the weighted sum of ``levels``."""
        parts = tuple((lv.name, (-1 if lv.maximize else 1) * lv.weight) for lv in levels)
        expr = sum(coef * lv.expr for (_, coef), lv in zip(parts, levels, strict=True))
        return Level("weighted", expr, False, 1, parts)

    def _expr(self, spec: score.LevelSpec) -> Expr:
        if spec.requests:
            return self._requests(spec.requests)
        if spec.changes:
            return self._changes(spec.changes)
        return getattr(self, spec.name)()

    def _requests(self, weights: Mapping[str, int]) -> Expr:
        """Weighted count of the scheduled requests among ``weights``."""
        total: Expr = 0
        for request_id, weight in weights.items():
            lit = self.v.requests.get(request_id)
            if lit is not None:
                total += weight if self.v.is_true(lit) else weight * lit
        return total

    def _changes(self, weights: Mapping[str, int]) -> Expr:
        """Weighted count of the current tasks among ``weights`` not kept as they are."""
        changed: Expr = 0
        for task_id, weight in weights.items():
            kept = self.kept(task_id)
            changed += weight if isinstance(kept, int) else weight * (1 - kept)
        return changed

    def kept(self, task_id: str) -> Lit | int:
        """A literal "the task keeps its current assignment" (0 when it cannot), made once."""
        if task_id not in self._kept:
            want = self.problem.current[task_id]
            task_var = self.v.tasks.get(task_id)
            lits = self.v.keep_literals(task_var, want) if task_var is not None else None
            if lits is None or task_var is None:
                self._kept[task_id] = 0
            else:
                hinted = (self.v.hints.plan or {}).get(task_id)
                kept = self.v.new_bool(f"task[{task_id}].kept", score.unchanged(hinted, want))
                self.model.add_bool_and(lits).only_enforce_if(kept)
                self.model.add(task_var.start == want.start).only_enforce_if(kept)
                self._kept[task_id] = kept
        return self._kept[task_id]

    def tardiness(self) -> Expr:
        terms = []
        for task_var in self.v.tasks.values():
            task = task_var.facts.task
            latest_end = task_var.facts.latest + task_var.facts.max_duration
            if task.due is None or latest_end <= task.due:
                continue
            late = self.model.new_int_var(0, latest_end - task.due, f"task[{task.id}].late")
            self.v.enforce(self.model.add(late >= task_var.end - task.due), task_var.present)
            self.v.hints.set(late, max(0, self._hinted_end(task_var) - task.due))
            terms.append(self.problem.request[task.request].priority * late)
        return sum(terms)

    def continuity(self) -> Expr:
        groups = sorted({_group(t) for t in self.v.tasks.values() if t.people})
        return sum(sum(self.v.members(group).values()) for group in groups)

    def cost(self) -> Expr:
        return sum(
            amount * lit
            for task_var in self.v.tasks.values()
            for amount, lit in self.v.cost_terms(task_var)
        )

    def finish(self) -> Expr:
        return self.makespan()

    def makespan(self) -> cp_model.IntVar:
        """The latest end of a scheduled task."""
        if self._makespan is None:
            upper = self.problem.horizon if self.end_cap is None else self.end_cap
            lower = min(self.makespan_lower or 0, upper)
            self._makespan = self.model.new_int_var(lower, upper, "makespan")
            hinted = 0
            for task_var in self._last_tasks():
                self.v.enforce(self.model.add(self._makespan >= task_var.end), task_var.present)
                if self.v.hints.of(task_var.present):
                    hinted = max(hinted, self._hinted_end(task_var))
            self.v.hints.set(self._makespan, hinted)
        return self._makespan

    def _last_tasks(self) -> list[TaskVar]:
        """Tasks whose end is not already bounded by a successor's end."""
        facts = self.v.facts
        covered = set()
        for prec in self.problem.precedences:
            after = self.v.tasks.get(prec.after)
            if (
                after is not None
                and prec.before in self.v.tasks
                and facts.linked(prec.before, prec.after)
                and prec.lag + after.facts.min_duration >= 0
            ):
                covered.add(prec.before)
        return [t for task_id, t in self.v.tasks.items() if task_id not in covered]

    def _hinted_end(self, task_var: TaskVar) -> int:
        a = (self.v.hints.plan or {}).get(task_var.id)
        if a is None:
            return 0
        return a.start + task_var.facts.task.modes[a.mode].duration
