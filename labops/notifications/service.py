"""The outbox as people handle it: list it, queue certificate reminders, retry a message."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from labops import tables as t
from labops.audit import record
from labops.db import Database
from labops.errors import Conflict, InputError, NotFound
from labops.localtime import local_text, to_local
from labops.notifications.model import MessageStatus
from labops.notifications.queue import queue_certificate
from labops.permissions import Action, Actor, current_actor
from labops.records.catalog import platform_info
from labops.views import Listing, columns

EXPIRY_WARNING_DAYS = 30
STATUSES = tuple(status.value for status in MessageStatus)


def list_messages(
    db: Database, *, actor: Actor, status: str | None = None, limit: int = 200
) -> Listing:
    """The outbox, newest first: everything for operators and admins, one's own otherwise.
    A message still ``sending`` was claimed by a sender that never finished (see
    labops.notifications.send): it shows as interrupted."""
    if status is not None and status not in STATUSES:
        raise InputError(f"--status must be one of {', '.join(STATUSES)}")
    query = select(t.Notification).order_by(col(t.Notification.id).desc()).limit(limit)
    if status is not None:
        query = query.where(t.Notification.status == status)
    if not actor.can(Action.NOTIFY):
        query = query.where(t.Notification.person_id == actor.id)
    with db.read() as session:
        tz = platform_info(session).timezone
        rows = list(session.exec(query))
    return Listing(
        "Notifications",
        columns(
            "id:Id#",
            "queued:Queued",
            "to:To",
            "subject:Subject",
            "status:Status",
            "attempts:Attempts#",
            "next:Next attempt",
            "error:Last error",
        ),
        [
            {
                "id": m.id,
                "queued": local_text(m.created_at, tz),
                "to": f"{m.person_id} <{m.recipient}>",
                "subject": m.subject,
                "status": "sending (interrupted?)"
                if m.status == MessageStatus.SENDING
                else m.status.value,
                "attempts": m.attempts,
                "next": local_text(m.next_attempt_at, tz)
                if m.status == MessageStatus.QUEUED
                else None,
                "error": m.last_error,
            }
            for m in rows
        ],
        note="a message shown as sending was claimed by a send that never finished: it may have "
        "arrived; `labops notify retry ID` sends it again"
        if any(m.status == MessageStatus.SENDING for m in rows)
        else "",
    )


def message_text(db: Database, *, actor: Actor, message_id: int) -> str:
    """One message as it is sent: subject and body."""
    with db.read() as session:
        message = session.get(t.Notification, message_id)
        if message is None or not (actor.can(Action.NOTIFY) or message.person_id == actor.id):
            raise NotFound(f"no notification {message_id}")
        return f"To: {message.recipient}\nSubject: {message.subject}\n\n{message.body}\n"


def queue_expiring_certificates(
    db: Database, *, actor: Actor, now: dt.datetime, days: int = EXPIRY_WARNING_DAYS
) -> int:
    """Queue a reminder for each certificate that ends within ``days`` (and has not ended):
    one per certificate and expiry date, however often this runs. Returns how many."""
    actor.require(Action.NOTIFY)
    if not 1 <= days <= 366:
        raise InputError("--days must be between 1 and 366")
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.NOTIFY)
        today = to_local(now, platform_info(session).timezone).date()
        last = today + dt.timedelta(days=days)
        rows = session.exec(
            select(t.Certification, t.Kind)
            .join(t.Kind, col(t.Kind.id) == t.Certification.kind_id)
            .where(t.Certification.expires >= today, t.Certification.expires <= last)
            .order_by(t.Certification.person_id, t.Certification.kind_id)
        ).all()
        queued = sum(
            queue_certificate(session, cert, kind_name=kind.name, today=today, by=actor, now=now)
            for cert, kind in rows
        )
        if queued:
            record(
                session,
                actor=actor.id,
                at=now,
                action="notify.certificates",
                record_type="notification",
                record_id="certificates",
                summary=f"{queued} certificate reminders queued (within {days} days)",
            )
        return queued


def retry_message(db: Database, *, actor: Actor, message_id: int, now: dt.datetime) -> None:
    """Queue again a message that failed for good, or one a killed send left in ``sending``
    (it may have arrived: the person may get it twice, with the same Message-ID)."""
    actor.require(Action.NOTIFY)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.NOTIFY)
        message = session.get(t.Notification, message_id)
        if message is None:
            raise NotFound(f"no notification {message_id}")
        if message.status not in (MessageStatus.SENDING, MessageStatus.FAILED):
            raise Conflict(
                f"notification {message_id} is {message.status.value}: only a failed or "
                "interrupted (sending) message can be retried"
            )
        old = message.status
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = None
        message.attempts = 0
        session.add(message)
        record(
            session,
            actor=actor.id,
            at=now,
            action="notify.retry",
            record_type="notification",
            record_id=message_id,
            changes={"status": [old.value, MessageStatus.QUEUED.value]},
        )
