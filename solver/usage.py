"""How much of one unit's capacity is taken over time: a step function.

``Usage`` keeps the breakpoints where the level changes (sorted) and the level from each
breakpoint to the next; before the first and after the last the level is 0. Adjacent
pieces with the same level are merged, so the size stays proportional to the occupations
placed, whatever their lengths. A placement asks the peak over an interval (``peak``) or
the first start from which an interval of some length fits under a level (``first_fit``),
in steps over breakpoints, never slot by slot.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class Usage:
    """A step function of time, 0 outside the breakpoints."""

    __slots__ = ("levels", "times")

    def __init__(self) -> None:
        self.times: list[int] = []
        self.levels: list[int] = []  # levels[i] holds on [times[i], times[i + 1])

    def add(self, lo: int, hi: int, amount: int) -> None:
        """Add ``amount`` (negative to take it back) over ``[lo, hi)``."""
        if hi <= lo or amount == 0:
            return
        i = self._cut(lo)
        j = self._cut(hi)
        levels = self.levels
        for k in range(i, j):
            levels[k] += amount
        self._merge(j)
        self._merge(i)

    def peak(self, lo: int, hi: int) -> int:
        """The highest level over ``[lo, hi)`` (0 for an empty interval)."""
        if hi <= lo:
            return 0
        i = max(bisect_right(self.times, lo) - 1, 0)
        j = bisect_left(self.times, hi)
        return max(self.levels[i:j], default=0)

    def first_fit(self, lo: int, length: int, room: int) -> int:
        """The smallest ``s >= lo`` with the level at most ``room`` over ``[s, s + length)``
        (``room`` must not be negative: the level is 0 after the last breakpoint)."""
        if length <= 0:
            return lo
        times, levels = self.times, self.levels
        start = lo
        first = max(bisect_right(times, start) - 1, 0)
        while True:
            k = bisect_left(times, start + length) - 1
            while k >= first and levels[k] <= room:
                k -= 1
            if k < first:  # no piece over ``room`` in the window
                return start
            start = times[k + 1]  # past the last piece over ``room`` in the window
            first = k + 1

    def _cut(self, at: int) -> int:
        """The index of a breakpoint at ``at``, inserted if missing."""
        times = self.times
        i = bisect_left(times, at)
        if i == len(times) or times[i] != at:
            times.insert(i, at)
            self.levels.insert(i, self.levels[i - 1] if i > 0 else 0)
        return i

    def _merge(self, i: int) -> None:
        """Drop the breakpoint at index ``i`` when the level does not change there."""
        if i < len(self.times) and self.levels[i] == (self.levels[i - 1] if i > 0 else 0):
            del self.times[i]
            del self.levels[i]
