"""The outbox: one row per message to one person, written in the transaction of the change.

A message is ``queued`` until a sender claims it (``sending``, committed before it talks to
the SMTP server), then ``sent``; a failed attempt puts it back to ``queued`` with a later
``next_attempt_at``, and after ``MAX_ATTEMPTS`` it stays ``failed``. A message found in
``sending`` was claimed by a sender that never said how it went (killed, or the machine
went down): it is never sent again by itself (at most once), see labops.notifications.send.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from labops.columns import enum_type, utc


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(SQLModel, table=True):
    """One message to one person."""

    id: int = Field(default=None, primary_key=True)  # None only until flushed
    created_at: dt.datetime = utc()
    actor: str  # whose write queued it
    topic: str  # bookings, request, certificate
    person_id: str = Field(index=True)  # no foreign key: the outbox outlives the people
    recipient: str  # the e-mail address when queued
    subject: str
    body: str
    # Certificates are queued by a command that may run every day: one message per
    # certificate and expiry date, never two.
    once_key: str | None = Field(default=None, unique=True)
    status: MessageStatus = Field(
        default=MessageStatus.QUEUED, sa_type=enum_type(MessageStatus), index=True
    )
    attempts: int = 0
    next_attempt_at: dt.datetime | None = utc(nullable=True)
    last_error: str = ""
    sent_at: dt.datetime | None = utc(nullable=True)
