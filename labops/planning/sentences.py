"""Reasons as people read them beside their request: no rule code (scripts get it from
--json) and a task by its key in the request ('print', not 'R18.print')."""

from __future__ import annotations

import re

_TASK = re.compile(r"task 'R\d+\.([^']+)'")
# The requests holding what a task needed: 'R44' (priority 5), or the bookings a plan may
# not move, which the problem holds as a request of their own ('R2:frozen' (priority 1)).
_FROZEN_HOLDER = re.compile(r"'R(\d+):frozen' \(priority \d+\)")
_HOLDER = re.compile(r"'R(\d+)' \(priority")


def sentence(message: str) -> str:
    """A solver reason's message with the request's own tasks named by key, and the
    requests in the way by their ids."""
    message = _TASK.sub(r"task '\1'", message)
    message = _FROZEN_HOLDER.sub(r"\1 (booked, not to move)", message)
    return _HOLDER.sub(r"\1 (priority", message)
