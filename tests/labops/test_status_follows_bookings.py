"""A request is 'scheduled' exactly while every task has a booking, whoever changes them,
and each change of its status leaves an audit row."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from labops import tables as t
from labops.audit import AuditEvent
from labops.bookings import service as bookings
from labops.db import Database
from labops.vocabulary import RequestStatus
from tests.conftest import NOW
from tests.labops.test_multiuser import OPERATOR, busy_platform  # noqa: F401 (fixture)

MONDAY_11 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 Berlin


def _book_request_3(db: Database) -> int:
    """Books request 3's only task by hand."""
    return bookings.book_task(
        db,
        actor=OPERATOR,
        request_id=3,
        task_key="prep",
        start=MONDAY_11,
        units=["hoods"],
        people=["dara"],
        now=NOW,
    )


def _request_3(db: Database) -> tuple[RequestStatus, list[dict]]:
    with db.read() as session:
        status = session.get(t.Request, 3).status
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.record_type == "request", AuditEvent.record_id == "3")
            .order_by(AuditEvent.id)
        ).all()
        return status, [e.changes.get("status") for e in events]


def test_a_hand_booking_that_books_the_last_task_schedules_with_an_audit_row(
    db: Database,
    busy_platform,  # noqa: F811
) -> None:
    _book_request_3(db)
    status, changes = _request_3(db)
    assert status == RequestStatus.SCHEDULED
    assert changes[-1] == ["approved", "scheduled"]


def test_cancelling_a_booking_of_a_scheduled_request_approves_it_again(
    db: Database,
    cli,
    busy_platform,  # noqa: F811
) -> None:
    booking_id = _book_request_3(db)
    result = cli("--as", "dara", "booking", "cancel", str(booking_id))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].startswith(
        "request 3 is approved again: task 'prep' has no booking"
    )
    status, changes = _request_3(db)
    assert status == RequestStatus.APPROVED
    assert changes[-2:] == [["approved", "scheduled"], ["scheduled", "approved"]]
