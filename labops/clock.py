"""The current time: the real clock, the only one audit times, requests and bookings take.

Nothing from outside the process sets it (an environment variable would let anyone date
audit events as they please). Tests fix it in-process with ``fixed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware UTC now (or the instant a test fixed)."""
    return _fixed if _fixed is not None else dt.datetime.now(dt.UTC)


@contextmanager
def fixed(instant: dt.datetime) -> Iterator[None]:
    """For tests: ``now()`` returns ``instant`` inside the block."""
    global _fixed
    if instant.tzinfo is None:
        raise ValueError("a fixed clock needs an aware instant")
    previous, _fixed = _fixed, instant.astimezone(dt.UTC)
    try:
        yield
    finally:
        _fixed = previous
