"""``solve(problem, options) -> Plan``: the constructive plan, then CP-SAT, level by level.

1. Facts and pre-checks; a required request that can never fit makes the problem
   infeasible straight away.
2. The serial schedule (``solver.sgs``) gives a valid plan in well under a second. It warm-
   starts CP-SAT, and for the makespan objective its makespan bounds every end.
3. CP-SAT solves the objective levels in turn (lexicographic): each level is optimised
   within its share of the time left, then fixed to the value reached before the next one,
   hinted with the previous solution. With ``lexicographic`` off, one weighted sum.
4. Left-out requests get reasons (``solver.explain``).

The user stops a solve with a ``threading.Event``: a watcher thread calls
``stop_search()`` (CP-SAT may go long without a new solution, so the solution callback
alone is not enough) and the stop is recorded here rather than read from the status.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver import score
from solver.explain import explain, precheck
from solver.facts import Facts
from solver.model import Model
from solver.model.objective import Level
from solver.plan import Plan
from solver.problem import Problem
from solver.sgs import best_schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """A new solution: its objective and bound on the current level, time since the solve
    began, and solutions found so far (all levels)."""

    objective: float
    bound: float
    elapsed: float
    solutions: int
    level: str = ""


@dataclass(frozen=True, kw_only=True)
class SolveOptions:
    """How to solve. ``lexicographic`` None follows ``problem.weights.lexicographic``."""

    time_limit: float
    workers: int = 2
    seed: int = 0
    relative_gap: float | None = None
    progress: Callable[[Progress], None] | None = None
    stop: threading.Event | None = None
    log: bool = False
    lexicographic: bool | None = None


def solve(problem: Problem, options: SolveOptions | None = None) -> Plan:
    """The best plan found within the time limit (see the module docstring)."""
    options = options or SolveOptions(time_limit=10.0)
    began = time.monotonic()
    facts = Facts(problem)
    never = precheck(problem, facts)
    if any(request_id in never for request_id in facts.required_requests):
        return Plan(unplaced=never, status="infeasible", seconds=time.monotonic() - began)
    rules = ("lft", "mts") if problem.objective == "makespan" else ("priority",)
    start = best_schedule(problem, facts, rules)
    end_cap = None
    all_required = all(r.id in facts.required_requests for r in problem.requests)
    if problem.objective == "makespan" and start.status == "feasible" and all_required:
        end_cap = start.breakdown["makespan"]
        facts.propagate(end_cap)
    model = Model(problem, facts, hint=start.assignments, end_cap=end_cap)
    run = _Run(problem, model, options, began)
    run.solve_levels()
    return run.plan(start, facts)


@dataclass
class _LevelResult:
    level: Level
    status: int
    value: float
    bound: float


@dataclass
class _Run:
    """One solve: the CP-SAT levels, the stop watcher, and the bookkeeping for the plan."""

    problem: Problem
    model: Model
    options: SolveOptions
    began: float
    solutions: int = 0
    user_stopped: bool = False
    infeasible: bool = False
    solution: list[int] | None = None
    results: list[_LevelResult] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every level is built before the first solve, so the hint covers its variables.
        levels = [lv for lv in self.model.objective.levels() if not isinstance(lv.expr, int)]
        lexicographic = self.options.lexicographic
        if lexicographic is None:
            lexicographic = self.problem.weights.lexicographic
        if not levels:
            levels = [Level("feasibility", 0, False, 1)]
        elif not lexicographic and len(levels) > 1:
            levels = [Level("weighted", self.model.objective.weighted(levels), False, 1)]
        self.levels = levels

    def solve_levels(self) -> None:
        levels = self.levels
        for i, level in enumerate(levels):
            left = self.options.time_limit - (time.monotonic() - self.began)
            if left <= 0.01 or self._stop_requested():
                break
            share = left / (len(levels) - i)
            if i == 0 and len(levels) > 1:
                share = max(share, 0.5 * left)  # the first level is usually the hard one
            result = self._solve_level(level, share)
            if result is None:
                break
            self._fix(result)

    def _solve_level(self, level: Level, seconds: float) -> _LevelResult | None:
        cp = self.model.cp
        if isinstance(level.expr, int):
            cp.clear_objective()
        elif level.maximize:
            cp.maximize(level.expr)
        else:
            cp.minimize(level.expr)
        if self.solution is not None:
            self.model.hint_solution(self.solution)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = seconds
        params.num_workers = self.options.workers
        params.random_seed = self.options.seed
        params.log_search_progress = self.options.log
        if self.options.relative_gap is not None:
            params.relative_gap_limit = self.options.relative_gap
        callback = _Callback(self, level.name)
        done = threading.Event()
        watcher = None
        if self.options.stop is not None:
            watcher = threading.Thread(
                target=self._watch, args=(solver, done), name="labops-stop-watch", daemon=True
            )
            watcher.start()
        try:
            status = solver.solve(cp, callback)
        finally:
            done.set()
            if watcher is not None:
                watcher.join()
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"invalid CP-SAT model: {cp.validate()}")
        if status == cp_model.INFEASIBLE:
            self.infeasible = not self.results
            return None
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        self.solution = list(solver.response_proto.solution)
        result = _LevelResult(level, status, solver.objective_value, solver.best_objective_bound)
        self.results.append(result)
        return result

    def _fix(self, result: _LevelResult) -> None:
        """Keep this level's value while the next levels are optimised."""
        if isinstance(result.level.expr, int):
            return
        value = round(result.value)
        if result.level.maximize:
            self.model.cp.add(result.level.expr >= value)
        else:
            self.model.cp.add(result.level.expr <= value)

    def _watch(self, solver: cp_model.CpSolver, done: threading.Event) -> None:
        stop = self.options.stop
        while not done.is_set():
            if stop is not None and stop.wait(0.05):
                self.user_stopped = True
                solver.stop_search()  # repeated: a call before the search starts is lost
                done.wait(0.05)

    def _stop_requested(self) -> bool:
        if self.options.stop is not None and self.options.stop.is_set():
            self.user_stopped = True
        return self.user_stopped

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def plan(self, start: Plan, facts: Facts) -> Plan:
        """The result: the last CP-SAT solution, or the constructive plan as fallback."""
        problem = self.problem
        if self.solution is None:
            if self.infeasible:
                status = "infeasible"
            elif start.status == "feasible":
                status = "stopped" if self.user_stopped else "feasible"
            else:
                status = "stopped" if self.user_stopped else "unknown"
            if status == "infeasible" or start.status != "feasible":
                return Plan(
                    unplaced=explain(problem, Plan(), facts),
                    status=status,
                    seconds=self.elapsed(),
                    solutions=self.solutions,
                )
            return Plan(
                assignments=start.assignments,
                unplaced=start.unplaced,
                status=status,
                objective=start.objective,
                seconds=self.elapsed(),
                solutions=self.solutions,
                breakdown=start.breakdown,
            )
        solution = self.solution

        def value(lit) -> int:
            index = lit.index
            return 1 - solution[-index - 1] if index < 0 else solution[index]

        assignments = self.model.assignments(value)
        breakdown = score.evaluate(problem, assignments)
        objective = score.weighted(problem, breakdown)
        proven = all(r.status == cp_model.OPTIMAL for r in self.results)
        finished = len(self.results) == len(self.levels)
        if self.user_stopped:
            status = "stopped"
        else:
            status = "optimal" if proven and finished else "feasible"
        last = self.results[-1]
        bound = None
        if last.level.name in ("weighted", "makespan") and len(self.results) == 1:
            bound = last.bound + (objective - last.value)  # add constants left out of CP-SAT
        elif status == "optimal":
            bound = objective
        plan = Plan(assignments=assignments, status="feasible")
        return Plan(
            assignments=assignments,
            unplaced=explain(problem, plan, facts),
            status=status,
            objective=objective,
            bound=bound,
            seconds=self.elapsed(),
            solutions=self.solutions,
            breakdown=breakdown,
            level_bounds={r.level.name: r.bound for r in self.results},
        )


class _Callback(cp_model.CpSolverSolutionCallback):
    """Reports progress and honours a stop request; never lets an exception escape, since
    one raised inside a callback can abort the process when several workers run."""

    def __init__(self, run: _Run, level: str) -> None:
        super().__init__()
        self.run = run
        self.level = level

    def on_solution_callback(self) -> None:
        try:
            self.run.solutions += 1
            if self.run._stop_requested():
                self.stop_search()
            if self.run.options.progress is not None:
                self.run.options.progress(
                    Progress(
                        objective=self.objective_value,
                        bound=self.best_objective_bound,
                        elapsed=self.run.elapsed(),
                        solutions=self.run.solutions,
                        level=self.level,
                    )
                )
        except Exception:
            log.exception("progress callback failed; the solve goes on")
