"""Shift-staffed tasks: a long run watched throughout by one person at a time.

A shift is one of a person's working windows clipped to the run, so the shifts a task can
have are known from the calendar before solving: per candidate person, the windows that
meet the task's possible span. A plan picks some of them; they cover the run when the
first holds its start and each one that ends inside the run is handed over to another that
began ``handover`` slots before it ends and lasts beyond it. Facts, the constructive board
and the CP-SAT model share these helpers; the validator checks shifts on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from solver import ranges as R
from solver.problem import Person, Problem, Shift, Task, Unit

ALWAYS = 10**9
"""Where the window of someone always available starts and ends (clipped to the run)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A candidate shift: one working window ``[start, end)`` of ``person``."""

    person: str
    start: int
    end: int

    def clipped(self, lo: int, hi: int) -> Shift:
        return Shift(person=self.person, start=max(self.start, lo), end=min(self.end, hi))


def eligible(problem: Problem, task: Task) -> tuple[str, ...]:
    """People who meet the task's shift need; never a student (alone on a shift, nobody
    would supervise them)."""
    if task.shifts is None:
        return ()
    need = task.shifts.need
    return tuple(p.id for p in problem.people if need.admits(p) and not p.is_student)


def windows_of(person: Person, lo: int, hi: int) -> list[Window]:
    """The person's working windows meeting slots ``[lo, hi)``; windows that touch (a night
    shift across midnight) are one."""
    if person.available is None:
        return [Window(person.id, -ALWAYS, ALWAYS)] if lo < hi else []
    joined = R.normalize((a, b - 1) for a, b in person.available)
    return [Window(person.id, a, b + 1) for a, b in joined if a < hi and lo < b + 1]


def coverable(windows: Iterable[Window], duration: int, handover: int) -> R.Ranges:
    """Starts whose run ``[s, s + duration)`` the windows can cover in shifts, bookings
    aside: stretches of windows each handing over to the next, with ``handover`` overlap."""
    stretches: list[tuple[int, int]] = []
    for w in sorted(windows, key=lambda w: (w.start, -w.end)):
        if stretches and w.start <= stretches[-1][1] - handover:
            lo, hi = stretches[-1]
            stretches[-1] = (lo, max(hi, w.end))
        elif not stretches or w.end > stretches[-1][1]:
            stretches.append((w.start, w.end))
    return R.normalize((lo, hi - duration) for lo, hi in stretches if hi - lo >= duration)


def certified(person: Person, units: Iterable[Unit], start: int) -> bool:
    """Whether the person holds, at ``start``, the certificate of every unit needing one."""
    return all(person.certs.get(u.kind, start) > start for u in units if u.needs_certified)


def pick(
    windows: list[Window], start: int, end: int, handover: int, free: Callable[[Shift], bool]
) -> tuple[Shift, ...] | None:
    """Shifts covering ``[start, end)``, or None: from the start on, each time the free
    window reaching furthest among those that can take over (interval covering: greedy on
    the furthest reach is optimal when every window is free)."""
    shifts: list[Shift] = []
    reach = start
    while reach < end:
        # The first shift holds the start; later ones arrive a hand-over before the last ends.
        arrive = start if not shifts else reach - handover
        best: Window | None = None
        for w in windows:
            further = best is None or w.end > best.end
            if w.start <= arrive and w.end > reach and further and free(w.clipped(start, end)):
                best = w
        if best is None:
            return None
        shifts.append(best.clipped(start, end))
        reach = min(best.end, end)
    return tuple(shifts)
