"""Reasons as people read them beside their request: no rule code (scripts get it from
--json) and a task by its key in the request ('print', not 'R18.print')."""

from __future__ import annotations

import re

_TASK = re.compile(r"task 'R\d+\.([^']+)'")


def sentence(message: str) -> str:
    """A solver reason's message with the request's own tasks named by key."""
    return _TASK.sub(r"task '\1'", message)
