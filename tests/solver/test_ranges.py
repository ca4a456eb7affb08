"""Sets of integers as ranges, against Python sets."""

from __future__ import annotations

import random

import pytest

from solver import ranges as R


def _random_ranges(rng: random.Random) -> R.Ranges:
    return R.normalize(
        (lo, lo + rng.randint(0, 6)) for lo in rng.sample(range(-5, 60), rng.randint(0, 8))
    )


def _members(ranges: R.Ranges) -> set[int]:
    return {x for lo, hi in ranges for x in range(lo, hi + 1)}


@pytest.mark.parametrize("seed", range(60))
def test_intersect_union_subtract_agree_with_sets(seed):
    rng = random.Random(seed)
    a, b = _random_ranges(rng), _random_ranges(rng)
    for result, expected in (
        (R.intersect(a, b), _members(a) & _members(b)),
        (R.union(a, b), _members(a) | _members(b)),
        (R.subtract(a, b), _members(a) - _members(b)),
    ):
        assert _members(result) == expected
        assert result == R.normalize(result)  # sorted, disjoint, not touching


def test_intersect_with_a_span_or_nothing():
    a = ((0, 3), (6, 9), (12, 20))
    assert R.intersect(a, ((2, 7),)) == ((2, 3), (6, 7))
    assert R.intersect(((2, 7),), a) == ((2, 3), (6, 7))
    assert R.intersect(a, R.EMPTY) == R.EMPTY == R.intersect(R.EMPTY, a)
