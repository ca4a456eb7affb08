"""The report tests' platform (week.toml) in a database built once per module, read-only,
on SQLite and on PostgreSQL.

Two plan commits are recorded on top of the file: an older one leaving out request 4 and
the latest one leaving out request 3, so the report must read the latest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from labops import tables as t
from labops.db import Database
from labops.permissions import Actor
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.reports import WeeklyReport, weekly_report
from tests.conftest import NOW

HERE = Path(__file__).parent
WEEK_FILE = HERE / "week.toml"
XRD_RULE, XRD_MESSAGE = "equipment_capacity", "no xrd unit free before the due date"
XRD_REASON = XRD_MESSAGE  # as a sentence: the rule code is for --json
LATEST_PLAN = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)


def build_week_db(path: Path) -> Database:
    db = Database.open(str(path))
    load_platform(db, parse_platform_text(WEEK_FILE.read_text()), actor=None, now=NOW)
    with db.write() as session:
        for at, (request_id, rule, message) in (
            (dt.datetime(2026, 11, 13, 7, 0, tzinfo=dt.UTC), (4, "budget", "an old reason")),
            (LATEST_PLAN, (3, XRD_RULE, XRD_MESSAGE)),
        ):
            run = t.PlanRun(
                at=at, actor="olga", start=at, end=at, frozen_until=at, status="feasible"
            )
            session.add(run)
            session.flush()
            session.add(
                t.LeftOut(plan_run_id=run.id, request_id=request_id, rule=rule, message=message)
            )
    return db


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def week_db_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The platform's database, for tests that only read it (the CLI's among them): a file,
    or a PostgreSQL database of the module's own (tests/postgres.py)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("reports") / "week.db"
        build_week_db(path).dispose()
        yield path
        return
    server = request.getfixturevalue("pg_server")
    url = server.fresh_database()
    try:
        build_week_db(url).dispose()
        yield url
    finally:
        server.drop(url)


@pytest.fixture(scope="module")
def week_db(week_db_path: Path) -> Iterator[Database]:
    db = Database.open(str(week_db_path))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def w47(week_db: Database) -> WeeklyReport:
    return weekly_report(week_db, actor=Actor.system(), now=NOW, week="2026-W47")
