"""Restoring a backup: the platform's records as they were, the audit trail as it is.

A restore replaces rows, never the database's schema or its audit trail:

1. the backup is copied to a scratch file, brought to this labops's schema there, and
   checked whole (every table, column and index as the migrations make them, foreign keys
   intact), so a file that only looks like a backup is refused before anything changes;
2. in one transaction on the live database, every table but the audit trail and the outbox
   of notifications (what was sent since must not be sent again) is emptied and
   refilled from the scratch copy (the live constraints check every row), the restore is
   recorded with how many events since the backup it undid, and the triggers that keep the
   audit trail append-only are re-created and proved to hold.

If any step fails, the transaction rolls back and the database is as it was. The live audit
trail is never taken from the backup: events after the backup stay (with their ids), and a
backup whose audit rows were edited cannot rewrite history.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from labops.audit import ensure_append_only, record
from labops.columns import self_references
from labops.db import Database, make_engine, storage_error
from labops.errors import InputError, StorageError
from labops.migrate import known_revisions, upgrade
from labops.permissions import Action, Actor, current_actor
from labops.storage.backup import ON_POSTGRESQL
from labops.tables import AuditEvent, Notification, PlatformInfo

_AUDIT = AuditEvent.__tablename__


@dataclass(frozen=True)
class Restored:
    platform: str | None
    undone: int  # events after the backup whose changes the restore undid
    differing: int  # audit rows of the backup that differ from this database's


def restore(
    db: Database, *, actor: Actor, source: Path, now: dt.datetime, other_platform: bool = False
) -> Restored:
    """Replace the live database's records with ``source``'s, then record who did it. A
    backup of another platform is refused unless ``other_platform`` says it is meant."""
    actor.require(Action.MANAGE)
    if db.engine.dialect.name != "sqlite":
        raise StorageError(ON_POSTGRESQL["restore"])
    source = source.expanduser()
    with tempfile.TemporaryDirectory(prefix="labops-restore-") as folder:
        scratch = Path(folder) / "restored.db"
        theirs = _checked_copy(source, scratch)
        with db.read() as session:
            ours = session.get(PlatformInfo, 1)
        if ours is not None and theirs != ours.name and not other_platform:
            raise InputError(
                f"{source}: a backup of {theirs or 'no platform'!r}, not of {ours.name!r} "
                "(use --other-platform to replace this platform with it)"
            )
        return _replace_records(
            db, actor=actor, source=source, scratch=scratch, now=now, platform=theirs,
            same_platform=ours is not None and theirs == ours.name,
        )  # fmt: skip


def _checked_copy(source: Path, scratch: Path) -> str | None:
    """Copy ``source`` to ``scratch`` and bring it to this labops's schema there; refuse it
    unless it is then a whole labops database. The name of the platform it holds."""
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    try:
        origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if origin.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise InputError(f"{source}: the database file is damaged")
            tables = {
                row[0]
                for row in origin.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                raise InputError(f"{source}: not a labops database")
            revision = origin.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] not in known_revisions():
                raise InputError(
                    f"{source}: made by a newer labops (schema {revision and revision[0]})"
                )
            copy = sqlite3.connect(scratch)
            try:
                origin.backup(copy)
            finally:
                copy.close()
        finally:
            origin.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{source}: not an SQLite database ({exc})") from None
    engine = make_engine(f"sqlite:///{scratch}")
    try:
        try:
            upgrade(engine)
        except (sa.exc.SQLAlchemyError, StorageError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise InputError(
                f"{source}: not a labops backup this labops can read ({reason})"
            ) from None
        problems = _schema_problems(engine)
        if problems:
            raise InputError(f"{source}: not a whole labops database: {problems[0]}")
        with engine.connect() as connection:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                raise InputError(f"{source}: table {broken[0]} refers to rows that do not exist")
            platform = connection.exec_driver_sql("SELECT name FROM platform").first()
    finally:
        engine.dispose()
    return platform[0] if platform else None


def _schema_problems(engine: sa.Engine) -> list[str]:
    """How the scratch copy's tables, columns and indexes differ from labops's own."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    return [_describe(difference) for difference in differences]


def _describe(difference: object) -> str:
    if isinstance(difference, tuple) and difference:
        kind, *rest = difference
        target = next((getattr(r, "name", None) for r in rest if hasattr(r, "name")), None)
        if kind == "add_table":
            return f"table {target} is missing"
        if kind == "remove_table":
            return f"table {target} is not labops's"
        if kind == "add_column":
            return f"table {rest[1]} lacks column {rest[2].name}"
        if kind == "remove_column":
            return f"table {rest[1]} has an unknown column {rest[2].name}"
        return f"{kind.replace('_', ' ')} {target or ''}".strip()
    if isinstance(difference, list) and difference:  # a modified column: [(kind, ...)]
        kind, _, table, column, *_ = difference[0]
        return f"column {table}.{column} differs ({kind.replace('_', ' ')})"
    return str(difference)


def _replace_records(
    db: Database,
    *,
    actor: Actor,
    source: Path,
    scratch: Path,
    now: dt.datetime,
    platform: str | None,
    same_platform: bool,
) -> Restored:
    # The live outbox stays too: a backup's copy would send again what was sent since.
    kept = {_AUDIT, Notification.__tablename__}
    tables = [table for table in SQLModel.metadata.sorted_tables if table.name not in kept]
    with db.engine.connect() as connection:
        # ATTACH cannot run inside a transaction: before SQLAlchemy begins one.
        raw = connection.connection.driver_connection
        assert raw is not None  # an open connection has its driver's
        raw.execute("ATTACH DATABASE ? AS restored", (str(scratch),))
        try:
            connection.execution_options(labops_write=True)
            with Session(bind=connection) as session, session.begin():
                actor = current_actor(session, actor)
                actor.require(Action.MANAGE)
                run = session.connection().exec_driver_sql
                run("PRAGMA defer_foreign_keys = ON")
                for table in reversed(tables):
                    for column in self_references(table):
                        run(f'UPDATE main."{table.name}" SET "{column}" = NULL')
                    run(f'DELETE FROM main."{table.name}"')
                for table in tables:
                    names = ", ".join(f'"{column.name}"' for column in table.columns)
                    run(
                        f'INSERT INTO main."{table.name}" ({names}) '
                        f'SELECT {names} FROM restored."{table.name}"'
                    )
                last = run(f"SELECT max(id) FROM restored.{_AUDIT}").scalar() or 0
                undone = run(
                    f"SELECT count(*) FROM main.{_AUDIT} WHERE id > ?", (last,)
                ).scalar_one()
                differing = _differing_audit_rows(run) if same_platform else 0
                record(
                    session,
                    actor=actor.id,
                    at=now,
                    action="database.restore",
                    record_type="database",
                    record_id=str(source),
                    summary=f"restored by {actor.id}; {undone} events since the backup undone",
                    changes={
                        "platform": platform,
                        "events_undone": undone,
                        "backup_audit_rows_differing": differing,
                    },
                )
                session.flush()
                ensure_append_only(session)
        except sa.exc.IntegrityError as exc:
            raise InputError(
                f"{source}: a record breaks a rule of this database ({exc.orig})"
            ) from None
        except sa.exc.OperationalError as exc:
            problem = storage_error(exc, db.where)
            if problem is None:
                raise
            raise problem from exc
        finally:
            raw.execute("DETACH DATABASE restored")
    return Restored(platform=platform, undone=undone, differing=differing)


def _differing_audit_rows(run) -> int:
    """Audit rows of the backup that this database holds otherwise, or not at all (a backup
    of this platform holds the start of its audit trail, unchanged)."""
    fields = ("at", "actor", "action", "record_type", "record_id", "summary", "changes")
    differs = " OR ".join(f"m.{f} IS NOT b.{f}" for f in fields)
    return run(
        f"SELECT count(*) FROM restored.{_AUDIT} b LEFT JOIN main.{_AUDIT} m ON m.id = b.id "
        f"WHERE m.id IS NULL OR {differs}"
    ).scalar()
