"""What a re-plan owes the plan in force (``solver.stability``, the first levels of
``solver.score``): each rule with a case where it binds and one where it does not.

One unit ``u`` holds everything, so each optimum can be read off a line of slots. Every plan
goes through the validator (``solved``).
"""

from __future__ import annotations

import pytest

from solver import score
from solver.problem import Request, Standing, Unit, Weights
from solver.solve import SolveOptions, solve
from solver.stability import assess
from tests.solver.conftest import at, need, placed, problem, solved, task, valid

SCHEDULED, NEW, WAITING = Standing.SCHEDULED, Standing.NEW, Standing.WAITING


def on_u(task_id: str, duration: int):
    return task(task_id, duration=duration, needs=[need("u")])


def booked(task_id: str, start: int):
    return at(task_id, start, units=["u"])


def two_bookings_and(extra_standing: Standing, *, promised=frozenset(), seed=0, **kw):
    """s1 at [0, 3), s2 at [5, 8) on u; x (13 slots) fits the 20-slot horizon only if s2
    moves next to s1 (free [6, 20)): the free gaps are 2 and 12 slots."""
    tasks = [on_u("s1", 3), on_u("s2", 3), on_u("x", 13)]
    requests = [
        Request(id="s1", standing=SCHEDULED),
        Request(id="s2", standing=SCHEDULED),
        Request(id="x", priority=5, standing=extra_standing),
    ]
    current = {"s1": booked("s1", 0), "s2": booked("s2", 5)}
    prob = problem(
        tasks, units=[Unit(id="u")], requests=requests, current=current, promised=promised, **kw
    )
    return prob, solved(prob, seed=seed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nothing_changed_and_a_waiting_request_keeps_the_plan_as_it_is(seed):
    prob, plan = two_bookings_and(WAITING, seed=seed)
    assert plan.assignments == dict(prob.current)
    assert "x" in plan.unplaced


def test_a_new_request_moves_a_proposed_booking_to_fit():
    prob, plan = two_bookings_and(NEW)
    assert placed(plan) == {"s1", "s2", "x"}
    assert plan.assignments["s1"] == prob.current["s1"]
    assert plan.breakdown["disruption"] == 1


def test_a_new_request_never_moves_a_promised_booking():
    prob, plan = two_bookings_and(NEW, promised={"s1", "s2"})
    assert plan.assignments == dict(prob.current) and "x" in plan.unplaced


def test_a_new_request_moves_the_booking_that_is_not_promised():
    # s2 alone moves (to sit right after s1), and that is enough.
    prob, plan = two_bookings_and(NEW, promised={"s1"})
    assert placed(plan) == {"s1", "s2", "x"}
    assert plan.assignments["s1"] == prob.current["s1"]


def test_waiting_requests_take_free_room():
    # With s2 gone from the plan in force, the 13 slots after s1 are free.
    prob = problem(
        [on_u("s1", 3), on_u("x", 13)],
        units=[Unit(id="u")],
        requests=[Request(id="s1", standing=SCHEDULED), Request(id="x", standing=WAITING)],
        current={"s1": booked("s1", 0)},
    )
    plan = solved(prob)
    assert placed(plan) == {"s1", "x"} and plan.assignments["s1"] == prob.current["s1"]


def preemption(preempt: bool):
    """s (priority 2) holds [0, 4) of a 6-slot horizon; new n (priority 5) needs 4 slots."""
    prob = problem(
        [on_u("s", 4), on_u("n", 4)],
        units=[Unit(id="u")],
        requests=[
            Request(id="s", priority=2, standing=SCHEDULED),
            Request(id="n", priority=5, standing=NEW),
        ],
        current={"s": booked("s", 0)},
        horizon=6,
        weights=Weights(preempt=preempt),
    )
    return solved(prob)


def test_a_new_request_never_displaces_a_scheduled_one_by_default():
    assert placed(preemption(False)) == {"s"}


def test_with_preempt_a_new_request_displaces_a_lower_priority_one():
    assert placed(preemption(True)) == {"n"}


def after_downtime(hit_priority: int, kept_priority: int, *, promised=frozenset()):
    """Downtime on [0, 4) breaks h (4 slots, booked at 0); k is booked at [6, 10) of a
    12-slot horizon. h fits again only if k moves (to 4 or 8) or goes."""
    prob = problem(
        [on_u("h", 4), on_u("k", 4)],
        units=[Unit(id="u", down=((0, 4),))],
        requests=[
            Request(id="h", priority=hit_priority, standing=SCHEDULED),
            Request(id="k", priority=kept_priority, standing=SCHEDULED),
        ],
        current={"h": booked("h", 0), "k": booked("k", 6)},
        horizon=12,
        promised=promised,
    )
    return prob, solved(prob)


def test_the_hit_request_is_replanned_by_moving_a_proposed_booking():
    prob, plan = after_downtime(1, 3)
    assert placed(plan) == {"h", "k"}
    assert prob.stability.broken == {"h"} and prob.stability.hit == {"h"}


def test_a_promised_booking_moves_for_a_higher_priority_hit_request():
    _, plan = after_downtime(5, 3, promised={"k"})
    assert placed(plan) == {"h", "k"} and plan.breakdown["promises:3"] == 1


@pytest.mark.parametrize("hit_priority", [1, 3])
def test_a_promised_booking_never_moves_for_an_equal_or_lower_priority(hit_priority):
    prob, plan = after_downtime(hit_priority, 3, promised={"k"})
    assert placed(plan) == {"k"} and plan.assignments["k"] == prob.current["k"]


def untouched_and_hit(untouched_priority: int):
    """Downtime on [0, 6) breaks h1 and h2 (3 slots each, priority 3); k (6 slots) holds
    the only free room left, [6, 12). Both hit requests fit again only if k goes."""
    prob = problem(
        [on_u("h1", 3), on_u("h2", 3), on_u("k", 6)],
        units=[Unit(id="u", down=((0, 6),))],
        requests=[
            Request(id="h1", priority=3, standing=SCHEDULED),
            Request(id="h2", priority=3, standing=SCHEDULED),
            Request(id="k", priority=untouched_priority, standing=SCHEDULED),
        ],
        current={"h1": booked("h1", 0), "h2": booked("h2", 3), "k": booked("k", 6)},
        horizon=12,
    )
    return solved(prob)


def test_an_untouched_request_is_never_dropped_for_equal_priority_hit_ones():
    # Keeping h1 and h2 (6 priority points) would beat k's 3 on a plain sum.
    assert placed(untouched_and_hit(3)) == {"k"}


def test_an_untouched_request_gives_way_to_higher_priority_hit_ones():
    assert placed(untouched_and_hit(2)) == {"h1", "h2"}


@pytest.mark.parametrize(("cost_a", "cost_b", "moved"), [(10, 1, "b"), (1, 10, "a")])
def test_disruption_moves_the_cheaper_booking(cost_a, cost_b, moved):
    # a at [2, 5), b at [7, 10) of 12 slots; new n needs 4: moving a to 0 or b to 9 frees 4.
    prob = problem(
        [on_u("a", 3), on_u("b", 3), on_u("n", 4)],
        units=[Unit(id="u")],
        requests=[
            Request(id="a", standing=SCHEDULED),
            Request(id="b", standing=SCHEDULED),
            Request(id="n", standing=NEW),
        ],
        current={"a": booked("a", 2), "b": booked("b", 7)},
        move_cost={"a": cost_a, "b": cost_b},
        horizon=12,
    )
    plan = solved(prob)
    kept = {"a", "b"} - {moved}
    assert placed(plan) == {"a", "b", "n"}
    assert {t for t in kept if plan.assignments[t] == prob.current[t]} == kept
    assert plan.assignments[moved] != prob.current[moved]
    assert plan.breakdown["disruption"] == min(cost_a, cost_b)


def test_assess_blames_the_unlocked_side_of_a_clash():
    # A locked booking and a movable one on u at once: the movable one must give way. r has
    # two tasks and a booking for one of them only.
    prob = problem(
        [on_u("locked", 2), on_u("movable", 2), task("half", "r"), task("rest", "r")],
        units=[Unit(id="u")],
        requests=[
            Request(id="movable", standing=SCHEDULED),
            Request(id="r", standing=SCHEDULED),
        ],
        current={
            "locked": booked("locked", 0),
            "movable": booked("movable", 1),
            "half": at("half", 5),
        },
        locked={"locked"},
    )
    found = assess(prob)
    assert found.broken == {"movable"}
    assert found.hit == {"movable", "r"}


def test_without_a_plan_in_force_the_levels_are_those_of_a_first_plan():
    prob = problem([on_u("a", 2)], units=[Unit(id="u")])
    assert score.levels(prob)[0] == "scheduled"


def test_a_replan_out_of_time_still_keeps_the_untouched_requests():
    # No time at all: nothing new is placed, but the plan in force is not dropped.
    prob, _ = two_bookings_and(NEW)
    plan = solve(prob, SolveOptions(time_limit=1e-6))
    assert valid(prob, plan).assignments == dict(prob.current)
    assert plan.unplaced["x"][0].rule == "time_limit"
