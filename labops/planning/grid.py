"""The slot grid: instants of the planning horizon as the solver's integer slots."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from labops.localtime import when


@dataclass(frozen=True)
class SlotGrid:
    """Slot ``k`` covers ``[start + k*minutes, start + (k+1)*minutes)``; ``start`` is UTC."""

    start: dt.datetime
    slot_minutes: int
    slots: int

    @property
    def end(self) -> dt.datetime:
        return self.at(self.slots)

    def at(self, slot: int) -> dt.datetime:
        return self.start + dt.timedelta(minutes=slot * self.slot_minutes)

    def _offset(self, instant: dt.datetime) -> float:
        return (instant - self.start).total_seconds() / 60 / self.slot_minutes

    def floor(self, instant: dt.datetime) -> int:
        """The slot containing ``instant``."""
        return math.floor(self._offset(instant) + 1e-9)

    def ceil(self, instant: dt.datetime) -> int:
        """The first slot boundary at or after ``instant``."""
        return math.ceil(self._offset(instant) - 1e-9)

    def length(self, minutes: int) -> int:
        """Slots needed to cover ``minutes``."""
        return math.ceil(minutes / self.slot_minutes)

    def inner(self, start: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
        """The whole slots inside ``[start, end)``, clipped to the horizon; None if none."""
        lo, hi = max(self.ceil(start), 0), min(self.floor(end), self.slots)
        return (lo, hi) if lo < hi else None

    def outer(self, start: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
        """The slots touching ``[start, end)``, clipped to the horizon; None if none."""
        lo, hi = max(self.floor(start), 0), min(self.ceil(end), self.slots)
        return (lo, hi) if lo < hi else None


def merge(windows: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint windows from any list of ``[start, end)`` pairs."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(w for w in windows if w[0] < w[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True)
class SlotLabels:
    """Names slots for the solver's messages as local wall-clock times ("Tue 01 Dec 09:30")."""

    grid: SlotGrid
    timezone: str

    def __call__(self, slot: int) -> str:
        return when(self.grid.at(slot), self.timezone)
