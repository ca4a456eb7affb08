"""Shared test helpers: a fixed clock, fresh databases, and running the CLI in-process."""

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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "labops.db"


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
