"""Running CP-SAT on one objective level: parameters, callback, stop watcher, lazy travel.

The user stops a solve with a ``threading.Event``: a watcher thread calls ``stop_search()``
(CP-SAT may go long without a new solution, so the solution callback alone would react
late), and the stop is recorded here rather than read from the status. Exceptions inside
the callback are caught: one escaping there can abort the process when several workers run.

When the model holds travel pairs back (``Model.travel.lazy``), each solution is checked
for the travel rule; one that breaks it is never returned as it is (see ``run_level``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from solver import score
from solver.model.builder import Model, value_of
from solver.model.objective import Level
from solver.problem import Assignment, Problem
from solver.repair import repair_travel

log = logging.getLogger(__name__)

BIG_MODEL = 20_000
"""Variables above which a model is big: presolve probing costs more than it brings, and
the first level gets the constructive plan improved in a thread beside CP-SAT (measured:
on the 500-task lab problems CP-SAT's own search adds nothing there; on the demo's
10k-variable model the thread's CPU slows CP-SAT more than it helps)."""
DET_PER_SECOND = 0.1
"""CP-SAT's deterministic time per second of the time limit, in a deterministic solve on one
worker (measured: 0.13-0.15 a second on the demo platform on this machine, so the budget
ends before the clock on a machine about as fast)."""
_TRAVEL_RULES = 20_000  # travel rules added at most after a level's breaks, for later levels
_TRAVEL_LATER = 2.0  # seconds left below which no later level would use them


@dataclass
class Session:
    """What lasts across levels: the clock, the stop request and the solution count."""

    time_limit: float
    workers: int = 2
    seed: int = 0
    relative_gap: float | None = None
    log: bool = False
    stop: threading.Event | None = None
    params: dict[str, Any] = field(default_factory=dict)  # CP-SAT parameter overrides
    # Deterministic: CP-SAT on one worker within a deterministic-time budget
    # (DET_PER_SECOND of the limit), the clock only as a hard cap.
    deterministic: bool = False
    work_used: float = 0.0  # CP-SAT's deterministic time spent so far
    on_solution: Callable[..., None] | None = None  # level, value, bound[, plan]
    began: float = field(default_factory=time.monotonic)
    solutions: int = 0
    user_stopped: bool = False
    # CP-SAT's callback thread and the background improver both report solutions.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _best: dict[str, float] = field(default_factory=dict, repr=False)  # per level

    def report(self, level: str, value: float, bound: float, plan: Any = None) -> None:
        """Count a solution and hand it to ``on_solution`` when it is the level's best so
        far (two searches report the first level, each improving on its own; the
        constructive reports improve level by level, so they all go through)."""
        with self._lock:
            self.solutions += 1
            if level != "constructive":
                best = self._best.get(level)
                maximise = level in score.MAXIMISED
                if best is not None and (value <= best if maximise else value >= best):
                    return
                self._best[level] = value
            if self.on_solution is not None:
                if plan is None:
                    self.on_solution(level, value, bound)
                else:
                    self.on_solution(level, value, bound, plan)

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def left(self) -> float:
        return self.time_limit - self.elapsed()

    def budget(self) -> float:
        """What the levels may still spend: seconds, or in a deterministic solve CP-SAT's
        deterministic time."""
        if self.deterministic:
            return DET_PER_SECOND * self.time_limit - self.work_used
        return self.left()

    def stop_requested(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.user_stopped = True
        return self.user_stopped


@dataclass
class Outcome:
    """The end of one level: a valid plan (or None), its value and the proven bound.

    ``solution`` is CP-SAT's full solution vector, None for a repaired plan.
    """

    status: str  # "optimal", "feasible", "infeasible" or "none"
    plan: dict[str, Assignment] | None = None
    solution: list[int] | None = None
    value: float = 0.0
    bound: float = 0.0
    latency: float | None = None  # seconds from the level's start to its first solution


@dataclass
class _Run:
    """What one CP-SAT run left: its valid outcome, the best plan that broke the travel
    rule with the pairs it broke, whether it stopped early to restart, when it first found
    a valid solution."""

    outcome: Outcome
    broken: tuple[dict[str, Assignment], float] | None
    conflicts: set[tuple[str, str]]
    restarting: bool
    first_at: float | None


def run_level(model: Model, level: Level, seconds: float, session: Session) -> Outcome:
    """Optimise one level for at most ``seconds``.

    With travel pairs held back, a solution that breaks the rule is not kept as it is: on a
    small model, in the first half of the time, the search stops, the pairs around the break
    are added and the level starts again; otherwise the search goes on, and at the end the
    best broken plan is repaired (``solver.repair``) and kept if better than the best valid.
    """
    began = time.monotonic()
    deadline = began + seconds
    if session.deterministic:
        deadline = began + session.left()  # ``seconds`` is deterministic time there
    small = len(model.cp.proto.variables) <= BIG_MODEL and not session.deterministic
    best: Outcome | None = None
    latency = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0.01 or session.stop_requested():
            break
        restart_until = began + seconds / 2 if small else 0.0
        run = _solve_once(
            model, level, seconds if session.deterministic else left, session, restart_until
        )
        outcome = run.outcome
        log.debug(
            "level %s: %s value %s bound %s after %.2fs (%d travel breaks)",
            level.name,
            outcome.status,
            outcome.value,
            outcome.bound,
            session.elapsed(),
            len(run.conflicts),
        )
        if latency is None and run.first_at is not None:
            latency = run.first_at - began
        if outcome.plan is not None:
            best = _better(level, best, outcome)
        elif outcome.status == "infeasible" and best is None and not run.conflicts:
            return outcome
        if run.broken is not None and not run.restarting:
            best = _better(level, best, _repair(model, level, run, session))
        if run.conflicts and (run.restarting or session.left() > _TRAVEL_LATER):
            # For a restart every rule around the breaks; for the levels still to come a
            # bounded number (adding a rule costs about 60 us).
            reference = best.plan if best is not None and best.plan is not None else {}
            limit = None if run.restarting else _TRAVEL_RULES
            added = model.add_travel(run.conflicts, reference, limit)
            log.debug("level %s: %d travel rules added after breaks", level.name, added)
        if not run.restarting:
            break
        if best is not None and best.solution is not None:
            model.hint_solution(best.solution)
        elif best is not None and best.plan is not None:
            model.hint_plan(best.plan)
    # An optimum of the model with some travel pairs held back that keeps the rule is an
    # optimum of the full model too: the status needs no correction.
    if best is None:
        return Outcome("none")
    best.latency = latency
    return best


def _better(level: Level, old: Outcome | None, new: Outcome | None) -> Outcome | None:
    """The better of two outcomes for the level (ties go to the newer one)."""
    if new is None or new.plan is None:
        return old
    if old is None:
        return new
    if level.maximize:
        return new if new.value >= old.value else old
    return new if new.value <= old.value else old


def _repair(model: Model, level: Level, run: _Run, session: Session) -> Outcome | None:
    """The best plan that broke the travel rule, repaired, as an outcome (or None)."""
    plan, _ = run.broken  # type: ignore[misc]
    problem = model.problem
    # Its own breaks: run.conflicts gathers those of every rejected solution.
    repaired = repair_travel(problem, model.variables.facts, plan, travel_conflicts(problem, plan))
    if repaired is None:
        return None
    breakdown = score.evaluate(problem, repaired)
    if not model.keeps(breakdown):
        log.debug("level %s: the repaired plan loses an earlier level; dropped", level.name)
        return None
    value = 0.0 if isinstance(level.expr, int) else level.value_of(breakdown)
    log.debug("level %s: repaired a plan that broke travel, value %s", level.name, value)
    session.report(level.name, value, run.outcome.bound)
    return Outcome("feasible", repaired, None, value, run.outcome.bound)


def _solve_once(
    model: Model, level: Level, seconds: float, session: Session, restart_until: float
) -> _Run:
    """One CP-SAT run."""
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
    session.work_used += solver.response_proto.deterministic_time
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {cp.validate()}")
    # Held-back travel pairs only relax the model, so its bound stays valid.
    bound = solver.best_objective_bound if not isinstance(level.expr, int) else 0.0
    if status == cp_model.INFEASIBLE:
        outcome = Outcome("infeasible")
    elif callback.best is None:
        outcome = Outcome("none", bound=bound)
    else:
        solution, value = callback.best
        optimal = status == cp_model.OPTIMAL and not callback.conflicts
        plan = model.assignments(lambda lit: value_of(solution, lit))
        outcome = Outcome("optimal" if optimal else "feasible", plan, solution, value, bound)
    return _Run(
        outcome, callback.broken, callback.conflicts, callback.restarting, callback.first_at
    )


def _parameters(params, session: Session, seconds: float, variables: int) -> None:
    params.max_time_in_seconds = seconds
    params.num_workers = session.workers
    if session.deterministic:  # ``seconds`` is deterministic time; the clock caps it
        params.max_deterministic_time = seconds
        params.max_time_in_seconds = max(session.left(), 0.01)
        params.num_workers = 1
    params.random_seed = session.seed
    params.log_search_progress = session.log
    if session.relative_gap is not None:
        params.relative_gap_limit = session.relative_gap
    if variables > BIG_MODEL:
        # Measured on 500-task lab instances: default presolve probing ran 14 s (and the
        # presolve loop several rounds) before the first solution; without them the hint
        # comes back as a solution in about a second.
        params.cp_model_probing_level = 0
        params.max_presolve_iterations = 1
    for key, value in session.params.items():
        if isinstance(value, list):
            getattr(params, key).extend(value)
        else:
            setattr(params, key, value)


def _watch(session: Session, solver: cp_model.CpSolver, done: threading.Event) -> None:
    while not done.is_set():
        if session.stop is not None and session.stop.wait(0.05):
            session.user_stopped = True
            solver.stop_search()  # repeated: a call before the search starts is lost
            done.wait(0.05)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Keeps the last valid solution (and the last one that broke the travel rule, when
    travel pairs are held back), reports progress, honours a stop request."""

    def __init__(self, model: Model, level: Level, session: Session, restart_until: float) -> None:
        super().__init__()
        self.model = model
        self.level = level
        self.session = session
        self.restart_until = restart_until  # stop on a travel break only before this
        self.best: tuple[list[int], float] | None = None
        self.broken: tuple[dict[str, Assignment], float] | None = None
        self.conflicts: set[tuple[str, str]] = set()
        self.restarting = False
        self.first_at: float | None = None  # clock time of the first valid solution

    def on_solution_callback(self) -> None:
        try:
            if self.session.stop_requested():
                self.stop_search()
            solution = list(self.response_proto.solution)
            constant = isinstance(self.level.expr, int)
            value = 0.0 if constant else self.objective_value
            if self.model.travel.lazy:
                plan = self.model.assignments(lambda lit: value_of(solution, lit))
                conflicts = travel_conflicts(self.model.problem, plan)
                if conflicts:
                    self.conflicts |= conflicts
                    self.broken = (plan, value)  # solutions improve: the last is the best
                    if time.monotonic() < self.restart_until:
                        self.restarting = True
                        self.stop_search()
                    return
            self.best = (solution, value)
            if self.first_at is None:
                self.first_at = time.monotonic()
            bound = 0.0 if constant else self.best_objective_bound
            own = self.level.own
            if own is None:
                self.session.report(self.level.name, value, bound)
            else:  # a tie-broken search: what people follow is the level it stands for
                shown = 0.0 if isinstance(own.expr, int) else float(self.value(own.expr))
                self.session.report(own.name, shown, own.best if own.best is not None else shown)
        except Exception:
            log.exception("solution callback failed; the search goes on")


def travel_conflicts(problem: Problem, plan: dict[str, Assignment]) -> set[tuple[str, str]]:
    """Pairs of tasks in ``plan`` that break the travel rule for some person."""
    work: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for task_id, a in plan.items():
        if not a.units:
            continue
        task = problem.task[task_id]
        length = task.staff_slots if task.staff_slots is not None else task.modes[a.mode].duration
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
