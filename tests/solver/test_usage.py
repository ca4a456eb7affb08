"""The usage profile of a unit against a slot-by-slot count, and placement on it."""

from __future__ import annotations

import random

import pytest

from solver.facts import Facts
from solver.placement import Board
from solver.problem import Unit
from solver.sgs import serial_schedule
from solver.usage import Usage
from tests.solver.conftest import need, problem, task, valid

SPAN = 60


def _random_profile(rng: random.Random) -> tuple[Usage, list[int]]:
    """A profile after random additions and take-backs, and the same as one count per slot."""
    usage, slots = Usage(), [0] * SPAN
    held: list[tuple[int, int, int]] = []
    for _ in range(rng.randint(0, 25)):
        if held and rng.random() < 0.3:
            lo, hi, amount = held.pop(rng.randrange(len(held)))
            amount = -amount
        else:
            lo = rng.randrange(SPAN)
            hi = rng.randint(lo, min(SPAN, lo + 15))
            amount = rng.randint(1, 3)
            held.append((lo, hi, amount))
        usage.add(lo, hi, amount)
        for s in range(lo, hi):
            slots[s] += amount
    return usage, slots


@pytest.mark.parametrize("seed", range(40))
def test_peak_and_first_fit_agree_with_a_count_per_slot(seed):
    rng = random.Random(seed)
    usage, slots = _random_profile(rng)
    levels = [*slots, 0]  # zero from the end of the span on
    for _ in range(30):
        lo = rng.randrange(SPAN)
        hi = rng.randint(lo, SPAN)
        assert usage.peak(lo, hi) == max(slots[lo:hi], default=0)
        length, room = rng.randint(0, 12), rng.randint(0, 4)
        expected = next(
            s
            for s in range(lo, SPAN + 1)
            if all(levels[min(t, SPAN)] <= room for t in range(s, s + length))
        )
        assert usage.first_fit(lo, length, room) == expected


@pytest.mark.parametrize("seed", range(10))
def test_taking_everything_back_leaves_an_empty_profile(seed):
    rng = random.Random(seed)
    usage = Usage()
    placed = [(rng.randrange(100), rng.randint(1, 40), rng.randint(1, 3)) for _ in range(30)]
    for lo, length, amount in placed:
        usage.add(lo, lo + length, amount)
    for lo, length, amount in reversed(placed):
        usage.add(lo, lo + length, -amount)
    assert usage.times == [] and usage.levels == []


def test_a_long_task_goes_to_the_first_gap_long_enough_on_any_candidate():
    # Three machines, each busy in pieces; the 50-slot task fits first on m2 from 30
    # (m1's gaps are 20 long, m3 is free only from 90).
    busy = {"m1": [(0, 10), (30, 40), (60, 70), (90, 200)], "m2": [(0, 30)], "m3": [(0, 90)]}
    units = [Unit(id=u) for u in busy]
    prob = problem(
        [task("long", duration=50, needs=[need("m1", "m2", "m3")])],
        units=units,
        horizon=300,
    )
    board = Board(prob, Facts(prob))
    for unit_id, pieces in busy.items():
        for lo, hi in pieces:
            board.usage[unit_id].add(lo, hi, 1)
    choice = board.find(board.facts["long"])
    assert (choice.start, choice.units[0].unit.id) == (30, "m2")


def test_an_instrument_shared_by_long_tests_is_never_over_its_capacity():
    # Eight 40-slot tests, each on one of three machines and all on one instrument of
    # capacity 2: at most two run at once, so the plan takes four rounds (160 slots).
    machines = need("a", "b", "c")
    tests = [task(f"t{i}", "job", duration=40, needs=[machines, need("i")]) for i in range(8)]
    prob = problem(
        tests,
        units=[Unit(id="a"), Unit(id="b"), Unit(id="c"), Unit(id="i", capacity=2)],
        horizon=400,
        objective="makespan",
    )
    plan = valid(prob, serial_schedule(prob, "lft"))
    assert len(plan.assignments) == 8 and plan.breakdown["makespan"] == 160
