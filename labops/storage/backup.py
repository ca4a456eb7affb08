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
from labops.permissions import Action, Actor, current_actor

# What to use instead on PostgreSQL, where the server's own tools make consistent copies.
ON_POSTGRESQL = {
    "backup": "labops backup copies SQLite databases: back up a PostgreSQL platform with "
    "pg_dump --format=custom (it keeps the audit trail); see the README",
    "restore": "labops restore puts back SQLite backups: restore a PostgreSQL platform from "
    "pg_dump's file with pg_restore, keeping the audit trail since (see the README)",
}


def _sqlite_connection(db: Database):
    if db.engine.dialect.name != "sqlite":
        raise StorageError(ON_POSTGRESQL["backup"])
    return db.engine.raw_connection()


def export_text(db: Database, *, actor: Actor) -> str:
    """The whole platform as a platform file: every booking with its people, every budget
    and rate, so a copy like a backup (operators and admins)."""
    from labops.platform.dump import export_platform, to_toml

    actor.require(Action.BACKUP)
    with db.read() as session:
        return to_toml(export_platform(session))


def backup(
    db: Database, *, actor: Actor, target: Path, now: dt.datetime, replace: bool = False
) -> int:
    """Copy the live database to ``target`` (written atomically); returns its size. The
    backup is recorded once the copy is in place, so a copy that failed (a full disk, a
    folder that cannot be written) is not recorded as made."""
    with db.read() as session:
        actor = current_actor(session, actor)
    actor.require(Action.BACKUP)
    target = target.expanduser()
    if target.is_dir() or not target.parent.exists():
        raise InputError(f"cannot write a backup to {target}")
    if target.exists() and not replace:  # last Monday's backup is not lost by a typo
        raise InputError(f"{target} exists: give --replace to write over it")
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
        actor = current_actor(session, actor)
        record(
            session,
            actor=actor.id,
            at=now,
            action="database.backup",
            record_type="database",
            record_id=str(target),
        )
    return target.stat().st_size
