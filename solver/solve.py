"""``solve(problem, options) -> Plan``: the constructive plan, then CP-SAT, level by level.

1. Facts and pre-checks; a required request that can never fit makes the problem
   infeasible straight away, and requests that can never fit stay out of the model.
2. The constructive phase (``solver.construct``) gives a valid plan in about a second even
   at 500 tasks: serial schedules under several priority rules, then, for lab problems,
   destroy-and-repair (``solver.improve``); for plain RCPSP a compiled genetic algorithm
   with justification (``solver.genetic``), whose plan is returned at once when it meets
   the lower bound. It is
   reported as the first progress (level "constructive"), warm-starts CP-SAT, and for the
   makespan objective its makespan bounds every end.
3. CP-SAT solves the objective levels in turn (lexicographic): each level is optimised
   within its share of the time left, then fixed to the value reached before the next one,
   hinted with the previous level's plan. The first level never ends below the constructive
   plan; on big models the improvement goes on in a thread beside CP-SAT
   (``solver.background``), and left-out requests that fit the level's plan as it stands
   are added to it. When too little time is left to start each remaining level (presolve
   and hint take seconds on big models), they are solved together as their weighted sum;
   with ``lexicographic`` off, one weighted sum from the start.
4. Left-out requests get reasons (``solver.explain``).

If CP-SAT finds nothing in time, or the model would take too long to build in the time
left (``solver.construct``), the constructive plan is returned (status "feasible", or
"stopped" after a user stop). See ``solver.model.search`` for the stop, the callbacks and
the travel pairs added during the search.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from solver import score
from solver.background import BackgroundImprover
from solver.construct import Start, construct
from solver.explain import explain, precheck
from solver.facts import Facts
from solver.improve import insert_left_out
from solver.model import Model, OutOfTime
from solver.model.objective import Level
from solver.model.search import BIG_MODEL, Outcome, Session, run_level
from solver.plan import Plan
from solver.problem import Problem, Standing
from solver.zone import narrowed, repair_zone

log = logging.getLogger(__name__)

CLIQUE_TASKS = 64
"""Plain RCPSP problems up to this many tasks get no-overlap constraints over cliques of
tasks that can never run together (measured: helps on j30, neutral on j60, not on j120)."""
ZONE_SHARE = 0.8
"""Of the time limit, for the search over the repair zone before the whole plan's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """A new solution: its objective and the proven bound on the level being optimised
    (``level``: "scheduled", "tardiness", ..., "makespan", "weighted"), seconds since the
    solve began, and solutions found so far. The first report, level "constructive", is the
    serial schedule's plan (then each better plan of its improvement) on the scale of
    ``Plan.objective``, with the plan itself in ``plan``."""

    objective: float
    bound: float
    elapsed: float
    solutions: int
    level: str = ""
    plan: Plan | None = None  # the plan, when found outside CP-SAT (constructive, improved)


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
    params: Mapping[str, Any] | None = None  # CP-SAT parameters to override (experiments)
    # The same problem, seed and time limit give the same plan (``Plan.repeatable`` says
    # whether the clock cut the run short, which would break that): CP-SAT on one worker
    # within a deterministic-time budget, the improvement by move count, no helper thread.
    deterministic: bool = False


def solve(problem: Problem, options: SolveOptions | None = None) -> Plan:
    """The best plan found within the time limit (see the module docstring)."""
    options = options or SolveOptions(time_limit=10.0)
    session = _session(options)
    plan = _solve(problem, options, session, zone=True)
    if options.deterministic and not session.user_stopped:
        # Every cap is the time limit: a run that ended before it was cut nowhere.
        cut = session.elapsed() >= 0.99 * options.time_limit
        plan = dataclasses.replace(plan, repeatable=not cut)
    return plan


def _session(options: SolveOptions) -> Session:
    """A fresh clock and solution count for a search of ``options``."""
    return Session(
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        relative_gap=options.relative_gap,
        log=options.log,
        stop=options.stop,
        params=dict(options.params or {}),
        deterministic=options.deterministic,
    )


def _solve(
    problem: Problem,
    options: SolveOptions,
    session: Session,
    zone: bool,
    given: Plan | None = None,
) -> Plan:
    """The solve; ``zone``: search the repair zone first; ``given``: a valid plan to start
    from instead of the constructive phase's."""
    if options.progress is not None:
        session.on_solution = _reporter(options.progress, session)
    facts = Facts(problem)
    never = precheck(problem, facts)
    if any(request_id in never for request_id in facts.required_requests):
        return Plan(unplaced=never, status="infeasible", seconds=session.elapsed())
    begun = (
        Start(given)
        if given is not None
        else construct(
            problem,
            facts,
            time_limit=options.time_limit,
            left=session.left,
            seed=options.seed,
            workers=options.workers,
            report=lambda plan: _report_start(problem, facts, plan, never, session),
            stop=session.stop_requested,
            deterministic=options.deterministic,
        )
    )
    start = begun.plan
    if zone and problem.objective == "lab" and start.status == "feasible":
        start = _zone_first(problem, start, options, session)
    end_cap = None
    all_required = all(r.id in facts.required_requests for r in problem.requests)
    if problem.objective == "makespan" and start.status == "feasible" and all_required:
        end_cap = start.breakdown["makespan"]
        if begun.lower is not None and end_cap <= begun.lower:
            return _proven(start, begun.lower, session)  # the heuristic met the lower bound
        facts.propagate(end_cap)
    if (start.status == "feasible" and session.stop_requested()) or not begun.search:
        return _plan(problem, facts, None, start, session, [], [], False)  # no model to build
    cliques = []
    if begun.view is not None and begun.view.n <= CLIQUE_TASKS:
        cliques = [[begun.view.ids[j] for j in clique] for clique in begun.view.cliques()]
    waiting = {r.id for r in problem.requests if r.standing == Standing.WAITING}
    try:
        model = Model(
            problem,
            facts,
            hint=start.assignments,
            end_cap=end_cap,
            exclude=set(never) | waiting,  # waiting requests take free room: _plan places them
            makespan_lower=begun.lower,
            cliques=cliques,
            until=lambda: session.left() <= 0 or session.stop_requested(),
        )
    except OutOfTime:  # took longer to build than foreseen
        return _plan(problem, facts, None, start, session, [], [], False)
    levels = _levels(problem, model, options)
    model.write_hints()
    results: list[tuple[Level, Outcome]] = []
    infeasible = False
    latency = 0.0
    searched = False  # whether CP-SAT ran on some level yet
    incumbent = start.assignments if start.status == "feasible" else None
    hinted = incumbent  # the plan the model's hints come from
    i = 0
    while (
        i < len(levels)
        and session.left() > 0.01
        and session.budget() > 0.001
        and not session.stop_requested()
    ):
        left = session.budget()
        level = levels[i]
        if incumbent is not None and level.best is not None:
            value = level.value_of(score.evaluate(problem, incumbent))
            if value == level.best:  # nothing to search: the plan so far is best on it
                session.report(level.name, value, value)
                # The same plan: its full solution, when CP-SAT found it, stays the hint
                # (a plan's decisions alone leave CP-SAT thousands of values to find).
                same = results[-1][1] if results and results[-1][1].plan is incumbent else None
                solution = same.solution if same is not None else None
                results.append((level, Outcome("optimal", incumbent, solution, value, value)))
                model.fix(level, value)
                i += 1
                continue
        remaining = len(levels) - i
        share = left / remaining
        if (
            searched
            and not session.deterministic
            and remaining > 1
            and left / remaining < 3 * latency
        ):
            # Too little time to start each remaining level (presolve and hint): solve the
            # soft ones together as their weighted sum; what keeps promises (scheduled
            # requests, confirmed bookings, moves) is never traded in a sum, and gets the
            # time first.
            protected = sum(1 for lv in levels[i:] if score.keeps_promises(lv.name))
            if not protected:
                levels[i:] = [model.objective.weighted(levels[i:])]
                level = levels[i]
                share = left
            elif score.keeps_promises(level.name):
                share = left / protected
        if not searched and len(levels) - i > 1:
            share = max(share, 0.5 * left)  # the first level searched is usually the hard one
        if results and results[-1][1].plan is not hinted:
            _hint(model, results[-1][1])
            hinted = results[-1][1].plan
        search = model.objective.tie_broken(level, levels[i + 1 :])
        if not searched and level.maximize and incumbent is start.assignments:
            # The constructive plan holds every level so far: improve it beside CP-SAT.
            outcome = _first_level(problem, facts, model, search, start, share, session, never)
        else:
            outcome = run_level(model, search, share, session)
        if search is not level and outcome.plan is not None:
            outcome = _own(problem, level, outcome)
        searched = True
        if level.maximize and outcome.plan is not None and outcome.status != "optimal":
            outcome = _fill(problem, facts, level, outcome)
        i += 1
        if outcome.plan is None:
            infeasible = outcome.status == "infeasible" and not results
            if not results:
                break
            continue  # the previous level's solution stands
        latency = max(latency, outcome.latency or 0.0)
        results.append((level, outcome))
        incumbent = outcome.plan
        model.fix(level, outcome.value)
    return _plan(problem, facts, model, start, session, levels, results, infeasible)


def _zone_first(problem: Problem, start: Plan, options: SolveOptions, session: Session) -> Plan:
    """After a change hit a big plan in force: the plan of a search over the repair zone
    alone (``solver.zone``), the rest locked, when it ranks above ``start``; else ``start``.
    It gets ``ZONE_SHARE`` of the limit (of CP-SAT's work in a deterministic solve)."""
    zone = repair_zone(problem, start.assignments)
    if zone is None or session.stop_requested():
        return start
    share = ZONE_SHARE * options.time_limit
    if not options.deterministic:
        share = min(share, ZONE_SHARE * session.left())
    within = dataclasses.replace(options, time_limit=share)
    sub = _session(within)  # its progress reports go to the caller's callback too (_solve)
    found = _solve(narrowed(problem, zone), within, sub, False, start)
    session.work_used += sub.work_used
    session.solutions = max(session.solutions, sub.solutions)
    session.user_stopped |= sub.user_stopped
    if found.status not in ("feasible", "optimal", "stopped") or not found.assignments:
        return start
    breakdown = score.evaluate(problem, found.assignments)
    if score.rank(problem, breakdown) >= score.rank(problem, start.breakdown):
        log.debug("repair zone: %s does not beat %s", breakdown, start.breakdown)
        return start
    log.debug("repair zone of %d tasks: %s", len(zone), breakdown)
    return Plan(
        assignments=found.assignments,
        status="feasible",
        objective=score.weighted(problem, breakdown),
        solutions=session.solutions,
        breakdown=breakdown,
    )


def _own(problem: Problem, level: Level, outcome: Outcome) -> Outcome:
    """A tie-broken search's outcome on the level it stood for (its value, and as its bound
    the level's best when the search was proven, else what it reached)."""
    assert outcome.plan is not None
    value = level.value_of(score.evaluate(problem, outcome.plan))
    bound = value if outcome.status == "optimal" or level.best is None else level.best
    return dataclasses.replace(outcome, value=value, bound=bound)


def _fill(problem: Problem, facts: Facts, level: Level, outcome: Outcome) -> Outcome:
    """The level's plan with every left-out request that fits it as it stands added (the
    search may end before it adds them); the outcome as it was when none fits."""
    assert outcome.plan is not None
    filled = insert_left_out(problem, facts, Plan(assignments=outcome.plan, status="feasible"))
    if filled is None:
        return outcome
    value = level.value_of(filled.breakdown)
    log.debug("level %s: %s after adding left-out requests that fit", level.name, value)
    return Outcome(
        "feasible", dict(filled.assignments), None, value, outcome.bound, outcome.latency
    )


def _first_level(
    problem: Problem,
    facts: Facts,
    model: Model,
    level: Level,
    start: Plan,
    seconds: float,
    session: Session,
    never: dict,
) -> Outcome:
    """The scheduled level: CP-SAT, and on big models (where its search barely moves) the
    constructive plan improved alongside it in a thread (``solver.background``). The best
    of those, never below the constructive plan (CP-SAT may end on a worse solution than
    its hint, e.g. when lazy travel rules reject the hint)."""
    shown = level.own or level  # what people follow (a tie-broken search stands for own)
    fitting = shown.best if shown.best is not None else _fitting(problem, never)
    # The plan to beat, on this level's scale: later reports show only what improves on it.
    session.report(shown.name, shown.value_of(start.breakdown), fitting, start)
    helper = None
    if len(model.cp.proto.variables) > BIG_MODEL and not session.deterministic:
        helper = BackgroundImprover(
            problem,
            facts,
            start,
            seconds=seconds,
            seed=session.seed + 1,
            on_better=lambda plan: session.report(
                shown.name, shown.value_of(plan.breakdown), fitting, plan
            ),
            stop=session.stop_requested,
        )
    try:
        outcome = run_level(model, level, seconds, session)
    finally:
        found = helper.finish() if helper is not None else None
    plan = found or start
    value = level.value_of(plan.breakdown)
    if outcome.plan is not None and (
        outcome.value >= value if level.maximize else outcome.value <= value
    ):
        return outcome
    bound = outcome.bound if outcome.plan is not None else fitting
    log.debug("level %s: the plan found before CP-SAT's (%s) is kept", level.name, value)
    return Outcome("feasible", dict(plan.assignments), None, value, bound, outcome.latency)


def _fitting(problem: Problem, never: dict) -> float:
    """Priority of every request that can fit at all: a search-free bound of the first
    level."""
    return float(sum(r.priority for r in problem.requests if r.id not in never))


def _report_start(
    problem: Problem, facts: Facts, start: Plan, never: dict, session: Session
) -> None:
    """Report the constructive plan as the first solution (level "constructive"), on the
    scale of ``Plan.objective``, with a bound that needs no search: the critical path for
    the makespan, every request that can fit scheduled for the lab objective."""
    if start.objective is None:
        session.solutions += 1
        return
    bound: float
    if problem.objective == "makespan":
        bound = max((f.earliest + f.min_duration for f in facts.tasks.values()), default=0)
    else:
        bound = -problem.weights.scheduled * _fitting(problem, never)
    session.report("constructive", float(start.objective), float(bound), start)


def _levels(problem: Problem, model: Model, options: SolveOptions) -> list[Level]:
    """The levels to solve; every level is built now, so the hint covers its variables."""
    levels = [lv for lv in model.objective.levels() if not isinstance(lv.expr, int)]
    lexicographic = options.lexicographic
    if lexicographic is None:
        lexicographic = problem.weights.lexicographic
    if not levels:
        return [Level("feasibility", 0, False, 1)]
    if not lexicographic and len(levels) > 1:
        return [model.objective.weighted(levels)]
    return levels


def _hint(model: Model, outcome: Outcome) -> None:
    """Hint the next level with the last one's plan: its full solution when CP-SAT found
    it, else (a repaired plan) its decisions."""
    if outcome.solution is not None:
        model.hint_solution(outcome.solution)
    elif outcome.plan is not None:
        model.hint_plan(outcome.plan)


def _reporter(progress: Callable[[Progress], None], session: Session) -> Callable[..., None]:
    def report(level: str, value: float, bound: float, plan: Plan | None = None) -> None:
        try:
            progress(
                Progress(
                    objective=value,
                    bound=bound,
                    elapsed=session.elapsed(),
                    solutions=session.solutions,
                    level=level,
                    plan=plan,
                )
            )
        except Exception:  # the caller's code: a failing UI must not stop the solve
            log.exception("progress callback failed; the solve goes on")

    return report


def _proven(start: Plan, lower: int, session: Session) -> Plan:
    """The constructive plan, proven optimal by meeting the lower bound."""
    return Plan(
        assignments=start.assignments,
        status="optimal",
        objective=start.objective,
        bound=float(lower),
        seconds=session.elapsed(),
        solutions=session.solutions,
        breakdown=start.breakdown,
        level_bounds={"makespan": float(lower)},
    )


def _plan(
    problem: Problem,
    facts: Facts,
    model: Model | None,
    start: Plan,
    session: Session,
    levels: list[Level],
    results: list[tuple[Level, Outcome]],
    infeasible: bool,
) -> Plan:
    """The result: the last level's plan with the left-out requests that fit it added, or
    the constructive plan when no level ended with one."""
    if not results:
        if start.status == "feasible" and not infeasible:
            return Plan(
                assignments=start.assignments,
                unplaced=start.unplaced,
                status="stopped" if session.user_stopped else "feasible",
                objective=start.objective,
                seconds=session.elapsed(),
                solutions=session.solutions,
                breakdown=start.breakdown,
            )
        status = "infeasible" if infeasible else "unknown"
        if session.user_stopped and not infeasible:
            status = "stopped"
        return Plan(
            unplaced=explain(problem, Plan(), facts),
            status=status,
            seconds=session.elapsed(),
            solutions=session.solutions,
        )
    assert model is not None
    last_level, last = results[-1]
    assignments = dict(last.plan or {})
    breakdown = score.evaluate(problem, assignments)
    offset = score.weighted(problem, breakdown) - last.value  # constants CP-SAT leaves out
    proven = all(outcome.status == "optimal" for _, outcome in results)
    if problem.objective == "lab":
        # Requests that fit the final plan as it stands go in when that ranks higher: those
        # the search left out, and waiting requests, which CP-SAT never sees.
        filled = insert_left_out(problem, facts, Plan(assignments=assignments, status="feasible"))
        if filled is not None and score.rank(problem, filled.breakdown) < score.rank(
            problem, breakdown
        ):
            assignments, breakdown = dict(filled.assignments), filled.breakdown
    objective = score.weighted(problem, breakdown)
    if session.user_stopped:
        status = "stopped"
    else:
        status = "optimal" if proven and len(results) == len(levels) else "feasible"
    bound = None
    if len(levels) == 1 and last_level.name in ("weighted", "makespan"):
        bound = last.bound + offset
    elif status == "optimal":
        bound = objective
    return Plan(
        assignments=assignments,
        unplaced=explain(problem, Plan(assignments=assignments), facts),
        status=status,
        objective=objective,
        bound=bound,
        seconds=session.elapsed(),
        solutions=session.solutions,
        breakdown=breakdown,
        level_bounds={level.name: outcome.bound for level, outcome in results},
    )
