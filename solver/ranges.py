"""Sets of integers as sorted, disjoint, inclusive ranges: the possible starts of a task.

A ``Ranges`` value is a tuple of ``(lo, hi)`` pairs with ``lo <= hi``, sorted, disjoint and
not touching. Everything here is pure and small; the CP-SAT layer turns a ``Ranges`` into a
``Domain`` and the constructive schedule walks it with ``next_at_or_after``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

Ranges = tuple[tuple[int, int], ...]

EMPTY: Ranges = ()


def span(lo: int, hi: int) -> Ranges:
    """All integers in ``[lo, hi]`` (empty when ``hi < lo``)."""
    return ((lo, hi),) if lo <= hi else EMPTY


def normalize(pairs: Iterable[tuple[int, int]]) -> Ranges:
    """Sort, drop empty pairs and merge overlapping or touching ones."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(p for p in pairs if p[0] <= p[1]):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def union(*sets: Ranges) -> Ranges:
    return normalize(pair for ranges in sets for pair in ranges)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    if not a or not b:
        return EMPTY
    if len(a) == 1:  # a span: no need to walk both (the facts intersect many with spans)
        return clip(b, *a[0])
    if len(b) == 1:
        return clip(a, *b[0])
    out: list[tuple[int, int]] = []
    i = j = 0
    a_lo, a_hi = a[0]
    b_lo, b_hi = b[0]
    while True:
        lo = a_lo if a_lo > b_lo else b_lo
        if a_hi < b_hi:
            if lo <= a_hi:
                out.append((lo, a_hi))
            i += 1
            if i == len(a):
                break
            a_lo, a_hi = a[i]
        else:
            if lo <= b_hi:
                out.append((lo, b_hi))
            j += 1
            if j == len(b):
                break
            b_lo, b_hi = b[j]
    return tuple(out)


def subtract(a: Ranges, b: Ranges) -> Ranges:
    """Integers of ``a`` not in ``b``."""
    out: list[tuple[int, int]] = []
    j = 0
    for lo, hi in a:
        while j < len(b) and b[j][1] < lo:
            j += 1
        k = j
        cur = lo
        while k < len(b) and b[k][0] <= hi:
            if b[k][0] > cur:
                out.append((cur, b[k][0] - 1))
            cur = max(cur, b[k][1] + 1)
            k += 1
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


def contains(ranges: Ranges, value: int) -> bool:
    i = bisect_right(ranges, (value, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= value <= ranges[i][1]


def includes(outer: Ranges, inner: Ranges) -> bool:
    """True when every integer of ``inner`` is in ``outer``."""
    for lo, hi in inner:
        i = bisect_right(outer, (lo, float("inf"))) - 1
        if i < 0 or outer[i][1] < hi:
            return False
    return True


def next_at_or_after(ranges: Ranges, value: int) -> int | None:
    """The smallest member ``>= value``, or None."""
    i = bisect_right(ranges, (value, float("inf"))) - 1
    if i >= 0 and ranges[i][1] >= value:
        return value
    if i + 1 < len(ranges):
        return ranges[i + 1][0]
    return None


def last_at_or_before(ranges: Ranges, value: int) -> int | None:
    """The largest member ``<= value``, or None."""
    i = bisect_right(ranges, (value, float("inf"))) - 1
    if i < 0:
        return None
    return min(ranges[i][1], value)


def size(ranges: Ranges) -> int:
    return sum(hi - lo + 1 for lo, hi in ranges)


def fitting_starts(windows: Iterable[tuple[int, int]], lo_offset: int, hi_offset: int) -> Ranges:
    """Starts ``s`` at which ``[s + lo_offset, s + hi_offset)`` lies inside one half-open window.

    An empty span (``hi_offset == lo_offset``) fits at ``a <= s + lo_offset <= b`` too.
    """
    return normalize((a - lo_offset, b - hi_offset) for a, b in windows)


def clashing_starts(windows: Iterable[tuple[int, int]], lo_offset: int, hi_offset: int) -> Ranges:
    """Starts ``s`` at which ``[s + lo_offset, s + hi_offset)`` meets one half-open window."""
    if hi_offset <= lo_offset:
        return EMPTY
    return normalize((a - hi_offset + 1, b - lo_offset - 1) for a, b in windows)


def next_range_start(ranges: Ranges, value: int) -> int | None:
    """The lowest ``lo`` of a range with ``lo > value``, or None."""
    i = bisect_right(ranges, (value, float("inf")))
    return ranges[i][0] if i < len(ranges) else None


def meets(ranges: Ranges, lo: int, hi: int) -> bool:
    """True when some member lies in ``[lo, hi]``."""
    first = next_at_or_after(ranges, lo)
    return first is not None and first <= hi


def clip(ranges: Ranges, lo: int, hi: int) -> Ranges:
    """The members within ``[lo, hi]`` (faster than ``intersect`` with a span)."""
    i = max(bisect_right(ranges, (lo, float("inf"))) - 1, 0)
    j = bisect_right(ranges, (hi, float("inf")))
    out = [(max(a, lo), min(b, hi)) for a, b in ranges[i:j]]
    return tuple((a, b) for a, b in out if a <= b)
