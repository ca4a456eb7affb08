"""Messages that cross widgets and screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PlanBuilt(Message):
    """The problem is built; the solver starts on it."""

    tasks: int
    requests: int


@dataclass
class PlanProgress(Message):
    """The solver found a better plan. Only the latest matters, so newer ones replace it."""

    objective: float
    bound: float
    elapsed: float
    solutions: int
    level: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PlanProgress)


@dataclass
class ShowBooking(Message):
    """Open the schedule on a booking."""

    booking_id: int


@dataclass
class ShowRequest(Message):
    """Open the request queue on a request."""

    request_id: int
