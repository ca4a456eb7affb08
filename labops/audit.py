"""The audit trail: every write records who did what, when, in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from labops.tables import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    at: dt.datetime,
    action: str,
    record_type: str,
    record_id: str | int,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session's transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        summary=summary,
        changes=_jsonable(changes or {}),
    )
    session.add(event)
    return event


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
