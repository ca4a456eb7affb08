"""The audit trail: every write records who did what, when, in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, Session, SQLModel

from labops.columns import utc
from labops.errors import StorageError

IMPERSONATED_BY = "labops_impersonated_by"  # the session.info key


class AuditEvent(SQLModel, table=True):
    """Who did what, when, to which record; ``changes`` holds before/after of fields."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_record", "record_type", "record_id"),)
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    at: dt.datetime = utc(index=True)
    actor: str = Field(index=True)
    # The admin who acted as ``actor`` (--as on a platform with login identity), else None.
    impersonated_by: str | None = None
    action: str
    record_type: str
    record_id: str
    summary: str = ""
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


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
        # labops.permissions.current_actor notes an impersonating admin on the session.
        impersonated_by=session.info.get(IMPERSONATED_BY),
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


# The triggers that make the audit trail append-only in SQLite (created by migration 0002;
# a restore re-creates and checks them, so no database file can take them away).
APPEND_ONLY_MESSAGE = "audit events cannot be changed or deleted"
APPEND_ONLY_TRIGGERS = {
    f"audit_event_no_{verb.lower()}": (
        f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )
    for verb in ("UPDATE", "DELETE")
}


def ensure_append_only(session: Session) -> None:
    """(Re-)create the append-only triggers in the session's transaction, then prove they
    hold: changing an audit row must fail. Raises StorageError otherwise."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    for name, sql in APPEND_ONLY_TRIGGERS.items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(sql)
    for statement in (
        "UPDATE audit_event SET actor = actor WHERE id = (SELECT max(id) FROM audit_event)",
        "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
    ):
        savepoint = connection.begin_nested()
        try:
            connection.exec_driver_sql(statement)
        except sa.exc.DatabaseError as exc:
            if APPEND_ONLY_MESSAGE not in str(exc.orig):
                raise
            savepoint.rollback()
            continue
        savepoint.rollback()
        raise StorageError("the audit trail is not append-only: its triggers did not take")
