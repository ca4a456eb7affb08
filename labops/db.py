"""Where the data lives: the database URL, the engine and its transactions.

SQLite is the default. Every connection turns foreign keys on and uses WAL so readers never
wait for a writer; writes begin IMMEDIATE, so two writers queue at the start of their
transaction instead of failing halfway through it. Nothing connects at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from labops.errors import StorageError

ENV_DB = "LABOPS_DB"
BUSY_TIMEOUT_MS = 15_000


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("labops", appauthor=False)) / "labops.db"


def resolve_url(db: str | None = None) -> str:
    """A database URL from ``--db``, else ``$LABOPS_DB``, else the user's data directory.

    A value with ``://`` is a URL; anything else is a path to an SQLite file.
    """
    value = db or os.environ.get(ENV_DB) or str(default_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if path.is_dir():
        raise StorageError(f"database path {value} is a directory")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for ``url``; SQLite gets its pragmas and explicit transaction control."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, **kwargs)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's events, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("labops_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engine plus the two kinds of transaction the services use."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(labops_write=True)

    @classmethod
    def open(cls, db: str | None = None, *, migrate: bool = True) -> Database:
        database = cls(make_engine(resolve_url(db)))
        if migrate:
            from labops.migrate import upgrade

            upgrade(database.engine)
        return database

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed. Closing it ends the read
        transaction and detaches the rows it loaded, which keep their values."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back otherwise."""
        with Session(self._writer, expire_on_commit=False) as session:
            try:
                with session.begin():
                    yield session
            except sa.exc.OperationalError as exc:
                if "locked" in str(exc.orig):
                    raise StorageError(
                        "the database is busy: another operator is writing, try again"
                    ) from exc
                raise

    def dispose(self) -> None:
        self.engine.dispose()
