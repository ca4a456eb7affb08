"""Several operators on one database: races, a stress run, and a crash mid-commit (on SQLite
and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from labops import tables as t
from labops.bookings import service as bookings
from labops.db import Database
from labops.errors import Conflict, InputError
from labops.permissions import Actor
from labops.planning import plans as scheduling
from labops.planning.build import build_snapshot
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.requests import service as requests
from labops.requests.form import parse_request_form
from labops.vocabulary import Access
from solver.plan import Plan
from solver.validate import validate
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_io import db_digest

OPERATOR = Actor(id="dara", access=Access.OPERATOR)
CONTEXT = multiprocessing.get_context("fork")

HOOD_FORM = """
project = "tandem"
title = "Hood work {n}"
[[tasks]]
key = "prep"
duration = "2h"
equipment = [{{ kind = "fume-hood", amount = 4 }}]
staff = [{{ role = "platform architect" }}]
"""


@pytest.fixture
def busy_platform(db: Database, db_path: Path) -> Path:
    """The tiny platform (without its team rule) plus eight approved 2-hour requests that
    each take 4 of the 6 hoods."""
    text = (FIXTURES / "tiny.toml").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("team = "))
    load_platform(db, parse_platform_text(text), actor=None, now=NOW)
    for n in range(8):
        form = parse_request_form(HOOD_FORM.format(n=n), source="form")
        submitted = requests.submit_request(db, actor=Actor.system(), form=form, now=NOW)
        requests.approve_request(db, actor=OPERATOR, request_id=submitted.request_id, now=NOW)
    return db_path


def _book(path: str, request_id: int, start: dt.datetime, barrier, results) -> None:
    database = Database.open(path)
    barrier.wait()
    try:
        booking = bookings.book_task(
            database,
            actor=OPERATOR,
            request_id=request_id,
            task_key="prep",
            start=start,
            units=["hoods"],
            people=["dara"],
            now=NOW,
        )
        results.put(("ok", request_id, booking))
    except Conflict as exc:
        results.put(("conflict", request_id, str(exc)))
    finally:
        database.dispose()


def test_two_operators_booking_the_same_slot_one_wins(busy_platform: Path) -> None:
    # Two requests each want 4 of the 6 fume hoods (and dara) on Monday 11:00: only one fits.
    start = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 Berlin
    barrier = CONTEXT.Barrier(2)
    results = CONTEXT.Queue()
    workers = [
        CONTEXT.Process(target=_book, args=(str(busy_platform), rid, start, barrier, results))
        for rid in (3, 4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert [outcome for outcome, _, _ in outcomes] == ["conflict", "ok"], outcomes
    assert "equipment_capacity" in outcomes[0][2] or "person_overlap" in outcomes[0][2]
    assert_no_double_booking(busy_platform)


def _stress(path: str, seed: int, operations: int, barrier) -> None:
    rng = random.Random(seed)
    database = Database.open(path)
    barrier.wait()
    for _ in range(operations):
        try:
            if rng.random() < 0.7:
                day = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC) + dt.timedelta(
                    days=rng.randrange(3)
                )
                bookings.book_task(
                    database,
                    actor=OPERATOR,
                    request_id=rng.randrange(3, 11),
                    task_key="prep",
                    start=day + dt.timedelta(minutes=30 * rng.randrange(16)),
                    units=["hoods"],
                    people=[rng.choice(["dara", "eve"])],
                    now=NOW,
                )
            else:
                with database.read() as session:
                    live = session.exec(
                        select(t.Booking.id).where(t.Booking.status == "confirmed")
                    ).all()
                if live:
                    bookings.change_booking(
                        database,
                        actor=OPERATOR,
                        booking_id=rng.choice(live),
                        operation="cancel",
                        now=NOW,
                    )
        except (Conflict, InputError):
            pass  # someone else was faster, or the slot breaks a rule: refused, nothing written
    database.dispose()


def test_stress_several_processes_booking_and_cancelling(busy_platform: Path) -> None:
    processes, operations = 3, 20
    barrier = CONTEXT.Barrier(processes)
    workers = [
        CONTEXT.Process(target=_stress, args=(str(busy_platform), seed, operations, barrier))
        for seed in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert_intact(busy_platform)
    database = Database.open(str(busy_platform))
    with database.read() as session:
        added, cancelled = (
            session.exec(select(sa.func.count()).where(t.AuditEvent.action == action)).one()
            for action in ("booking.add", "booking.cancel")
        )
    database.dispose()
    assert added > 2 and cancelled > 2, "the stress run should have booked and cancelled"
    assert_no_double_booking(busy_platform)


def assert_intact(path: Path) -> None:
    """The database file is whole and its references hold (PostgreSQL keeps both itself)."""
    if getattr(path, "backend", "sqlite") != "sqlite":
        return
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


def assert_no_double_booking(path: Path) -> None:
    database = Database.open(str(path))
    with database.read() as session:
        snapshot = build_snapshot(session, now=NOW)
    database.dispose()
    plan = Plan(assignments=dict(snapshot.problem.current), status="feasible")
    clashes = [
        v
        for v in validate(snapshot.problem, plan)
        if v.rule in ("equipment_capacity", "person_overlap")
    ]
    assert clashes == []


def _commit(path: str, proposal, barrier, results) -> None:
    database = Database.open(path)
    barrier.wait()
    try:
        scheduling.commit(database, actor=OPERATOR, now=NOW, proposal=proposal)
        results.put("ok")
    except Conflict:
        results.put("conflict")
    finally:
        database.dispose()


def test_two_operators_committing_plans_one_gets_a_conflict(busy_platform: Path) -> None:
    database = Database.open(str(busy_platform))
    first = scheduling.propose(database, actor=OPERATOR, now=NOW, time_limit=5)
    second = scheduling.propose(database, actor=OPERATOR, now=NOW, time_limit=5, seed=1)
    database.dispose()
    assert len(first.changes) >= 4 and len(second.changes) >= 4
    barrier = CONTEXT.Barrier(2)
    results = CONTEXT.Queue()
    workers = [
        CONTEXT.Process(target=_commit, args=(str(busy_platform), proposal, barrier, results))
        for proposal in (first, second)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(results.get(timeout=5) for _ in workers) == ["conflict", "ok"]
    assert_no_double_booking(busy_platform)


def _commit_and_hang(path: str, proposal, ready) -> None:
    """Commit, but stop for good in the middle of writing the bookings."""
    import labops.planning.commit as commit_module

    original = commit_module._apply
    written = {"n": 0}

    def apply_then_hang(*args, **kwargs):
        original(*args, **kwargs)
        written["n"] += 1
        if written["n"] == 3:
            args[0].flush()  # rows are in the database file's journal, not committed
            ready.set()
            signal.pause()  # until the parent kills this process

    commit_module._apply = apply_then_hang
    database = Database.open(path)
    scheduling.commit(database, actor=OPERATOR, now=NOW, proposal=proposal)


def test_a_process_killed_mid_commit_leaves_the_database_as_before(busy_platform: Path) -> None:
    database = Database.open(str(busy_platform))
    proposal = scheduling.propose(database, actor=OPERATOR, now=NOW, time_limit=5)
    database.dispose()
    assert len(proposal.changes) > 3
    before = db_digest(busy_platform)
    ready = CONTEXT.Event()
    child = CONTEXT.Process(target=_commit_and_hang, args=(str(busy_platform), proposal, ready))
    child.start()
    assert ready.wait(60), "the child never got into its commit"
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    assert child.exitcode == -signal.SIGKILL
    assert db_digest(busy_platform) == before
    assert_intact(busy_platform)
    # And the database works on: the same plan commits now.
    database = Database.open(str(busy_platform))
    result = scheduling.commit(database, actor=OPERATOR, now=NOW, proposal=proposal)
    database.dispose()
    assert result.created == len(proposal.changes)


def _restore_and_hang(path: str, backup: str, ready) -> None:
    """Restore, but stop for good after the records are replaced, before the commit."""
    import labops.storage.restore as restore_module

    def hang(session) -> None:
        session.flush()
        ready.set()
        signal.pause()  # until the parent kills this process

    restore_module.ensure_append_only = hang
    database = Database.open(path)
    admin = Actor(id="eve", access=Access.ADMIN)
    restore_module.restore(database, actor=admin, source=Path(backup), now=NOW)


@pytest.mark.one_backend  # backup and restore: SQLite only (pg_dump and pg_restore)
def test_a_process_killed_mid_restore_leaves_the_database_as_before(
    busy_platform: Path, tmp_path: Path
) -> None:
    from labops.storage import backup as backup_service
    from labops.storage import restore as restore_service

    database = Database.open(str(busy_platform))
    copy = tmp_path / "copy.db"
    backup_service.backup(database, actor=OPERATOR, target=copy, now=NOW)
    requests.reject_request(database, actor=OPERATOR, request_id=3, now=NOW, reason="later")
    database.dispose()
    before = db_digest(busy_platform)
    ready = CONTEXT.Event()
    child = CONTEXT.Process(target=_restore_and_hang, args=(str(busy_platform), str(copy), ready))
    child.start()
    assert ready.wait(60), "the child never got into its restore"
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    assert child.exitcode == -signal.SIGKILL
    assert db_digest(busy_platform) == before
    connection = sqlite3.connect(busy_platform)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    database = Database.open(str(busy_platform))  # and the restore goes through now
    done = restore_service.restore(
        database, actor=Actor(id="eve", access=Access.ADMIN), source=copy, now=NOW
    )
    database.dispose()
    assert done.undone == 2  # the backup's own record and the rejection
