"""Reading the audit trail: who did what, when, to which record, and what changed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError
from labops.localtime import local_text
from labops.permissions import Action, Actor
from labops.records.catalog import platform_info
from labops.views import Listing, columns

MAX_ROWS = 10_000


def audit_events(
    db: Database,
    *,
    actor: Actor,
    since: dt.datetime | None = None,
    who: str | None = None,
    record: str | None = None,
    action: str | None = None,
    limit: int = 200,
) -> Listing:
    """Audit events, newest first. ``record`` is ``TYPE`` or ``TYPE:ID`` (``booking:12``)."""
    actor.require(Action.AUDIT)
    if not 1 <= limit <= MAX_ROWS:
        raise InputError(f"--limit must be between 1 and {MAX_ROWS}")
    query = select(t.AuditEvent).order_by(col(t.AuditEvent.id).desc()).limit(limit)
    if since is not None:
        query = query.where(t.AuditEvent.at >= since)
    if who:
        # An admin's impersonations count as theirs too.
        query = query.where(
            sa.or_(col(t.AuditEvent.actor) == who, col(t.AuditEvent.impersonated_by) == who)
        )
    if action:
        query = query.where(col(t.AuditEvent.action).startswith(action))
    if record:
        record_type, _, record_id = record.partition(":")
        query = query.where(t.AuditEvent.record_type == record_type)
        if record_id:
            query = query.where(t.AuditEvent.record_id == record_id)
    with db.read() as session:
        tz = platform_info(session).timezone
        events = list(session.exec(query))
    return Listing(
        "Audit trail",
        columns(
            "id:Id#",
            "at:When",
            "actor:Who",
            "action:Action",
            "record:Record",
            "summary:Summary",
            "changes:Changes",
        ),
        [
            {
                "id": e.id,
                "at": local_text(e.at, tz),
                "actor": f"{e.actor} (by {e.impersonated_by})" if e.impersonated_by else e.actor,
                "action": e.action,
                "record": f"{e.record_type}:{e.record_id}",
                "summary": e.summary,
                "changes": e.changes or {},  # a table shows it as JSON text
            }
            for e in events
        ],
    )
