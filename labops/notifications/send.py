"""Delivering the outbox by SMTP: each message at most once.

For each message due, one transaction claims it (``queued`` -> ``sending``, an attempt
counted) and commits before labops talks to the SMTP server; a second transaction marks it
``sent``, or puts it back to ``queued`` with a later ``next_attempt_at`` when the server
refused it or the connection failed. A sender killed between the two leaves the message in
``sending``: it may or may not have arrived, and labops never sends it again by itself (at
most once: a person misses a message rather than gets it twice). ``labops notify list``
shows such messages as interrupted and ``labops notify retry ID`` queues one again, on
purpose. Its Message-ID comes from the outbox id, so a copy that arrives twice after a retry
is the same message to the mail programs that look.

The one window where a message may arrive and still be retried by itself: the connection
drops after the server received the whole message but before it said it accepted it
(RFC 1047). The server then did not take responsibility for it; labops retries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

from sqlmodel import col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError, LabopsError
from labops.notifications.model import MessageStatus
from labops.permissions import Action, Actor, current_actor

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=5)  # then 10, 20, 40 minutes ... at most a day
LONGEST_WAIT = dt.timedelta(days=1)
SECURITY = ("starttls", "tls", "none")


class DeliveryError(LabopsError):
    """Some messages could not be delivered now; they stay queued for a later run."""

    exit_code = 75  # EX_TEMPFAIL: a cron job's "try again later"


@dataclass(frozen=True)
class SmtpConfig:
    """Where to deliver: ``$LABOPS_SMTP_HOST`` and the other ``LABOPS_SMTP_*`` variables."""

    host: str
    port: int
    security: str  # starttls, tls (SMTPS) or none
    sender: str
    user: str = ""
    password: str = ""
    cafile: str = ""  # the CA certificates to trust instead of the system's (a private CA)
    timeout: float = 30.0

    def tls(self) -> ssl.SSLContext:
        """Verifies the server's certificate and name, as a mail client should."""
        return ssl.create_default_context(cafile=self.cafile or None)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpConfig:
        env = os.environ if environ is None else environ
        host = env.get("LABOPS_SMTP_HOST", "")
        sender = env.get("LABOPS_SMTP_FROM", "")
        if not host or not sender:
            raise InputError(
                "notify send needs LABOPS_SMTP_HOST and LABOPS_SMTP_FROM (and LABOPS_SMTP_PORT, "
                "LABOPS_SMTP_SECURITY=starttls|tls|none, LABOPS_SMTP_USER, LABOPS_SMTP_PASSWORD, "
                "LABOPS_SMTP_CAFILE)"
            )
        security = env.get("LABOPS_SMTP_SECURITY", "starttls")
        if security not in SECURITY:
            raise InputError(f"LABOPS_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        try:
            port = int(env.get("LABOPS_SMTP_PORT", default_port))
        except ValueError:
            raise InputError("LABOPS_SMTP_PORT must be a port number") from None
        return cls(
            host=host,
            port=port,
            security=security,
            sender=sender,
            user=env.get("LABOPS_SMTP_USER", ""),
            password=env.get("LABOPS_SMTP_PASSWORD", ""),
            cafile=env.get("LABOPS_SMTP_CAFILE", ""),
        )


@dataclass(frozen=True)
class SendSummary:
    sent: int
    failed: int  # put back to retry later, or given up after MAX_ATTEMPTS
    error: str = ""  # the last failure, in one line


def message_id(message: t.Notification, sender: str) -> str:
    """The Message-ID of an outbox row: the same for every attempt at it."""
    domain = sender.rpartition("@")[2] or "labops.invalid"
    return f"<labops-notification-{message.id}@{domain}>"


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after ``attempts`` failed attempts: doubling, at most a day."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def send_due(
    db: Database, *, actor: Actor, config: SmtpConfig, now: dt.datetime, limit: int = 1000
) -> SendSummary:
    """Deliver the messages due now (queued, and past their next attempt), oldest first."""
    actor.require(Action.NOTIFY)
    with db.read() as session:
        due = list(
            session.exec(
                select(t.Notification.id)
                .where(t.Notification.status == MessageStatus.QUEUED)
                .where(
                    col(t.Notification.next_attempt_at).is_(None)
                    | (col(t.Notification.next_attempt_at) <= now)
                )
                .order_by(col(t.Notification.id))
                .limit(limit)
            )
        )
    if not due:
        return SendSummary(0, 0)
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        # Nothing was claimed: every message due stays queued, with one more attempt.
        error = _one_line(exc)
        for message_id_ in due:
            _failed(db, message_id_, error=error, now=now, claimed=False)
        return SendSummary(0, len(due), error)
    sent = failed = 0
    error = ""
    try:
        for number in due:
            message = _claim(db, number, actor=actor, now=now)
            if message is None:  # another sender took it meanwhile
                continue
            try:
                smtp.send_message(_email(message, config, now))
            except (OSError, smtplib.SMTPException) as exc:
                error = _one_line(exc)
                _failed(db, number, error=error, now=now, claimed=True)
                failed += 1
                gone = not isinstance(exc, smtplib.SMTPException)  # a socket error
                if gone or isinstance(exc, smtplib.SMTPServerDisconnected):
                    break  # the connection is gone: the rest waits for the next run
                continue
            _sent(db, number, now=now)
            sent += 1
    finally:
        # The server may have hung up already; what it accepted is marked sent.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return SendSummary(sent, failed, error)


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=config.tls()
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            smtp.starttls(context=config.tls())
    if config.user:
        smtp.login(config.user, config.password)
    return smtp


def _email(message: t.Notification, config: SmtpConfig, now: dt.datetime) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id(message, config.sender)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    email.set_content(message.body)
    return email


def _claim(db: Database, number: int, *, actor: Actor, now: dt.datetime) -> t.Notification | None:
    """Mark the message as being sent, in a transaction of its own, committed before any
    byte goes to the server."""
    with db.write() as session:
        current_actor(session, actor).require(Action.NOTIFY)
        message = session.get(t.Notification, number)
        if message is None or message.status != MessageStatus.QUEUED:
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.next_attempt_at = now
        session.add(message)
        return message


def _sent(db: Database, number: int, *, now: dt.datetime) -> None:
    with db.write() as session:
        message = session.get_one(t.Notification, number)
        message.status = MessageStatus.SENT
        message.sent_at = now
        message.last_error = ""
        session.add(message)


def _failed(db: Database, number: int, *, error: str, now: dt.datetime, claimed: bool) -> None:
    """Back to the queue with a later next attempt, or failed for good after MAX_ATTEMPTS."""
    with db.write() as session:
        message = session.get_one(t.Notification, number)
        if not claimed:
            if message.status != MessageStatus.QUEUED:
                return
            message.attempts += 1
        given_up = message.attempts >= MAX_ATTEMPTS
        message.status = MessageStatus.FAILED if given_up else MessageStatus.QUEUED
        message.next_attempt_at = None if given_up else now + backoff(message.attempts)
        message.last_error = error[:500]
        session.add(message)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]
