"""The plan before CP-SAT: a valid plan within seconds, the warm start of the search.

- Plain RCPSP (``solver.rcpsp``): the compiled genetic algorithm with justification
  (``solver.genetic``) for its share of the limit, stopping at the makespan's lower bound,
  which is also returned.
- Other makespan problems: the serial schedule under the LFT and MTS rules.
- Lab problems: the serial schedule under the priority and density rules, the better one
  improved by destroy-and-repair (``solver.improve``) for a tenth of the limit (at most 3 s).

Each plan that is better than the last is passed to ``report`` as it is found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solver import score
from solver.facts import Facts
from solver.improve import improve
from solver.plan import Plan
from solver.problem import Problem
from solver.rcpsp import Rcpsp
from solver.sgs import best_schedule
from solver.validate import validate

RCPSP_SHARE = 0.8  # of the time limit, for the genetic algorithm on plain RCPSP (measured on j120)
IMPROVE_SECONDS = 3.0  # at most, for improving a lab plan
SHARE = 0.1  # of the time limit, for improving a lab plan


@dataclass
class Start:
    """The constructive plan (status "feasible" when valid); for plain RCPSP also the view
    and a proven lower bound on the makespan."""

    plan: Plan
    lower: int | None = None
    view: Rcpsp | None = None


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
) -> Start:
    """The constructive plan (see the module docstring); ``left`` gives the seconds left,
    ``workers`` the threads the genetic algorithm may use."""
    if problem.objective == "makespan":
        view = Rcpsp.of(problem)
        if view is not None:
            seconds = min(RCPSP_SHARE * time_limit, left())
            start = _rcpsp(problem, view, seconds, seed, workers, stop)
            if start is not None:
                _report(report, start.plan)
                return start
        plan = best_schedule(problem, facts, ("lft", "mts"))
        _report(report, plan)
        return Start(plan)
    plan = best_schedule(problem, facts, ("priority", "density"))
    _report(report, plan)
    seconds = min(IMPROVE_SECONDS, SHARE * time_limit, left())
    if plan.status == "feasible" and seconds >= 0.05:
        plan = improve(
            problem,
            facts,
            plan,
            seconds=seconds,
            seed=seed,
            on_better=lambda better: _report(report, better),
            stop=stop,
        )
    return Start(plan)


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


def _report(report: Callable[[Plan], None] | None, plan: Plan) -> None:
    if report is not None and plan.status == "feasible":
        report(plan)
