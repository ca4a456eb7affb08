"""Bookings in a window of time, found through the time indexes.

An overlap test alone (``busy_end > start AND busy_start < end``) lets the database walk a
start-time index from the beginning of time: on years of history, every booking there
ever was. Bounding the start below as well, by the longest a booking can keep anything
busy (the longest task plus the longest setup and cleanup), keeps the walk to the window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from labops import tables as t


def longest_hold(session: Session) -> dt.timedelta:
    """An upper bound on how long any booking keeps a unit or a person busy."""
    minutes = session.exec(select(sa.func.max(t.Task.duration))).one() or 0
    setup = session.exec(select(sa.func.max(t.Equipment.setup))).one() or 0
    cleanup = session.exec(select(sa.func.max(t.Equipment.cleanup))).one() or 0
    return dt.timedelta(minutes=minutes + setup + cleanup)


def overlapping(
    starts: Any, ends: Any, start: dt.datetime, end: dt.datetime, *, longest: dt.timedelta
) -> sa.ColumnElement[bool]:
    """Rows whose span ``[starts, ends)`` overlaps ``[start, end)``, as a two-sided range
    on ``starts`` (which an index on it serves) plus the overlap test itself."""
    return sa.and_(starts < end, starts >= start - longest, ends > start)
