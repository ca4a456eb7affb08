"""A request's status follows its bookings: 'scheduled' means every task has a live booking.

Planning commits keep this (labops.planning.commit); so must the hand changes of single
bookings, and each status change leaves an audit row as a commit's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import record
from labops.vocabulary import ACTIVE_BOOKING, RequestStatus


def unbooked_tasks(session: Session, request_id: int) -> list[str]:
    """The keys of the request's tasks that hold no live or finished booking."""
    booked = select(t.Booking.task_id).where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    return list(
        session.exec(
            select(t.Task.key)
            .where(t.Task.request_id == request_id)
            .where(col(t.Task.id).not_in(booked))
            .order_by(col(t.Task.id))
        ).all()
    )


def set_request_status(
    session: Session,
    request: t.Request,
    status: RequestStatus,
    *,
    actor: str,
    now: dt.datetime,
    why: str,
) -> None:
    """Change a request's status with its audit row."""
    old = request.status
    request.status = status
    session.add(request)
    record(
        session,
        actor=actor,
        at=now,
        action=f"request.{status.value}",
        record_type="request",
        record_id=request.id,
        summary=why,
        changes={"status": [old.value, status.value]},
    )


def reopen_unbooked(
    session: Session, request_ids: Iterable[int], *, actor: str, now: dt.datetime, why: str
) -> dict[int, list[str]]:
    """Scheduled requests left with an unbooked task go back to approved, so that the next
    plan places the task again; returns each one's unbooked task keys."""
    reopened: dict[int, list[str]] = {}
    for request_id in sorted(set(request_ids)):
        request = session.get(t.Request, request_id)
        if request is None or request.status != RequestStatus.SCHEDULED:
            continue
        missing = unbooked_tasks(session, request_id)
        if not missing:
            continue
        tasks = ", ".join(repr(key) for key in missing)
        has = "task {} has" if len(missing) == 1 else "tasks {} have"
        note = f"{why}: {has.format(tasks)} no booking"
        set_request_status(session, request, RequestStatus.APPROVED, actor=actor, now=now, why=note)
        reopened[request_id] = missing
    return reopened
