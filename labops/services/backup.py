"""Backups with SQLite's online backup API: a consistent copy while others keep working."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from pathlib import Path

from labops.audit import record
from labops.db import Database
from labops.errors import InputError, StorageError
from labops.migrate import head_revision, upgrade
from labops.permissions import Action, Actor
from labops.tables import PlatformInfo


def _sqlite_connection(db: Database):
    if db.engine.dialect.name != "sqlite":
        raise StorageError("backup and restore work on SQLite; use pg_dump for PostgreSQL")
    return db.engine.raw_connection()


def export_text(db: Database, *, actor: Actor) -> str:
    """The whole platform as a platform file: every booking with its people, every budget
    and rate, so a copy like a backup (operators and admins)."""
    from labops.fixture.dump import export_platform, to_toml

    actor.require(Action.BACKUP)
    with db.read() as session:
        return to_toml(export_platform(session))


def backup(db: Database, *, actor: Actor, target: Path, now: dt.datetime) -> int:
    """Copy the live database to ``target`` (written atomically); returns its size. The
    backup is recorded once the copy is in place, so a copy that failed (a full disk, a
    folder that cannot be written) is not recorded as made."""
    actor.require(Action.BACKUP)
    target = target.expanduser()
    if target.is_dir() or not target.parent.exists():
        raise InputError(f"cannot write a backup to {target}")
    raw = _sqlite_connection(db)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(fd)
        copy = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StorageError(f"cannot write a backup to {target}: {reason}; no backup made") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    with db.write() as session:
        record(
            session,
            actor=actor.id,
            at=now,
            action="database.backup",
            record_type="database",
            record_id=str(target),
        )
    return target.stat().st_size


def check_backup(source: Path) -> str | None:
    """Refuse a file that is not an intact labops database this version can read; the name
    of the platform it holds (None when it holds none)."""
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise InputError(f"{source}: the database file is damaged")
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"alembic_version", "platform", "audit_event"} <= tables:
                raise InputError(f"{source}: not a labops database")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            platform = connection.execute("SELECT name FROM platform").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{source}: not an SQLite database ({exc})") from None
    if revision is None or revision[0] > (head_revision() or ""):
        raise InputError(f"{source}: made by a newer labops (schema {revision and revision[0]})")
    return platform[0] if platform else None


def restore(
    db: Database, *, actor: Actor, source: Path, now: dt.datetime, other_platform: bool = False
) -> None:
    """Replace the live database's contents with ``source``, then record who did it. A
    backup of another platform is refused unless ``other_platform`` says it is meant."""
    actor.require(Action.MANAGE)
    source = source.expanduser()
    theirs = check_backup(source)
    with db.read() as session:
        ours = session.get(PlatformInfo, 1)
    if ours is not None and theirs != ours.name and not other_platform:
        raise InputError(
            f"{source}: a backup of {theirs or 'no platform'!r}, not of {ours.name!r} "
            "(use --other-platform to replace this platform with it)"
        )
    raw = _sqlite_connection(db)
    try:
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(raw.driver_connection)
        finally:
            origin.close()
    finally:
        raw.close()
    db.engine.dispose()  # pooled connections may hold pages of the old contents
    upgrade(db.engine)
    with db.write() as session:
        record(
            session,
            actor=actor.id,
            at=now,
            action="database.restore",
            record_type="database",
            record_id=str(source),
            summary=f"restored by {actor.id}",
        )
