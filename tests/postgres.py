"""The PostgreSQL side of the database tests: a server, and a fresh database per test.

The server is ``$LABOPS_TEST_PG`` (a URL of a database on it, as a user who may create
databases; CI sets it), else one on 127.0.0.1:5432 as user postgres if it answers; else
the PostgreSQL runs skip with one line saying how to run them. A URL that is set but does
not answer fails the run instead: CI must not pass by skipping.

Each test gets its own database, copied from a template that this test process migrated
once (``CREATE DATABASE ... TEMPLATE``: a fraction of a second, where migrating takes a
few), and dropped after it. Names carry the process id, so parallel workers and parallel
test runs against one server never share a database.
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
    "tests.labops.test_multiuser",
    "tests.labops.test_hand_booking",
    "tests.labops.test_lifecycle",
    "tests.labops.test_postgres",
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
        self._numbers = itertools.count(1)

    def url_of(self, name: str) -> PgUrl:
        return PgUrl(self.url.set(database=name).render_as_string(hide_password=False))

    def _run(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def make_template(self) -> None:
        from labops.db import Database

        self._run(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._run(f'CREATE DATABASE "{self.template}"')
        Database.open(self.url_of(self.template)).dispose()

    def fresh_database(self) -> PgUrl:
        name = f"{self.prefix}_{next(self._numbers)}"
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


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
    server.make_template()
    try:
        yield server
    finally:
        server.close()
