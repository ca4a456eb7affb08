"""Where the data lives: the database URL, the engine and its transactions.

SQLite is the default. Every connection turns foreign keys on and uses WAL so readers never
wait for a writer; writes begin IMMEDIATE, so two writers queue at the start of their
transaction instead of failing halfway through it. Nothing connects at import time.

PostgreSQL (a ``postgresql+psycopg://`` URL, ``pip install 'labops[postgres]'``) keeps the
same two promises: reads see one snapshot (REPEATABLE READ), and every write transaction
first takes the platform's write lock (a transaction-scoped advisory lock), then reads
and writes at READ COMMITTED, so it sees every write committed before it and writers queue
exactly as SQLite's ``BEGIN IMMEDIATE`` makes them. A plan commit's fingerprint check and
a hand booking's re-check therefore cannot be raced; the database also refuses two live
bookings of one unit at once (an exclusion constraint, migration 0020).

Only the commands that make a platform (init, load, demo) create a database; the others
open a labops database or refuse, so a mistyped ``--db`` or another application's SQLite
file is never changed. A database that cannot be written (asked for, or on a read-only
file system) is opened read-only, and storage failures are one line saying what and where.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from labops.errors import Conflict, StorageError

ENV_DB = "LABOPS_DB"
BUSY_TIMEOUT_MS = 15_000
CREATE_HINT = "create one with 'labops init', 'labops load FILE' or 'labops demo'"
# The backends labops runs on, with the extra that brings each one's driver.
BACKENDS = {"sqlite": None, "postgresql": "postgres"}
DEFAULT_DRIVERS = {"postgresql": "psycopg", "postgres": "psycopg"}
# PostgreSQL: the advisory lock every write transaction takes first ("labops" in ASCII).
WRITE_LOCK = 0x6C61626F7073
# The exclusion constraint that refuses two live bookings of one unit at once (0020).
NO_DOUBLE_BOOKING = "unit_busy_no_overlap"


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
    return f"sqlite:///{path}"


def database_url(url: str) -> sa.URL:
    """``url`` parsed, on a backend labops runs on, with its default driver named."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StorageError(
            f"--db {url!r} is neither a file nor a database URL "
            "(e.g. postgresql+psycopg://USER@HOST:5432/DATABASE)"
        ) from None
    backend = parsed.get_backend_name()
    if parsed.drivername in DEFAULT_DRIVERS:  # postgresql:// means psycopg 3 on any SQLAlchemy
        parsed = parsed.set(drivername=f"postgresql+{DEFAULT_DRIVERS[parsed.drivername]}")
        backend = "postgresql"
    if backend not in BACKENDS:
        raise StorageError(
            f"labops runs on SQLite and PostgreSQL, not {backend}: "
            "give --db a file or a postgresql+psycopg:// URL"
        )
    return parsed


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory ones)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def check_file(path: Path, *, create: bool) -> None:
    """Refuse to open ``path`` unless it is a labops database, or (with ``create``) a file
    that does not exist yet or holds no tables. Reads it read-only: a refused file is left
    exactly as it was."""
    if not path.exists():
        if not create:
            raise StorageError(f"no labops database at {path.absolute()}: {CREATE_HINT}")
        if not path.parent.is_dir():
            if path == default_path():
                path.parent.mkdir(parents=True, exist_ok=True)
            else:
                raise StorageError(f"cannot create a database at {path}: no folder {path.parent}")
        return
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if "unable to open" in str(exc):
            return  # e.g. WAL on a read-only file system: the real open says more
        raise StorageError(f"{path} is not a labops database ({exc})") from None
    _refuse_others(
        tables, create, f"{path}", f"{path} is not a labops database (it is empty): {CREATE_HINT}"
    )


def _refuse_others(tables: set[str], create: bool, where: str, empty: str) -> None:
    """Refuses a database that is not labops's by its tables: ``empty`` says so of one with
    none (unless it is to be created), the other tables are named otherwise."""
    if "alembic_version" in tables and "platform" in tables:
        return
    if not tables:
        if create:
            return
        raise StorageError(empty)
    shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    raise StorageError(
        f"{where} is not a labops database (it holds other tables: {shown}); choose another --db"
    )


def writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` (and the -wal and -shm files beside it)."""
    folder = path.parent
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return False
    try:
        return not os.statvfs(folder).f_flag & os.ST_RDONLY
    except OSError:
        return True


def read_only_url(path: Path) -> str:
    """A URL that opens ``path`` for reading only. On a read-only file system no other
    process can change it, so SQLite may read it without its -shm file (immutable)."""
    uri = quote(str(path.resolve()))
    on_read_only_fs = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    return f"sqlite:///file:{uri}?mode=ro{'&immutable=1' if on_read_only_fs else ''}&uri=true"


def storage_error(exc: sa.exc.DBAPIError, where: str) -> StorageError | None:
    """The one line for a storage failure the database reported, or None for other errors."""
    message = str(exc.orig).lower()
    if "locked" in message or "busy" in message or "lock timeout" in message:
        return StorageError("the database is busy: another operator is writing, try again")
    if "readonly" in message or "read-only" in message:
        return StorageError(f"the database {where} is read-only: nothing was written")
    if "disk is full" in message or "database or disk is full" in message:
        return StorageError(f"the disk holding {where} is full: nothing was written")
    if "disk i/o error" in message:
        return StorageError(f"cannot write {where}: disk I/O error; nothing was written")
    if "unable to open" in message:
        return StorageError(f"cannot open the database {where}: {exc.orig}")
    if type(exc.orig).__module__.startswith("psycopg"):  # the server or the connection to it
        reason = " ".join(str(exc.orig).split()) or type(exc.orig).__name__
        return StorageError(f"the database {where} failed: {reason}; nothing was written")
    return None


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine for ``url``; SQLite gets its pragmas and explicit transaction control,
    PostgreSQL snapshot reads and the write lock (see the module's docstring)."""
    if not url.startswith("sqlite"):
        return _server_engine(database_url(url), **kwargs)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
    read_only = "mode=ro" in url

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's events, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        in_memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")
        if not in_memory and not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("labops_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _server_engine(url: sa.URL, **kwargs: Any) -> sa.Engine:
    backend = url.get_backend_name()
    try:
        engine = sa.create_engine(url, isolation_level="REPEATABLE READ", **kwargs)
    except (ModuleNotFoundError, sa.exc.NoSuchModuleError) as exc:
        missing = getattr(exc, "name", None) or url.get_driver_name()
        hint = "pip install 'labops[postgres]'"
        if missing != DEFAULT_DRIVERS["postgresql"]:
            hint += " and use a postgresql+psycopg:// URL"
        raise StorageError(f"no {backend} driver ({missing}) is installed: {hint}") from None

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get("labops_write", False):
            # The first statement of the transaction: every read after it sees what the
            # writers before committed (READ COMMITTED, set on the writer's connections).
            # As SQLite's busy timeout: a writer that waits this long says the database is busy.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def check_server(engine: sa.Engine, *, create: bool) -> None:
    """Refuse a server database unless it holds labops's tables, or (with ``create``) no
    tables at all; it is only read. A server that cannot be reached is one line."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
    except sa.exc.DBAPIError as exc:
        reason = " ".join(str(exc.orig).split()) or type(exc.orig).__name__
        raise StorageError(f"cannot open the database {where}: {reason}") from None
    _refuse_others(
        tables, create, where, f"no labops database at {where} (it is empty): {CREATE_HINT}"
    )


def _conflict(exc: sa.exc.IntegrityError) -> Conflict | None:
    """The one line for the database's own refusal of a double booking, else None."""
    diag = getattr(exc.orig, "diag", None)
    if diag is None or getattr(diag, "constraint_name", None) != NO_DOUBLE_BOOKING:
        return None
    # e.g. Key (equipment_id, busy)=(sem-1, ["2026-11-30 08:15:00","2026-11-30 09:45:00"))
    found = re.search(r'\)=\((.+?), [\[(]"([\d-]+ [\d:]{5})', diag.message_detail or "")
    unit, since = found.groups() if found else ("a unit", None)
    when = f" (from {since} UTC)" if since else ""
    return Conflict(
        f"{unit} would hold two live bookings at once{when}: the database refuses double "
        "bookings; nothing written"
    )


def follow_written_ids(session: Session) -> None:
    """PostgreSQL: move each table's id sequence past the ids written explicitly (a platform
    file keeps its requests' ids), so the next new row gets a fresh id. SQLite picks the next
    id from the table itself and needs nothing."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
            f'coalesce(max("{column.name}"), 0) + 1, false) FROM "{table.name}"'
        )


class Database:
    """The engine plus the two kinds of transaction the services use."""

    def __init__(
        self, engine: sa.Engine, *, where: str | None = None, read_only: bool = False
    ) -> None:
        self.engine = engine
        if engine.dialect.name == "sqlite":
            self._writer = engine.execution_options(labops_write=True)
        else:
            self._writer = engine.execution_options(
                labops_write=True, isolation_level="READ COMMITTED"
            )
        self.where = where or self.url  # the file, as storage errors name it
        self.read_only = read_only or "mode=ro" in str(engine.url)

    @classmethod
    def open(
        cls,
        db: str | None = None,
        *,
        migrate: bool = True,
        create: bool = True,
        read_only: bool = False,
    ) -> Database:
        """The database named by ``db`` (see resolve_url). Without ``create``, anything but
        an existing labops database is refused; with ``read_only``, or when the file cannot
        be written, it is opened for reading only."""
        url = resolve_url(db)
        path = sqlite_path(url)
        if path is None:
            engine = make_engine(url)
            if engine.dialect.name != "sqlite":
                check_server(engine, create=create and not read_only)
                if read_only:
                    engine = engine.execution_options(postgresql_readonly=True)
            database = cls(engine, read_only=read_only)
        else:
            check_file(path, create=create and not read_only)
            if read_only or (path.exists() and not writable(path)):
                database = cls(make_engine(read_only_url(path)), where=str(path))
            else:
                database = cls(make_engine(url), where=str(path))
        if migrate:
            from labops.migrate import upgrade

            upgrade(database.engine, read_only=database.read_only)
        return database

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed. Closing it ends the read
        transaction and detaches the rows it loaded, which keep their values."""
        with Session(self.engine) as session, self._storage_errors():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back otherwise."""
        if self.read_only:
            raise StorageError(f"the database {self.where} is open read-only: nothing was written")
        with Session(self._writer, expire_on_commit=False) as session, self._storage_errors():
            try:
                with session.begin():
                    yield session
            except sa.exc.IntegrityError as exc:
                conflict = _conflict(exc)
                if conflict is None:
                    raise
                raise conflict from exc

    @contextmanager
    def _storage_errors(self) -> Iterator[None]:
        """The database's OperationalError as the one line a person sees (StorageError:
        a full disk, a read-only file...), where there is one."""
        try:
            yield
        except sa.exc.OperationalError as exc:
            problem = storage_error(exc, self.where)
            if problem is None:
                raise
            raise problem from exc

    def dispose(self) -> None:
        self.engine.dispose()
