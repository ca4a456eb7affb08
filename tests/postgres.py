"""The PostgreSQL side of the database tests: a server, and a fresh database per test.

The server is ``$LABOPS_TEST_PG`` (a URL of a database on it, as a user who may create
databases; CI sets it), else one on 127.0.0.1:5432 as user postgres if it answers; else
the PostgreSQL runs skip with one line saying how to run them. A URL that is set but does
not answer fails the run instead: CI must not pass by skipping.

Each test process migrates a template database once. A test gets this process's own
database, emptied before the test (every row deleted, id sequences restarted, whatever the
last test left connected ended: a few hundredths of a second, where creating and dropping a
copy of the template takes two seconds, a checkpoint each). Tests that change the schema
take a copy of their own (``fresh_database``), dropped after. Names carry the process id,
so parallel workers and parallel test runs against one server never share a database.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

ENV = "LABOPS_TEST_PG"
LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HOW = (
    f"PostgreSQL tests skipped: no server answered at 127.0.0.1:5432; set {ENV}="
    "postgresql+psycopg://USER@HOST:PORT/DATABASE (a user who may create databases) to run them"
)

# The modules whose database tests run on PostgreSQL too (all their tests that take
# db_path, db or cli, except those marked one_backend).
PG_MODULES = {
    "tests.labops.test_cli_browse",
    "tests.labops.test_control_characters",
    "tests.labops.test_current_actor",
    "tests.labops.test_database_roles",
    "tests.labops.test_demo_flow",
    "tests.labops.test_fixture_errors",
    "tests.labops.test_fixture_io",
    "tests.labops.test_hand_booking",
    "tests.labops.test_hostile_input",
    "tests.labops.test_ical",
    "tests.labops.test_lifecycle",
    "tests.labops.test_migrations",
    "tests.labops.test_limits",
    "tests.labops.test_login_identity",
    "tests.labops.test_long_history",
    "tests.labops.test_multiuser",
    "tests.labops.test_notifications",
    "tests.labops.test_postgres",
    "tests.labops.test_separation_of_duties",
    "tests.labops.test_shifts",
    "tests.labops.test_time_zones",
    "tests.usage.test_charges",
    "tests.usage.test_recording",
}


def runs_on_postgres(metafunc: pytest.Metafunc) -> bool:
    if metafunc.module.__name__ not in PG_MODULES:
        return False
    return metafunc.definition.get_closest_marker("one_backend") is None


class PgUrl(str):
    """The URL of a test's PostgreSQL database, where SQLite tests have a file's path."""

    backend = "postgresql"


class PgServer:
    def __init__(self, url: sa.URL) -> None:
        self.url = url
        self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        self.prefix = f"labops_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.reused = f"{self.prefix}_reused"
        self._numbers = itertools.count(1)
        self._reused_made = False

    def url_of(self, name: str) -> PgUrl:
        # Test data need not survive a crash of the server: commits do not wait for the disk.
        url = self.url.set(database=name, query={"options": "-c synchronous_commit=off"})
        return PgUrl(url.render_as_string(hide_password=False))

    def _run(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def drop_leftovers(self) -> None:
        """Drop the databases of test processes of this machine that were killed before they
        could drop their own (only on a server of this machine: elsewhere, process ids say
        nothing)."""
        if self.url.host not in ("127.0.0.1", "localhost", "::1", None):
            return
        with self.admin.connect() as connection:
            names = connection.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE datname LIKE 'labops\\_test\\_%%'"
            ).scalars()
            for name in list(names):
                pid = name.split("_")[2]
                if pid.isdigit() and not _alive(int(pid)):
                    self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def make_template(self) -> None:
        from labops.db import Database

        self._run(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._run(f'CREATE DATABASE "{self.template}"')
        Database.open(self.url_of(self.template)).dispose()

    def fresh_database(self) -> PgUrl:
        """A database of its own, copied from the template (about a second, dropping it
        another): for tests that change the schema."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url_of(name)

    def emptied_database(self) -> PgUrl:
        """This process's reused database, emptied as the template left it: every row gone
        and every id sequence restarted, in a few hundredths of a second."""
        if not self._reused_made or not self._empty(self.reused):
            self._run(f'DROP DATABASE IF EXISTS "{self.reused}" WITH (FORCE)')
            self._run(f'CREATE DATABASE "{self.reused}" TEMPLATE "{self.template}"')
            self._reused_made = True
        return self.url_of(self.reused)

    def _empty(self, name: str) -> bool:
        """Empty ``name`` in place; False when its schema is not the template's any more."""
        from sqlmodel import SQLModel

        from labops.migrate import DATABASE_ONLY, head_revision

        self._run(  # what the last test left connected (a forked child, an engine not disposed)
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        engine = sa.create_engine(self.url_of(name), poolclass=sa.NullPool)
        try:
            with engine.begin() as connection:
                run = connection.exec_driver_sql
                if run("SELECT version_num FROM alembic_version").scalar() != head_revision():
                    return False
                run("ALTER TABLE audit_event DISABLE TRIGGER USER")  # it is append-only
                for table in sorted(DATABASE_ONLY):
                    run(f'DELETE FROM "{table}"')
                for table in reversed(SQLModel.metadata.sorted_tables):
                    run(f'DELETE FROM "{table.name}"')
                run("ALTER TABLE audit_event ENABLE TRIGGER USER")
                for (sequence,) in run(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
                ).all():
                    run(f"SELECT setval('\"{sequence}\"', 1, false)")
            return True
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        if name != self.reused:
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in (self.reused, self.template):
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def outside(path, sql: str, params: dict | None = None) -> list[tuple]:
    """Run one statement on a test's database as another program would, past labops (named
    parameters: ``:name``); returns its rows."""
    if getattr(path, "backend", "sqlite") == "sqlite":
        import sqlite3

        connection = sqlite3.connect(path)
        try:
            rows = connection.execute(sql, params or {}).fetchall()
            connection.commit()
        finally:
            connection.close()
        return rows
    engine = sa.create_engine(str(path), poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(sql), params or {})
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: sa.URL) -> bool:
    engine = sa.create_engine(url, poolclass=sa.NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The test server, with this process's migrated template database."""
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError:
        pytest.skip("PostgreSQL tests skipped: no psycopg; pip install -e '.[dev]'")
    from labops.db import database_url

    given = os.environ.get(ENV)
    url = database_url(given or LOCAL)
    if not _answers(url):
        if given:
            pytest.fail(f"{ENV}={url.render_as_string(hide_password=True)} does not answer")
        pytest.skip(HOW)
    server = PgServer(url)
    server.drop_leftovers()
    server.make_template()
    try:
        yield server
    finally:
        server.close()
