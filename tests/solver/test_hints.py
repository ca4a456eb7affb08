"""The warm start: every constructive plan, written as a hint, is a solution of the model
(CP-SAT with every hinted variable fixed to its hint still finds it)."""

from __future__ import annotations

import pytest

from solver.explain import precheck
from solver.facts import Facts
from solver.model import Model
from solver.model.search import Session, run_level
from solver.sgs import serial_schedule
from tests.solver.gen import lab_problem


@pytest.mark.parametrize("seed", range(6))
def test_the_constructive_plan_is_a_feasible_hint(seed):
    # Left-out requests sharing people with placed ones across sites used to get travel
    # literals hinted from a start they do not have, which made the hint infeasible.
    prob = lab_problem(seed, requests=20, units=8, people=10)
    facts = Facts(prob)
    never = precheck(prob, facts)
    start = serial_schedule(prob, "priority", facts)
    assert start.unplaced  # some request is left out, so its literals are hinted absent
    model = Model(prob, facts, hint=start.assignments, exclude=set(never))
    levels = model.objective.levels()
    model.write_hints()
    session = Session(time_limit=10.0, params={"fix_variables_to_their_hinted_value": True})
    outcome = run_level(model, levels[0], 10.0, session)
    assert outcome.plan is not None, "the hint is not a solution of the model"
    assert outcome.value == start.breakdown["scheduled"]
