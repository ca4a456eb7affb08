"""The plan before CP-SAT: a valid plan within seconds, the warm start of the search.

- Plain RCPSP (``solver.rcpsp``): the compiled genetic algorithm with justification
  (``solver.genetic``) for its share of the limit, stopping at the makespan's lower bound,
  which is also returned.
- Other makespan problems: the serial schedule under the LFT and MTS rules; when units are
  to be chosen among candidates (``solver.flexible``), the serial schedule gets at most a
  tenth of the limit (cut short, it leaves requests out), then the genetic algorithm of
  ``solver.flexsearch`` for the same share of the limit (all the time left when CP-SAT's
  model would not fit in the rest; not in a deterministic solve), whose plan replaces the
  serial one when shorter, with the view's lower bound.
- Lab problems: the serial schedule under the priority and density rules, the better one
  improved by destroy-and-repair (``solver.improve``) for a tenth of the limit (at most 3 s).

Each plan that is better than the last is passed to ``report`` as it is found.

The phase keeps the clock and the stop request: a serial schedule cut short by the clock
leaves the requests it did not reach out (a valid plan all the same); a second rule runs
only when the first took less time than is left and no stop is asked (a stop ends the
phase after the first schedule, the plan it returns). When the CP-SAT model would take
more than half the time left to build on a lab problem, 80% on others
(``solver.model.builder.build_seconds``, scaled by the CPU share this phase got), the
search is skipped (``Start.search`` False) and the improvement gets the rest of the time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from solver import score
from solver.facts import Facts
from solver.flexible import Flexible
from solver.improve import improve
from solver.model.builder import build_seconds
from solver.plan import Plan
from solver.problem import Problem
from solver.rcpsp import Rcpsp
from solver.sgs import best_schedule
from solver.validate import validate

RCPSP_SHARE = 0.8  # of the time limit, for the genetic algorithm on plain RCPSP (measured on j120)
IMPROVE_SECONDS = 3.0  # at most, for improving a lab plan
SHARE = 0.1  # of the time limit, for improving a lab plan
# Of the time left, at most, for building the CP-SAT model: on lab problems the improvement
# can use the time instead; on others nothing else would, so the search may get less.
BUILD_SHARE = 0.5
MAKESPAN_BUILD_SHARE = 0.8
FLEXIBLE_SHARE = 0.8  # of the time limit, for the search of alternative units (50%: a tie)
SERIAL_SHARE = 0.1  # of the time limit at most, for the serial schedule before that search
FINISH = 0.05  # of the time limit, kept after the search of alternative units for the rest
MOVES_PER_SECOND = 1000
"""Destroy-and-repair moves per second of improvement, in a deterministic solve (measured:
about 1,400 a second on the demo platform, on one core of this machine)."""


@dataclass
class Start:
    """The constructive plan (status "feasible" when valid); for plain RCPSP also the view
    and a proven lower bound on the makespan. ``search`` is False when CP-SAT has too
    little time left to be worth starting."""

    plan: Plan
    lower: int | None = None
    view: Rcpsp | None = None
    search: bool = True


def construct(
    problem: Problem,
    facts: Facts,
    *,
    time_limit: float,
    left: Callable[[], float],
    seed: int = 0,
    workers: int = 1,
    report: Callable[[Plan], None] | None = None,
    stop: Callable[[], bool] | None = None,
    deterministic: bool = False,
) -> Start:
    """The constructive plan (see the module docstring); ``left`` gives the seconds left,
    ``workers`` the threads the genetic algorithm may use. With ``deterministic`` every
    choice depends on the problem, the seed and the time limit, not on the clock: the rules
    all run, the improvement runs a number of moves (``MOVES_PER_SECOND``); the clock only
    cuts what would overrun the limit."""
    began = (time.monotonic(), time.process_time())
    if problem.objective == "makespan":
        view = Rcpsp.of(problem)
        if view is not None:
            seconds = min(RCPSP_SHARE * time_limit, left())
            start = _rcpsp(problem, view, seconds, seed, workers, stop)
            if start is not None:
                _report(report, start.plan)
                return start
        flexible = Flexible.of(problem) if view is None and not deterministic else None
        serial = left
        if flexible is not None:  # the search does better: the serial schedule gets a tenth
            serial = lambda: left() - (1 - SERIAL_SHARE) * time_limit  # noqa: E731
        plan = best_schedule(problem, facts, ("lft", "mts"), left=serial, stop=stop)
        _report(report, plan)
        lower = None
        if flexible is not None and left() >= 0.05 + FINISH * time_limit:  # solver.flexsearch
            # All the time left when CP-SAT's model would not fit in what the search leaves.
            after = (1 - FLEXIBLE_SHARE) * time_limit
            fits = _search_fits(facts, MAKESPAN_BUILD_SHARE * after, began)
            share = FLEXIBLE_SHARE if fits else 1
            seconds = min(share * time_limit, left() - FINISH * time_limit)
            plan, lower = _flexible(problem, flexible, plan, seconds, seed, workers, stop, report)
        search = _search_fits(facts, MAKESPAN_BUILD_SHARE * left(), began)
        return Start(plan, lower, search=search)
    rules = ("priority", "density")
    plan = best_schedule(problem, facts, rules, left=left, stop=stop, every=deterministic)
    _report(report, plan)
    if deterministic:
        search = build_seconds(facts) <= BUILD_SHARE * time_limit
        budget = min(IMPROVE_SECONDS, SHARE * time_limit) if search else 0.9 * time_limit
        seconds, moves = left(), int(MOVES_PER_SECOND * budget)
    else:
        search = _search_fits(facts, BUILD_SHARE * left(), began)
        seconds = min(IMPROVE_SECONDS, SHARE * time_limit, left()) if search else left()
        moves = None
    if plan.status == "feasible" and seconds >= 0.05 and moves != 0:
        plan = improve(
            problem,
            facts,
            plan,
            seconds=seconds,
            seed=seed,
            on_better=lambda better: _report(report, better),
            stop=stop,
            moves=moves,
        )
    return Start(plan, search=search)


def _search_fits(facts: Facts, seconds: float, began: tuple[float, float]) -> bool:
    """True when the CP-SAT model can be built within ``seconds``, at the CPU share this
    phase got since ``began`` (wall and process clocks)."""
    wall = time.monotonic() - began[0]
    share = (time.process_time() - began[1]) / wall if wall > 0.05 else 1.0
    return build_seconds(facts) / min(1.0, max(share, 0.1)) <= seconds


def _rcpsp(
    problem: Problem,
    view: Rcpsp,
    seconds: float,
    seed: int,
    workers: int,
    stop: Callable[[], bool] | None,
) -> Start | None:
    """The genetic algorithm's plan, checked by the validator (None if it fails, which
    would be a bug: the general schedule takes over)."""
    from solver.genetic import evolve  # numba loads only for plain RCPSP problems

    lower = view.lower_bound()
    starts, _, _ = evolve(
        view, seconds=seconds, seed=seed, target=lower, stop=stop, threads=workers
    )
    assignments = view.assignments(starts)
    breakdown = score.evaluate(problem, assignments)
    plan = Plan(
        assignments=assignments,
        status="feasible",
        objective=score.weighted(problem, breakdown),
        solutions=1,
        breakdown=breakdown,
    )
    if validate(problem, plan):
        return None
    return Start(plan, lower, view)


def _flexible(
    problem: Problem,
    view: Flexible,
    start: Plan,
    seconds: float,
    seed: int,
    workers: int,
    stop: Callable[[], bool] | None,
    report: Callable[[Plan], None] | None,
) -> tuple[Plan, int]:
    """The better of ``start`` and the plan of the genetic algorithm with unit choice (when
    the validator passes it; failing would be a bug), and the view's lower bound. Its plans
    better than ``start`` go to ``report`` as it finds them (every second at most), the
    last one, once validated, unless it was reported already."""
    from solver.flexsearch import evolve  # numba loads only for these problems

    lower = view.lower_bound()
    to_beat = start.breakdown["makespan"] if start.status == "feasible" else None
    if to_beat is not None and to_beat <= lower:
        return start, lower

    def plan_of(starts: list[int], units: list[int]) -> Plan:
        assignments = view.assignments(starts, units)
        breakdown = score.evaluate(problem, assignments)
        return Plan(
            assignments=assignments,
            status="feasible",
            objective=score.weighted(problem, breakdown),
            solutions=start.solutions + 1,
            breakdown=breakdown,
        )

    told = [to_beat]  # the makespan reported last

    def better(starts: list[int], units: list[int], span: int) -> None:
        if told[0] is None or span < told[0]:
            told[0] = span
            _report(report, plan_of(starts, units))

    starts, units, span, _ = evolve(
        view,
        seconds=seconds,
        seed=seed,
        target=lower,
        stop=stop,
        threads=workers,
        on_better=better if report is not None else None,
    )
    if to_beat is not None and span >= to_beat:
        return start, lower
    plan = plan_of(starts, units)
    if validate(problem, plan):
        return start, lower
    if told[0] is None or span < told[0]:
        _report(report, plan)
    return plan, lower


def _report(report: Callable[[Plan], None] | None, plan: Plan) -> None:
    if report is not None and plan.status == "feasible":
        report(plan)
