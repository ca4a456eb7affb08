"""Recording use on the tiny platform, through the CLI as operators use it.

Tiny platform (fixtures/tiny.toml): booking 1 is request 2's task "ref", 1.5 h on sem-1
(setup and cleanup 15 minutes each), Mon 30 Nov 09:00-10:30 Berlin (08:00-09:30 UTC),
confirmed, with dara (an operator); ada is a lead. The no-show grace is 30 minutes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlmodel import select

from labops import clock
from labops import tables as t
from labops.bookings.free import free_windows
from labops.db import Database
from labops.planning.build import build_snapshot
from labops.planning.snapshot import task_key
from tests.conftest import FIXTURES

OPERATOR = ("--as", "dara")
LEAD = ("--as", "ada")
RUN = "2026-11-30 09:05,2026-11-30 10:00"  # a log row's start and end
MONDAY_1030 = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)  # 10:30 Berlin


@pytest.fixture
def tiny(cli):
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    return cli


def _read(db_path: Path, fn):
    database = Database.open(str(db_path))
    try:
        with database.read() as session:
            return fn(session)
    finally:
        database.dispose()


def _use(db_path: Path, booking_id: int = 1):
    return _read(db_path, lambda s: s.get(t.Usage, booking_id))


def _status(db_path: Path, booking_id: int = 1) -> str:
    return _read(db_path, lambda s: s.get(t.Booking, booking_id).status.value)


def _audit(db_path: Path, action: str) -> list[t.AuditEvent]:
    return _read(
        db_path,
        lambda s: list(s.exec(select(t.AuditEvent).where(t.AuditEvent.action == action))),
    )


def _sem_free_from(db_path: Path) -> list[str]:
    """Where sem-1's free windows of Monday 30 Nov begin (Berlin)."""
    database = Database.open(str(db_path))
    try:
        listing = free_windows(
            database,
            kind="sem",
            start=dt.datetime(2026, 11, 30, 7, tzinfo=dt.UTC),
            end=dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC),
        )
    finally:
        database.dispose()
    return [row["start"] for row in listing.rows if row["unit"] == "sem-1"]


def test_checked_in_late_and_out_early_records_the_hours_and_frees_the_rest(tiny, db_path) -> None:
    before = _sem_free_from(db_path)
    assert "2026-11-30 11:00" in before  # busy until 10:45 with cleanup: free on the grid
    with clock.fixed(MONDAY_1030):
        checked_in = tiny(*OPERATOR, "booking", "checkin", "1", "--at", "2026-11-30 09:10")
        assert checked_in.code == 0, checked_in.err
        assert _status(db_path) == "confirmed"
        out = tiny(*OPERATOR, "booking", "checkout", "1", "--at", "2026-11-30 09:40")
    assert out.code == 0, out.err
    assert "0.50 h used" in out.out
    use = _use(db_path)
    assert (use.start, use.end, use.minutes) == (
        dt.datetime(2026, 11, 30, 8, 10, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 30, 8, 40, tzinfo=dt.UTC),
        30,
    )
    assert _status(db_path) == "done"
    shown = tiny(*OPERATOR, "show", "booking", "1", "--json")
    assert (
        json.loads(shown.out)["fields"]["used"]
        == "checked in 2026-11-30 09:10, out 2026-11-30 09:40 (30m)"
    )
    # Busy until 09:40 + 15 minutes of cleanup: free from the 10:00 slot, not 11:00.
    assert "2026-11-30 10:00" in _sem_free_from(db_path)
    held = _read(
        db_path, lambda s: s.exec(select(t.BookingUnit).where(t.BookingUnit.booking_id == 1)).one()
    )
    assert held.busy_end == dt.datetime(2026, 11, 30, 8, 55, tzinfo=dt.UTC)

    # A re-plan sees the task done and holding nothing.
    def replan(session):
        return build_snapshot(session, now=MONDAY_1030 - dt.timedelta(minutes=45))

    snapshot = _read(db_path, replan)
    assigned = snapshot.problem.current[task_key(2, "ref")]
    assert (assigned.units, assigned.people) == ((), ())
    assert [e.changes for e in _audit(db_path, "booking.checkout")] == [
        {"checked_out": "2026-11-30T08:40:00+00:00", "minutes": 30}
    ]


@pytest.mark.parametrize(
    ("args", "now", "message"),
    [
        (("checkin", "1"), dt.datetime(2026, 11, 30, 7, tzinfo=dt.UTC), "too early to check in"),
        (
            ("checkin", "1", "--at", "2026-11-30 09:30"),
            dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC),
            "cannot check in at a time still to come",
        ),
        (("checkout", "1"), MONDAY_1030, "booking 1 is not checked in"),
        (("checkin", "99"), MONDAY_1030, "no booking 99"),
        (("checkin", "1", "--at", "yesterday"), MONDAY_1030, "--at: 'yesterday' is not a date"),
    ],
)
def test_a_check_in_or_out_that_cannot_be_is_one_line_and_writes_nothing(
    tiny, db_path, args, now, message
) -> None:
    with clock.fixed(now):
        result = tiny(*OPERATOR, "booking", *args)
    assert result.code != 0
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert _use(db_path) is None


def test_a_lead_may_not_check_in(tiny, db_path) -> None:
    with clock.fixed(MONDAY_1030):
        result = tiny(*LEAD, "booking", "checkin", "1")
    assert result.code == 4
    assert result.err.startswith("permission denied")
    assert _use(db_path) is None


def test_a_booking_not_checked_in_within_the_grace_period_is_a_no_show(tiny, db_path) -> None:
    assert _sem_free_from(db_path) == ["2026-11-30 08:00", "2026-11-30 11:00"]
    with clock.fixed(dt.datetime(2026, 11, 30, 8, 29, tzinfo=dt.UTC)):  # 09:29, in grace
        assert tiny(*OPERATOR, "usage", "no-shows").out.strip() == "no no-shows"
    assert _use(db_path) is None
    with clock.fixed(dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)):  # 09:30: grace over
        result = tiny(*OPERATOR, "usage", "no-shows")
    assert result.code == 0
    assert "1 no-show(s): booking 1" in result.out
    assert _use(db_path).no_show
    assert _status(db_path) == "cancelled"  # its time is free for a re-plan
    assert (
        json.loads(tiny(*OPERATOR, "show", "booking", "1", "--json").out)["fields"]["used"]
        == "no-show"
    )
    assert _sem_free_from(db_path) == ["2026-11-30 08:00"]  # one window, the day long
    [event] = _audit(db_path, "booking.no_show")
    assert event.changes == {"status": ["confirmed", "cancelled"]}
    with clock.fixed(MONDAY_1030):
        late = tiny(*OPERATOR, "booking", "checkin", "1")
    assert late.code != 0
    assert "is recorded as a no-show" in late.err


def test_a_correction_needs_a_reason_and_is_audited(tiny, db_path) -> None:
    with clock.fixed(MONDAY_1030):
        assert tiny(*OPERATOR, "usage", "no-shows").code == 0
        silent = tiny(*OPERATOR, "usage", "correct", "1", "--showed", "--note", " ")
        assert silent.code != 0
        assert "needs --note" in silent.err
        fixed = tiny(
            *OPERATOR, "usage", "correct", "1", "--showed", "--start", "2026-11-30 09:20",
            "--end", "2026-11-30 10:10", "--note", "came in, forgot to check in",
        )  # fmt: skip
    assert fixed.code == 0, fixed.err
    use = _use(db_path)
    assert (use.no_show, use.minutes) == (False, 50)
    assert _status(db_path) == "done"
    [event] = _audit(db_path, "booking.use_correct")
    assert event.actor == "dara"
    assert event.summary == "came in, forgot to check in"
    assert event.changes == {
        "end": [None, "2026-11-30T09:10:00+00:00"],
        "no_show": [True, False],
        "start": [None, "2026-11-30T08:20:00+00:00"],
    }


def test_an_instrument_log_checks_its_bookings_in_and_out(tiny, db_path, tmp_path) -> None:
    log = tmp_path / "sem.csv"
    log.write_text("Unit,Person,Start,End\nsem-1,dara,2026-11-30 09:05,2026-11-30 10:50\n")
    with clock.fixed(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)):
        result = tiny(*OPERATOR, "usage", "import", str(log))
    assert result.code == 0, result.err
    assert "1 booking(s) checked in and out from sem.csv" in result.out
    use = _use(db_path)
    assert use.minutes == 105  # ran 15 minutes over: recorded as it ran
    assert _status(db_path) == "done"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (f"sem-2,dara,{RUN}", "sem.csv row 3: no equipment unit 'sem-2'"),
        (f"sem-1,ben,{RUN}", "sem.csv row 3: no booking of sem-1 with ben"),
        ("sem-1,dara,2026-11-30 10:05,2026-11-30 10:00", "sem.csv row 3: end 2026-11-30 10:00"),
        ("sem-1,dara,30/11/2026,2026-11-30 10:00", "sem.csv row 3: start: '30/11/2026' is not"),
        ("sem-1,dara,,2026-11-30 10:00", "sem.csv row 3: start is empty"),
        (f"sem-1,dara,{RUN}", "sem.csv row 3: booking 1 is logged twice"),
    ],
)  # fmt: skip
def test_a_bad_log_row_is_named_and_nothing_is_written(
    tiny, db_path, tmp_path, rows, message
) -> None:
    log = tmp_path / "sem.csv"
    log.write_text(f"unit,person,start,end\nsem-1,dara,2026-11-30 09:05,2026-11-30 10:00\n{rows}\n")
    with clock.fixed(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)):
        result = tiny(*OPERATOR, "usage", "import", str(log))
    assert result.code != 0
    assert result.err.strip().startswith(message), result.err
    assert len(result.err.strip().splitlines()) == 1
    assert _use(db_path) is None  # row 2 was good, but the file is one transaction
    assert _status(db_path) == "confirmed"


def test_a_log_without_the_columns_says_which_are_missing(tiny, tmp_path) -> None:
    log = tmp_path / "x.csv"
    log.write_text("unit,who,start,end\n")
    result = tiny(*OPERATOR, "usage", "import", str(log))
    assert (
        result.err.strip() == "x.csv: the header must name unit, person, start, end; missing person"
    )


def test_recorded_use_survives_export_and_load(tiny, db_path, tmp_path) -> None:
    with clock.fixed(MONDAY_1030):
        assert tiny(*OPERATOR, "booking", "checkin", "1", "--at", "2026-11-30 09:10").code == 0
        assert tiny(*OPERATOR, "booking", "checkout", "1", "--at", "2026-11-30 09:40").code == 0
    exported = tmp_path / "out.toml"
    assert tiny(*OPERATOR, "export", str(exported)).code == 0
    text = exported.read_text()
    assert "use = {start = 2026-11-30T09:10:00, end = 2026-11-30T09:40:00}" in text
    again = tmp_path / "again.db"
    assert tiny("load", str(exported), db=again).code == 0
    use = _use(again)
    assert use.minutes == 30
    held = _read(
        again, lambda s: s.exec(select(t.BookingUnit).where(t.BookingUnit.booking_id == 1)).one()
    )
    assert held.busy_end == dt.datetime(2026, 11, 30, 8, 55, tzinfo=dt.UTC)  # the rest free


def test_a_sweep_leaves_bookings_older_than_a_week_unless_told(tiny, db_path) -> None:
    # Ten days after booking 1 (Mon 30 Nov): older than the week a sweep looks back.
    with clock.fixed(dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC)):
        assert tiny(*OPERATOR, "usage", "no-shows").out.strip() == "no no-shows"
        assert _use(db_path) is None
        told = tiny(*OPERATOR, "usage", "no-shows", "--since", "2026-11-30")
    assert "1 no-show(s): booking 1" in told.out
