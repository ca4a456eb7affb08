"""Years of history stay fast: long listings come a page at a time with their total, reads
of a window of time use the time indexes, and those indexes exist on both backends.

The platform is the tiny one plus a bulk-written history (requests with one task and one
booking each, a day apart, long before the clock); the page size is made small instead of
the history large (benchmarks/scale.py measures the real thing).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import sqlalchemy as sa

from labops import tables as t
from labops import views
from labops.bookings.costs import _rounded_cents
from labops.db import Database
from labops.permissions import Actor
from labops.reports import weekly_report
from tests.conftest import FIXTURES, NOW

TINY = str(FIXTURES / "tiny.toml")
HISTORY = 23  # requests in the bulk-written history: more than four pages of 5
FIRST_ID = 100


def add_history(db: Database, count: int = HISTORY, *, status: str = "done") -> None:
    """``count`` requests of tandem by ada, one task each, each booked for an hour on sem-1
    on a day of its own, the newest a year before the clock (so outside every window the
    tests look at)."""
    rows: dict[Any, list[dict[str, Any]]] = {
        t.Request: [],
        t.Task: [],
        t.TaskEquipment: [],
        t.Booking: [],
        t.BookingUnit: [],
    }
    for n in range(count):
        start = NOW - dt.timedelta(days=365 + n)
        request, task, booking = FIRST_ID + n, 1000 + n, 1000 + n
        rows[t.Request].append(
            dict(
                id=request,
                project="tandem",
                requester="ada",
                title=f"history {n}",
                status=status,
                created=start - dt.timedelta(days=9),
                submitted=start - dt.timedelta(days=8),
            )
        )
        rows[t.Task].append(
            dict(id=task, request_id=request, key="run", name="", duration=60, note="")
        )
        rows[t.TaskEquipment].append(dict(task_id=task, unit="sem-1", amount=1))
        rows[t.Booking].append(
            dict(
                id=booking,
                task_id=task,
                start=start,
                end=start + dt.timedelta(hours=1),
                status="done",
                created_at=start - dt.timedelta(days=7),
            )
        )
        rows[t.BookingUnit].append(
            dict(
                booking_id=booking,
                position=0,
                equipment_id="sem-1",
                amount=1,
                busy_start=start,
                busy_end=start + dt.timedelta(hours=1),
            )
        )
    with db.engine.begin() as connection:
        for table, values in rows.items():
            connection.execute(table.__table__.insert(), values)


@pytest.fixture
def operator(cli, db_path, monkeypatch: pytest.MonkeyPatch):
    """dara (an operator) on the tiny platform with its history, 5 rows to a page."""
    assert cli("load", TINY).code == 0
    database = Database.open(str(db_path))
    add_history(database)
    database.dispose()
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    return lambda *args: cli("--as", "dara", *args)


def _ids(text: str) -> list[int]:
    """The ids in the first column of a printed table's rows."""
    return [int(m) for m in re.findall(r"^\S*\s*(\d+)\s", text, flags=re.MULTILINE)]


def test_a_long_list_of_requests_shows_a_page_and_says_how_many_there_are(operator) -> None:
    total = HISTORY + 2  # and tiny's own two
    first = operator("list", "requests")
    assert first.code == 0, first.err
    assert f"showing 1-5 of {total} requests (--page 2 for the next 5, --all" in first.out
    assert _ids(first.out) == [1, 2, FIRST_ID, FIRST_ID + 1, FIRST_ID + 2]

    last = operator("list", "requests", "--page", "5")
    assert _ids(last.out) == list(range(FIRST_ID + 18, FIRST_ID + 23))
    assert f"showing 21-25 of {total} requests (--all for every one)" in last.out

    every = operator("list", "requests", "--all")
    assert len(_ids(every.out)) == total
    assert "showing" not in every.out

    wider = operator("request", "list", "--limit", "10", "--page", "2")
    assert f"showing 11-20 of {total} requests" in wider.out
    assert len(_ids(wider.out)) == 10


def test_json_pages_too_and_says_so_on_stderr(operator) -> None:
    page = operator("list", "requests", "--status", "done", "--json", "--page", "2")
    assert [row["id"] for row in json.loads(page.out)] == list(range(FIRST_ID + 5, FIRST_ID + 10))
    assert f"showing 6-10 of {HISTORY} requests" in page.err
    every = operator("list", "requests", "--status", "done", "--json", "--all")
    assert len(json.loads(every.out)) == HISTORY
    assert every.err == ""
    # Narrow enough to fit a page: all of it, and nothing said.
    small = operator("list", "requests", "--status", "submitted", "--json")
    assert [row["id"] for row in json.loads(small.out)] == [1]
    assert small.err == ""


def test_a_long_list_of_bookings_pages_in_time_order(operator) -> None:
    first = operator("list", "bookings", "--json")
    rows = json.loads(first.out)
    assert len(rows) == 5
    starts = [row["start"] for row in rows]
    assert starts == sorted(starts)
    assert rows[0]["id"] == 1000 + HISTORY - 1  # the oldest of the history comes first
    assert f"showing 1-5 of {HISTORY + 1} bookings" in first.err
    unit = operator("list", "bookings", "--unit", "sem-1", "--page", "6")
    assert "showing none of 24 bookings (past the last page)" in unit.out


def test_paging_options_that_contradict_are_refused(operator) -> None:
    for args in (("--all", "--page", "2"), ("--page", "0"), ("--limit", "0")):
        result = operator("list", "requests", *args)
        assert result.code == 2, args


def test_show_project_lists_a_first_page_and_how_to_see_the_rest(operator, monkeypatch) -> None:
    from labops.records import project_details

    monkeypatch.setattr(project_details, "FIRST", views.Page(1, 5))
    result = operator("show", "project", "tandem", "--json")
    shown = json.loads(result.out)
    assert len(shown["Requests"]) == 5
    assert len(shown["Bookings"]) == 5
    text = operator("show", "project", "tandem").out
    assert f"showing 1-5 of {HISTORY + 2} requests: labops list requests --project" in text


def test_the_indexes_for_years_of_history_exist_after_migrating(db: Database) -> None:
    indexes = {
        table: {index["name"] for index in sa.inspect(db.engine).get_indexes(table)}
        for table in ("request", "task", "booking", "booking_unit", "booking_person", "audit_event")
    }
    assert "ix_task_duration" in indexes["task"]
    assert "ix_request_status" in indexes["request"]
    assert {"ix_booking_time", "ix_booking_task_id"} <= indexes["booking"]
    assert {"ix_booking_unit_time", "ix_booking_unit_start"} <= indexes["booking_unit"]
    assert {"ix_booking_person_time", "ix_booking_person_start"} <= indexes["booking_person"]
    assert "ix_audit_event_at" in indexes["audit_event"]


def test_cents_round_in_sql_as_python_rounds(db: Database) -> None:
    """Halves go to the even cent, as ``round`` does (0.5 -> 0, 1.5 -> 2, 2.5 -> 2)."""
    values = [*range(400), 10**12 + 30, 10**12 + 90]
    with db.engine.connect() as connection:
        got = [
            connection.execute(sa.select(_rounded_cents(sa.cast(v, sa.BigInteger)))).scalar_one()
            for v in values
        ]
    assert got == [round(v / 60) for v in values]


# --- SQLite: which rows a window of time reads ---------------------------------------------

BOOKING_TABLES = ("booking", "booking_unit", "booking_person")


def _plans(db: Database, work) -> list[tuple[str, list[str]]]:
    """Each SELECT ``work`` runs that reads a booking table, with SQLite's plan for it."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(
            re.search(rf"\b{table}\b", statement) for table in BOOKING_TABLES
        ):
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        return [
            (statement, [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params)])
            for statement, params in seen
        ]


def _reads_history(plan: list[str]) -> bool:
    """Whether a plan walks a booking table's history: reads it whole, or searches a time
    index bounded on one side only (everything before the window's end), or reads a unit's
    or a person's bookings with no bound on time."""
    for step in plan:
        found = re.match(rf"(SCAN|SEARCH) ({'|'.join(BOOKING_TABLES)})\b(.*)", step)
        if found is None:
            continue
        how, _, rest = found.groups()
        if how == "SCAN":
            return True
        bounds = re.search(r"\((.*)\)", rest)
        terms = bounds.group(1) if bounds else ""
        if "PRIMARY KEY" in rest or "booking_id=?" in terms or "task_id=?" in terms:
            continue  # one booking's rows
        if not re.search(r"start>=?\?", terms):
            return True  # from the beginning of time
    return False


@pytest.mark.one_backend
def test_windows_of_time_read_through_the_time_indexes(tiny_history: Database) -> None:
    from labops.bookings.timeline import timeline
    from labops.dashboard.overview import dashboard
    from labops.records.details import show_record

    week = (NOW, NOW + dt.timedelta(days=7))
    system = Actor.system()
    for work in (
        lambda: timeline(tiny_history, actor=system, start=week[0], end=week[1]),
        lambda: timeline(tiny_history, actor=system, start=week[0], end=week[1], view="person"),
        lambda: dashboard(tiny_history, actor=system, now=NOW),
        lambda: weekly_report(tiny_history, actor=system, now=NOW),
        lambda: show_record(tiny_history, "person", "dara", now=NOW, actor=system),
    ):
        plans = _plans(tiny_history, work)
        assert plans
        whole = [
            statement
            for statement, plan in plans
            if _reads_history(plan) and "sum(" not in statement.lower()
        ]
        # Only the budget's committed money reads every booking (a sum per project).
        assert whole == [], "\n\n".join(f"{s}\n{p}" for s, p in plans if s in whole)


@pytest.mark.one_backend
def test_history_outside_the_week_changes_no_figure_of_the_week(db: Database) -> None:
    from labops.platform.load import load_platform
    from labops.platform.read import read_platform_file

    load_platform(db, read_platform_file(FIXTURES / "tiny.toml"), actor=None, now=NOW)
    before = weekly_report(db, actor=Actor.system(), now=NOW)
    add_history(db, 400)
    after = weekly_report(db, actor=Actor.system(), now=NOW)
    assert after.units == before.units
    assert after.people == before.people
    assert after.total == before.total
    # What the history adds is in the budget's money, as it should be.
    tandem = {p.project: p for p in after.projects}["tandem"]
    assert (
        tandem.committed_cents > {p.project: p for p in before.projects}["tandem"].committed_cents
    )


@pytest.fixture
def tiny_history(db: Database) -> Database:
    from labops.platform.load import load_platform
    from labops.platform.read import read_platform_file

    load_platform(db, read_platform_file(FIXTURES / "tiny.toml"), actor=None, now=NOW)
    add_history(db, 200)
    return db
