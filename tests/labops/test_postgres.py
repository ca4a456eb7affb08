"""A platform on PostgreSQL as on SQLite: URLs and drivers, migrations, the write lock that
keeps a plan commit from being raced, the database's own refusal of double bookings, and the
CLI. Tests that take ``db_path`` run on both backends (tests/postgres.py)."""

from __future__ import annotations

import datetime as dt
import sys
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from labops import tables as t
from labops.db import Database
from labops.errors import Conflict, StorageError
from labops.migrate import current_revision, head_revision, labops_object
from labops.planning import plans as scheduling
from labops.vocabulary import BookingStatus, DowntimeKind
from tests.conftest import FIXTURES, NOW
from tests.labops.test_multiuser import OPERATOR, busy_platform  # noqa: F401  (a fixture)
from tests.postgres import outside

TINY = str(FIXTURES / "tiny.toml")


# --- URLs and drivers: one line each -------------------------------------------------------


@pytest.mark.one_backend
def test_a_missing_driver_names_the_extra_to_install(cli, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    result = cli("list", "sites", db="postgresql://labops@127.0.0.1:5432/labops")
    assert result.code == 1
    assert result.err.strip() == (
        "no postgresql driver (psycopg) is installed: pip install 'labops[postgres]'"
    )


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u@h/labops", "labops runs on SQLite and PostgreSQL, not mysql"),
        ("postgresql+psycopg2://u@h/labops", "pip install 'labops[postgres]' and use a"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/labops", "cannot open the database"),
    ],
)
def test_a_url_labops_cannot_use_is_one_line(cli, url: str, says: str) -> None:
    result = cli("list", "sites", db=url)
    assert result.code == 1 and says in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_password_in_the_url_is_not_shown(pg_server) -> None:
    url = sa.engine.make_url(pg_server.url_of("labops_no_such_database")).set(password="s3cret")
    with pytest.raises(StorageError) as caught:
        Database.open(url.render_as_string(hide_password=False), create=False)
    assert "s3cret" not in str(caught.value)


# --- migrations ------------------------------------------------------------------------------


def test_every_migration_builds_exactly_the_tables(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_object": labops_object},
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_migrations_go_down_and_up_again(db: Database) -> None:
    from alembic import command

    from labops.migrate import alembic_config

    db.dispose()
    config = alembic_config(db.engine)
    command.downgrade(config, "base")
    assert current_revision(db.engine) is None
    command.upgrade(config, "head")
    assert current_revision(db.engine) == head_revision()


def test_a_server_database_of_another_application_is_refused(pg_server) -> None:
    url = pg_server.fresh_database()
    try:
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE invoices (id integer)")
            for table in ("alembic_version", "platform"):  # not labops's: drop them
                connection.exec_driver_sql(f'DROP TABLE "{table}" CASCADE')
        engine.dispose()
        with pytest.raises(StorageError, match="is not a labops database"):
            Database.open(url)
    finally:
        pg_server.drop(url)


def test_the_audit_trail_refuses_changes_from_outside(cli, db_path) -> None:
    assert cli("load", TINY).code == 0
    for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="audit events cannot be changed or deleted"):
            outside(db_path, statement)
    assert outside(db_path, "SELECT actor FROM audit_event") == [("system",)]


# --- two writers: the second waits, then sees the first's change -----------------------------


def test_a_plan_commit_waits_for_another_writer_and_then_sees_its_change(
    busy_platform,  # noqa: F811
) -> None:
    """Without the write lock the commit would check its fingerprint before the other
    writer commits, pass, and write a plan made without that writer's downtime."""
    database = Database.open(str(busy_platform))
    proposal = scheduling.propose(database, actor=OPERATOR, now=NOW, time_limit=5)
    outcome: dict[str, str] = {}

    def commit() -> None:
        other = Database.open(str(busy_platform))
        try:
            scheduling.commit(other, actor=OPERATOR, now=NOW, proposal=proposal)
            outcome["result"] = "ok"
        except Conflict as exc:
            outcome["result"] = str(exc)
        finally:
            other.dispose()

    committer = threading.Thread(target=commit)
    with database.write() as session:
        session.add(
            t.Downtime(
                equipment_id="hoods",
                start=dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC),
                end=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
                kind=DowntimeKind.BREAKDOWN,
                reason="hood fan",
            )
        )
        session.flush()
        committer.start()
        committer.join(2)
        assert committer.is_alive(), "the commit did not wait for the other writer"
    committer.join(60)
    database.dispose()
    assert outcome["result"].startswith("the platform changed since this plan was made")


def test_a_writer_that_waits_too_long_is_told_the_database_is_busy(
    db: Database, db_path, monkeypatch
) -> None:
    monkeypatch.setattr("labops.db.BUSY_TIMEOUT_MS", 300)
    other = Database.open(str(db_path))
    try:
        with db.write() as session:
            session.add(t.Kind(id="oven", name="Oven", description=""))
            session.flush()
            with pytest.raises(StorageError, match="the database is busy"), other.write() as late:
                late.add(t.Kind(id="press", name="Press", description=""))
    finally:
        other.dispose()
    with db.read() as session:
        assert [k.id for k in session.exec(select(t.Kind))] == ["oven"]


# --- PostgreSQL refuses two live bookings of one unit itself --------------------------------


@pytest.fixture
def pg_url(pg_server) -> str:
    """An empty PostgreSQL database, for the tests of what SQLite does not have."""
    return pg_server.emptied_database()


@pytest.fixture
def pg_tiny(pg_url):
    from labops.platform.load import load_platform
    from labops.platform.read import parse_platform_text

    database = Database.open(pg_url)
    load_platform(
        database, parse_platform_text((FIXTURES / "tiny.toml").read_text()), actor=None, now=NOW
    )
    yield database
    database.dispose()


def _book_directly(session, *, unit: str, start: dt.datetime, hours: float = 1) -> t.Booking:
    """A booking written past every service check, as a buggy or racing writer would."""
    task = session.exec(select(t.Task).where(t.Task.key == "ref")).one()
    end = start + dt.timedelta(hours=hours)
    booking = t.Booking(
        task_id=task.id, start=start, end=end, status=BookingStatus.CONFIRMED,
        created_at=NOW, created_by="test",
    )  # fmt: skip
    session.add(booking)
    session.flush()
    session.add(
        t.BookingUnit(
            booking_id=booking.id, position=0, equipment_id=unit, busy_start=start, busy_end=end
        )
    )
    session.flush()
    return booking


SEM_BOOKED = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)  # tiny's booking holds sem-1 then


def test_postgresql_refuses_a_second_live_booking_of_a_unit(pg_tiny: Database) -> None:
    refused = pytest.raises(Conflict, match=r"^sem-1 would hold two live bookings at once \(from")
    with refused, pg_tiny.write() as session:
        _book_directly(session, unit="sem-1", start=SEM_BOOKED)
    with pg_tiny.read() as session:
        assert len(session.exec(select(t.Booking)).all()) == 1  # nothing written


def test_a_cancelled_booking_frees_its_unit_and_larger_units_are_shared(
    pg_tiny: Database,
) -> None:
    with pg_tiny.write() as session:
        first = session.exec(select(t.Booking)).one()
        first.status = BookingStatus.CANCELLED
        session.add(first)
        session.flush()
        _book_directly(session, unit="sem-1", start=SEM_BOOKED)
        _book_directly(session, unit="hoods", start=SEM_BOOKED)  # capacity 6
        _book_directly(session, unit="hoods", start=SEM_BOOKED)
    # Cancelled no more: it clashes with the new one.
    with pytest.raises(Conflict), pg_tiny.write() as session:
        first = session.get(t.Booking, first.id)
        first.status = BookingStatus.CONFIRMED
        session.add(first)


def test_bookings_may_pass_each_other_within_one_commit(pg_tiny: Database) -> None:
    # The constraint is checked at the commit: a plan may swap two bookings' slots.
    later = SEM_BOOKED + dt.timedelta(hours=4)
    with pg_tiny.write() as session:
        second = _book_directly(session, unit="sem-1", start=later)
        first = session.exec(select(t.BookingUnit).where(t.BookingUnit.booking_id != second.id))
        first = first.one()
        moved = session.exec(
            select(t.BookingUnit).where(t.BookingUnit.booking_id == second.id)
        ).one()
        old = (first.busy_start, first.busy_end)
        first.busy_start, first.busy_end = moved.busy_start, moved.busy_end
        session.add(first)
        session.flush()  # the two overlap here, inside the transaction
        moved.busy_start, moved.busy_end = old
        session.add(moved)


CLASHING_BOOKING = """
[[bookings]]
request = 1
task = "image"
start = 2026-11-30T10:00:00
end = 2026-11-30T12:00:00
units = ["sem-1", "hoods"]
people = ["dara", "cleo"]
status = "proposed"
"""


@pytest.mark.one_backend  # SQLite loads it; the next plan moves one of the two
def test_a_platform_file_double_booking_a_unit_is_refused_on_postgresql(
    cli, pg_url, tmp_path
) -> None:
    text = (
        (FIXTURES / "tiny.toml").read_text().replace('status = "submitted"', 'status = "approved"')
    )
    (tmp_path / "clash.toml").write_text(text + CLASHING_BOOKING)
    result = cli("load", str(tmp_path / "clash.toml"), db=pg_url)
    assert result.code == 3
    assert result.err.strip() == (
        "sem-1 would hold two live bookings at once (from 2026-11-30 08:45 UTC): the database "
        "refuses double bookings; nothing written"
    )
    assert "holds no platform yet" in cli("list", "sites", db=pg_url).err


# --- the CLI on PostgreSQL ------------------------------------------------------------------


def test_the_cli_plans_and_books_on_postgresql(cli, db_path) -> None:
    assert cli("load", TINY).code == 0
    assert "sem-1" in cli("list", "equipment").out
    assert cli("--as", "dara", "request", "approve", "1").code == 0
    result = cli("--as", "dara", "schedule", "--commit", "--time-limit", "5")
    assert result.code == 0, result.err
    listed = cli("--as", "dara", "list", "bookings", "--json")
    assert listed.code == 0 and '"status"' in listed.out
    assert "plan.commit" in cli("--as", "dara", "audit").out


@pytest.mark.one_backend  # SQLite's backup and restore: tests/labops/test_backup.py
def test_backup_and_restore_on_postgresql_say_what_to_use(cli, pg_url, tmp_path) -> None:
    assert cli("load", TINY, db=pg_url).code == 0
    backup = cli("--as", "dara", "backup", str(tmp_path / "b.db"), db=pg_url)
    restore = cli("--as", "eve", "restore", str(tmp_path / "b.db"), "--yes", db=pg_url)
    for result in (backup, restore):
        assert result.code == 1
        assert "pg_dump" in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "b.db").exists()
