"""Running CP-SAT on one objective level: parameters, callback, stop watcher, lazy travel.

The user stops a solve with a ``threading.Event``: a watcher thread calls ``stop_search()``
(CP-SAT may go long without a new solution, so the solution callback alone would react
late), and the stop is recorded here rather than read from the status. Exceptions inside
the callback are caught: one escaping there can abort the process when several workers run.

When the model holds travel pairs back (``Model.travel.lazy``), each solution is checked
for the travel rule; a solution that breaks it is not kept, the pairs around the break are
added, and the level is solved again from the last valid solution (see ``run_level``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.model.builder import Model, value_of
from solver.model.objective import Level
from solver.problem import Assignment, Problem

log = logging.getLogger(__name__)

_BIG_MODEL = 20_000  # variables; above it presolve probing costs more than it brings


@dataclass
class Session:
    """What lasts across levels: the clock, the stop request and the solution count."""

    time_limit: float
    workers: int = 2
    seed: int = 0
    relative_gap: float | None = None
    log: bool = False
    stop: threading.Event | None = None
    on_solution: Callable[[str, float, float], None] | None = None  # level, value, bound
    began: float = field(default_factory=time.monotonic)
    solutions: int = 0
    user_stopped: bool = False

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def left(self) -> float:
        return self.time_limit - self.elapsed()

    def stop_requested(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.user_stopped = True
        return self.user_stopped


@dataclass
class Outcome:
    """The end of one level: a valid solution (or None), its value and the proven bound."""

    status: str  # "optimal", "feasible", "infeasible" or "none"
    solution: list[int] | None = None
    value: float = 0.0
    bound: float = 0.0
    latency: float | None = None  # seconds from the level's start to its first solution


def run_level(model: Model, level: Level, seconds: float, session: Session) -> Outcome:
    """Optimise one level for at most ``seconds``.

    With travel pairs held back, a solution that breaks the rule is not kept; its pairs
    are added to the model, and while half the time is left the level starts again from the
    last valid solution, else the search goes on and the pairs count from the next level.
    """
    began = time.monotonic()
    deadline = began + seconds
    best: Outcome | None = None
    latency = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0.01 or session.stop_requested():
            break
        restart_until = began + seconds / 2
        outcome, conflicts, first_at = _solve_once(model, level, left, session, restart_until)
        log.debug(
            "level %s: %s value %s bound %s after %.2fs (%d travel breaks)",
            level.name,
            outcome.status,
            outcome.value,
            outcome.bound,
            session.elapsed(),
            len(conflicts),
        )
        if latency is None and first_at is not None:
            latency = first_at - began
        if outcome.solution is not None and (best is None or _better(level, outcome, best)):
            best = outcome
        elif outcome.status == "infeasible" and best is None and not conflicts:
            return outcome
        if not conflicts:
            break
        reference = best.solution if best is not None else _hint_vector(model)
        added = model.add_travel(conflicts, reference)  # type: ignore[arg-type]
        log.debug("level %s: %d travel pairs added after a break", level.name, added)
        if added == 0:
            log.error("travel breaks between pairs already in the model: %s", conflicts)
            break
    # An optimum of the model with some travel pairs held back that keeps the rule is an
    # optimum of the full model too: the status needs no correction.
    if best is None:
        return Outcome("none")
    best.latency = latency
    return best


def _better(level: Level, new: Outcome, old: Outcome) -> bool:
    return new.value >= old.value if level.maximize else new.value <= old.value


def _solve_once(
    model: Model, level: Level, seconds: float, session: Session, restart_until: float
) -> tuple[Outcome, set[tuple[str, str]], float | None]:
    """One CP-SAT run: its outcome, the travel breaks seen, and the clock time of the first
    valid solution."""
    cp = model.cp
    if isinstance(level.expr, int):
        cp.clear_objective()
    elif level.maximize:
        cp.maximize(level.expr)
    else:
        cp.minimize(level.expr)
    solver = cp_model.CpSolver()
    _parameters(solver.parameters, session, seconds, len(cp.proto.variables))
    callback = _Callback(model, level, session, restart_until)
    done = threading.Event()
    watcher = None
    if session.stop is not None:
        watcher = threading.Thread(
            target=_watch, args=(session, solver, done), name="labops-stop-watch", daemon=True
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
        return Outcome("infeasible"), callback.conflicts, None
    if callback.best is None:
        return Outcome("none"), callback.conflicts, None
    optimal = status == cp_model.OPTIMAL and not callback.conflicts
    # Held-back travel pairs only relax the model, so its bound stays valid.
    bound = solver.best_objective_bound if not isinstance(level.expr, int) else 0.0
    solution, value = callback.best
    status_name = "optimal" if optimal else "feasible"
    outcome = Outcome(status_name, solution, value, bound)
    return outcome, callback.conflicts, callback.first_at


def _parameters(params, session: Session, seconds: float, variables: int) -> None:
    params.max_time_in_seconds = seconds
    params.num_workers = session.workers
    params.random_seed = session.seed
    params.log_search_progress = session.log
    if session.relative_gap is not None:
        params.relative_gap_limit = session.relative_gap
    if variables > _BIG_MODEL:
        # Measured on 500-task lab instances: default presolve probing ran 14 s (and the
        # presolve loop several rounds) before the first solution; without them the hint
        # comes back as a solution in about a second.
        params.cp_model_probing_level = 0
        params.max_presolve_iterations = 1


def _watch(session: Session, solver: cp_model.CpSolver, done: threading.Event) -> None:
    while not done.is_set():
        if session.stop is not None and session.stop.wait(0.05):
            session.user_stopped = True
            solver.stop_search()  # repeated: a call before the search starts is lost
            done.wait(0.05)


def _hint_vector(model: Model) -> list[int]:
    values = model.variables.hints.values
    return [values.get(i, 0) for i in range(len(model.cp.proto.variables))]


class _Callback(cp_model.CpSolverSolutionCallback):
    """Keeps the last valid solution, reports progress, honours a stop request."""

    def __init__(self, model: Model, level: Level, session: Session, restart_until: float) -> None:
        super().__init__()
        self.model = model
        self.restart_until = restart_until  # stop on a travel break only before this
        self.level = level
        self.session = session
        self.best: tuple[list[int], float] | None = None
        self.first_at: float | None = None  # clock time of the first valid solution
        self.conflicts: set[tuple[str, str]] = set()

    def on_solution_callback(self) -> None:
        try:
            if self.session.stop_requested():
                self.stop_search()
            solution = list(self.response_proto.solution)
            if self.model.travel.lazy:
                plan = self.model.assignments(lambda lit: value_of(solution, lit))
                conflicts = travel_conflicts(self.model.problem, plan)
                if conflicts:
                    self.conflicts |= conflicts
                    if time.monotonic() < self.restart_until:
                        self.stop_search()
                    return
            constant = isinstance(self.level.expr, int)
            value = 0.0 if constant else self.objective_value
            bound = 0.0 if constant else self.best_objective_bound
            self.best = (solution, value)
            if self.first_at is None:
                self.first_at = time.monotonic()
            self.session.solutions += 1
            if self.session.on_solution is not None:
                self.session.on_solution(self.level.name, value, bound)
        except Exception:
            log.exception("solution callback failed; the search goes on")


def travel_conflicts(problem: Problem, plan: dict[str, Assignment]) -> set[tuple[str, str]]:
    """Pairs of tasks in ``plan`` that break the travel rule for some person."""
    work: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for task_id, a in plan.items():
        if not a.units:
            continue
        task = problem.task[task_id]
        length = task.staff_slots if task.unattended else task.modes[a.mode].duration
        site = problem.unit[a.units[0]].site
        for person_id in a.people:
            work[person_id].append((a.start, a.start + length, task_id, site))
    longest = max(problem.travel.values(), default=0)
    out = set()
    for items in work.values():
        items.sort()
        for i, (_, e1, t1, site1) in enumerate(items):
            for s2, _, t2, site2 in items[i + 1 :]:
                if s2 >= e1 + longest:
                    break
                if site1 != site2 and s2 < e1 + problem.travel_time(site1, site2):
                    out.add((t1, t2))
    return out
