"""What one task could possibly do, as ``solver.facts`` works it out: its options (modes,
candidate units and the starts each allows, eligible people per staff need) and a ``Note``
for each option ruled out, naming the rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from solver import shifts as S
from solver.problem import Mode, Task, Unit
from solver.ranges import Ranges
from solver.rules import Rule

NEVER = 10**9  # beyond any slot: "no start" for an earliest start, and minus it for a latest


@dataclass(frozen=True, slots=True)
class Note:
    """Why an option of a task was ruled out before solving."""

    rule: Rule
    message: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnitOption:
    """A candidate unit for one equipment need, and the starts at which it can be used."""

    unit: Unit
    amount: int
    starts: Ranges


@dataclass(frozen=True, slots=True)
class ModeOption:
    """A mode that can work: per need its usable units, and the starts it allows."""

    index: int
    mode: Mode
    staffed: int  # staffed length: staff_slots for unattended tasks, else the duration
    needs: tuple[tuple[UnitOption, ...], ...]
    starts: Ranges
    sites: frozenset[str] = frozenset()  # where all needs can be served; empty without needs

    @property
    def duration(self) -> int:
        return self.mode.duration


@dataclass(slots=True)
class TaskFacts:
    """Everything a task could do; ``possible`` is False when it can never be placed."""

    task: Task
    modes: tuple[ModeOption, ...]
    staff: tuple[tuple[str, ...], ...]  # ids of eligible people, per staff need
    starts: Ranges  # union of the modes' starts
    earliest: int = 0  # after precedence propagation
    latest: int = -1
    notes: list[Note] = field(default_factory=list)
    # A shift-staffed task's candidate shifts: eligible people's windows in its window.
    shift_windows: tuple[S.Window, ...] = ()

    @property
    def possible(self) -> bool:
        return bool(self.modes) and self.earliest <= self.latest

    @property
    def min_duration(self) -> int:
        return min(option.duration for option in self.modes) if self.modes else 0

    @property
    def max_duration(self) -> int:
        return max(option.duration for option in self.modes) if self.modes else 0

    @property
    def max_staffed(self) -> int:
        return max(option.staffed for option in self.modes) if self.modes else 0

    people: tuple[str, ...] = field(init=False)  # eligible for some need, first-seen order
    sites: frozenset[str] = field(init=False)  # where it may run; empty if no mode uses units

    def __post_init__(self) -> None:
        self.people = tuple(dict.fromkeys(p for need in self.staff for p in need))
        self.sites = frozenset(site for option in self.modes for site in option.sites)
