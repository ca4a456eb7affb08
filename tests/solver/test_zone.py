"""The repair zone (``solver.zone``): what a repair searches first, and that the search over
it keeps everything outside as it was.

Six units with a morning booking on day 0 and one on day 3 each (slots of 30 minutes, 48 a
day); a breakdown of unit u0 on day 0 hits one booking.
"""

from __future__ import annotations

import dataclasses

import pytest

from solver import solve as solve_module
from solver import zone as zone_module
from solver.facts import Facts
from solver.problem import Request, Standing, Unit
from solver.score import unchanged
from solver.zone import narrowed, repair_zone
from tests.solver.conftest import at, need, problem, solved, task

DAY = 48
UNITS = [f"u{i}" for i in range(6)]


@pytest.fixture(autouse=True)
def small_plans_have_zones(monkeypatch):
    """These plans hold 12 bookings: let them count as big."""
    monkeypatch.setattr(zone_module, "BIG_PLAN", 1)


def test_a_plan_small_enough_to_search_whole_gets_no_zone(monkeypatch):
    monkeypatch.setattr(zone_module, "BIG_PLAN", 13)
    prob = plan_in_force()
    assert prob.stability.hit and repair_zone(prob, prob.current) is None


def plan_in_force(down: tuple[tuple[int, int], ...] = ((0, DAY),), promised: bool = True):
    tasks, requests, current = [], [], {}
    for unit in UNITS:
        for day in (0, 3):
            task_id = f"{unit}-d{day}"
            tasks.append(task(task_id, duration=4, needs=[need(unit)]))
            requests.append(Request(id=task_id, standing=Standing.SCHEDULED))
            current[task_id] = at(task_id, day * DAY + 18, units=[unit])
    units = [Unit(id=u, down=down if u == "u0" else ()) for u in UNITS]
    return problem(
        tasks,
        units=units,
        requests=requests,
        current=current,
        promised=frozenset(current) if promised else frozenset(),
        horizon=5 * DAY,
    )


def test_the_zone_is_the_hit_request_and_bookings_near_it_on_its_resources():
    prob = plan_in_force()
    assert prob.stability.hit == {"u0-d0"}
    assert repair_zone(prob, prob.current) == {"u0-d0"}  # u0's day-3 booking is days away
    moved = {**prob.current, "u0-d0": at("u0-d0", 2 * DAY + 18, units=["u0"])}
    # Moved to day 2, it comes within a day of u0's day-3 booking, which may then move too.
    assert repair_zone(prob, moved) == {"u0-d0", "u0-d3"}


def test_no_zone_when_nothing_is_hit_or_when_it_would_be_most_of_the_plan():
    assert repair_zone(plan_in_force(down=()), plan_in_force(down=()).current) is None
    prob = plan_in_force()
    everywhere = {t: dataclasses.replace(a, start=a.start + 1) for t, a in prob.current.items()}
    assert repair_zone(prob, everywhere) is None


def test_narrowed_locks_every_booking_outside_the_zone_to_its_start():
    prob = plan_in_force()
    small = narrowed(prob, frozenset({"u0-d0"}))
    assert small.locked == frozenset(prob.current) - {"u0-d0"}
    facts = Facts(small)
    assert facts["u1-d0"].starts == ((18, 18),)  # a locked booking has nothing to choose
    assert facts["u0-d0"].starts != ((18, 18),)


def test_a_repair_searches_the_zone_and_moves_only_the_hit_booking(monkeypatch):
    searched: list[frozenset[str]] = []

    def spy(prob, zone):
        searched.append(zone)
        return narrowed(prob, zone)

    monkeypatch.setattr(solve_module, "narrowed", spy)
    prob = plan_in_force()
    plan = solved(prob, deterministic=True)
    assert searched, "the repair did not search its zone"
    changed = {t for t, a in prob.current.items() if not unchanged(plan.assignments.get(t), a)}
    assert changed == {"u0-d0"}
    assert plan.assignments["u0-d0"].start >= DAY  # after the breakdown


@pytest.mark.parametrize("promised", [True, False])
def test_a_zone_search_never_leaves_the_plan_worse_than_without_it(promised, monkeypatch):
    prob = plan_in_force(promised=promised)
    with_zone = solved(prob, deterministic=True)
    monkeypatch.setattr(solve_module, "repair_zone", lambda *a, **k: None)
    without = solved(prob, deterministic=True)
    assert with_zone.breakdown["priority"] >= without.breakdown["priority"]
    assert with_zone.breakdown["disruption"] <= without.breakdown["disruption"]
