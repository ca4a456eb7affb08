"""Ids a replaced platform never used: ``load --replace`` numbers the records whose ids a
platform file does not give (bookings, downtime) after every id the database held or its
audit trail names, so that `audit --record booking:150` and calendar entries keep meaning
one record across loads."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from labops import tables as t
from labops.audit import AuditEvent

# The record type the audit trail names each one by.
NUMBERED: dict[str, type[t.Booking] | type[t.Downtime]] = {
    "booking": t.Booking,
    "downtime": t.Downtime,
}


def fresh_ids(session: Session) -> dict[str, Iterator[int]]:
    """For each record type of ``NUMBERED``, the ids to number its loaded rows with: read
    before the old platform is cleared."""
    out: dict[str, Iterator[int]] = {}
    for record_type, table in NUMBERED.items():
        held = session.exec(select(func.max(col(table.id)))).one() or 0
        named = (
            session.exec(
                select(func.max(sa.cast(col(AuditEvent.record_id), sa.Integer))).where(
                    AuditEvent.record_type == record_type
                )
            ).one()
            or 0
        )
        out[record_type] = count(max(held, named) + 1)
    return out
