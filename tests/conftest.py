"""Shared test helpers: a fixed clock, fresh databases, and running the CLI in-process.

Tests that take a database (``db_path``, ``db``, ``cli``) in the modules of
``tests/pg_modules.py`` run twice: on an SQLite file and on a fresh PostgreSQL database
(see tests/postgres.py: ``LABOPS_TEST_PG``, else a server on 127.0.0.1:5432, else skipped).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from labops import clock
from labops.db import Database
from labops.permissions import Actor
from labops.vocabulary import DowntimeKind
from tests.postgres import pg_server, runs_on_postgres  # noqa: F401  (a fixture)

# Property tests draw the same examples on every run, so a test run (and CI) is repeatable;
# LABOPS_HYPOTHESIS=explore draws new ones, to hunt for failures on purpose.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("LABOPS_HYPOTHESIS", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def break_down(
    db: Database,
    unit_id: str,
    start: dt.datetime,
    length: dt.timedelta,
    *,
    actor: Actor,
    now: dt.datetime = NOW,
    kind: DowntimeKind = DowntimeKind.BREAKDOWN,
    reason: str = "breakdown",
):
    """Records downtime of ``unit_id`` from ``start`` for ``length``."""
    from labops.bookings.service import add_downtime

    return add_downtime(
        db, actor=actor, unit_id=unit_id, start=start, end=start + length, kind=kind,
        reason=reason, now=now,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.datetime]:
    """Every test runs at the same instant, with no user or database from the environment.
    The clock is fixed in-process (labops reads no clock from the environment); processes
    forked by a test keep it."""
    monkeypatch.delenv("LABOPS_DB", raising=False)
    monkeypatch.delenv("LABOPS_USER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    with clock.fixed(NOW):
        yield NOW


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a database test on each backend where its module is meant for both."""
    if "db_path" in metafunc.fixturenames and runs_on_postgres(metafunc):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on: "sqlite" unless parametrized."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_path(tmp_path: Path, backend: str, request: pytest.FixtureRequest):
    """Where the test's database lives: an SQLite file that does not exist yet, or the URL
    of an empty PostgreSQL database (migrated, no platform) of the test's own."""
    if backend == "sqlite":
        yield tmp_path / "labops.db"
        return
    yield request.getfixturevalue("pg_server").emptied_database()


@pytest.fixture
def db(db_path: Path):
    database = Database.open(str(db_path))
    yield database
    database.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_path: Path):
    """Run ``labops --db <tmp> ARGS...`` in this process; returns code, stdout, stderr."""
    from labops_cli.main import main

    def run(*args: str, db: Path | None = db_path) -> CliResult:
        capsys.readouterr()
        argv = (["--db", str(db)] if db is not None else []) + list(args)
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
