"""The clock: construction cut short keeps a valid plan; no search starts without time."""

from __future__ import annotations

import pytest

from solver.construct import construct
from solver.explain import TIME_LIMIT
from solver.facts import Facts
from solver.model import Model, OutOfTime
from solver.sgs import best_schedule, serial_schedule
from solver.solve import SolveOptions, solve
from tests.solver.conftest import placed, valid
from tests.solver.gen import lab_problem
from tests.solver.test_improve import big_or_two_small


def _after(calls: int):
    """A clock that runs out on the ``calls + 1``-th question."""
    asked = [0]

    def until() -> bool:
        asked[0] += 1
        return asked[0] > calls

    return until


@pytest.mark.parametrize("calls", [0, 3, 10])
def test_a_schedule_cut_short_is_valid_and_says_which_requests_it_did_not_reach(calls):
    prob = lab_problem(2, requests=14)
    facts = Facts(prob)
    whole = serial_schedule(prob, "priority", facts)
    cut = valid(prob, serial_schedule(prob, "priority", facts, until=_after(calls)))
    assert cut.status == "feasible"
    not_reached = {r for r, reasons in cut.unplaced.items() if reasons[0].rule == TIME_LIMIT}
    assert not_reached and len(cut.assignments) < len(whole.assignments)
    # Up to the cut the schedule is the whole one's; every request is placed or has reasons.
    assert all(whole.assignments[t] == a for t, a in cut.assignments.items())
    done = {prob.task[t].request for t in cut.assignments}
    assert done | set(cut.unplaced) == {r.id for r in prob.requests}
    assert not any(reasons[0].rule == TIME_LIMIT for reasons in whole.unplaced.values())


def test_a_stop_keeps_the_first_rules_plan():
    # The priority rule places "big" alone, the density rule "s1" and "s2" (better): with a
    # stop asked, the second rule is not tried, but the first one's plan is whole.
    prob = big_or_two_small()
    assert placed(best_schedule(prob, rules=("priority", "density"))) == {"s1", "s2"}
    stopped = best_schedule(prob, rules=("priority", "density"), stop=lambda: True)
    assert placed(valid(prob, stopped)) == {"big"}


def test_no_search_when_the_model_cannot_be_built_in_the_time_left():
    prob = lab_problem(4, requests=20)
    facts = Facts(prob)
    plenty = construct(prob, facts, time_limit=100, left=lambda: 100.0)
    assert plenty.search
    short = construct(prob, facts, time_limit=100, left=lambda: 1e-4)
    assert not short.search and short.plan.status == "feasible"


def test_the_model_build_gives_up_when_told():
    prob = lab_problem(4, requests=20)
    facts = Facts(prob)
    Model(prob, facts, until=lambda: False)  # builds
    with pytest.raises(OutOfTime):
        Model(prob, facts, until=_after(5))


def test_a_solve_with_no_time_returns_a_valid_plan_with_every_request_explained():
    prob = lab_problem(6, requests=16)
    plan = valid(prob, solve(prob, SolveOptions(time_limit=1e-6)))
    assert plan.status == "feasible" and not plan.assignments
    assert set(plan.unplaced) == {r.id for r in prob.requests}
    assert any(reasons[0].rule == TIME_LIMIT for reasons in plan.unplaced.values())
