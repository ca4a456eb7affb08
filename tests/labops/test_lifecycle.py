"""The plan lifecycle end to end on the tiny platform, through the CLI as people use it.

Tiny platform (fixtures/tiny.toml), clock fixed at Wed 2026-11-25 10:00 Berlin:
request 1 (submitted): coat 6h unattended on the pilot-line sputter coater, then 12h later
image 2h on sem-1 with 2 fume hoods; request 2 (approved): ref 1.5h on sem-1, already
booked Mon 30 Nov 09:00 (confirmed).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest
from sqlmodel import select

from labops import tables as t
from labops.db import Database
from labops.planning.build import build_snapshot
from solver.plan import Plan
from solver.validate import validate
from tests.conftest import FIXTURES, NOW

TINY = str(FIXTURES / "tiny.toml")
OPERATOR = ("--as", "dara")
LEAD = ("--as", "ada")


@pytest.fixture
def platform(cli):
    assert cli("load", TINY).code == 0
    return cli


def bookings(db_path: Path) -> dict[tuple[int, str], t.Booking]:
    """Live bookings by (request, task key)."""
    database = Database.open(str(db_path))
    with database.read() as session:
        rows = session.exec(
            select(t.Booking, t.Task)
            .join(t.Task, t.Task.id == t.Booking.task_id)
            .where(t.Booking.status != "cancelled")
        ).all()
    database.dispose()
    return {(task.request_id, task.key): booking for booking, task in rows}


def request_status(db_path: Path, request_id: int) -> str:
    database = Database.open(str(db_path))
    with database.read() as session:
        status = session.get(t.Request, request_id).status.value
    database.dispose()
    return status


def assert_database_plan_is_valid(db_path: Path) -> None:
    """The bookings in the database, read back as a plan, break no hard rule."""
    database = Database.open(str(db_path))
    with database.read() as session:
        snapshot = build_snapshot(session, now=NOW)
    database.dispose()
    plan = Plan(assignments=dict(snapshot.problem.current), status="feasible")
    assert validate(snapshot.problem, plan) == []


def write_form(tmp_path: Path, text: str) -> str:
    path = tmp_path / "form.toml"
    path.write_text(text)
    return str(path)


SEM_FORM = """
project = "tandem"
title = "{title}"
[[tasks]]
key = "scan"
duration = "{hours}h"
equipment = [{{ unit = "sem-1" }}]
staff = [{{ skill = "microscopy", level = 2 }}, {{ role = "industry engineer" }}]
earliest = 2026-12-01T08:00:00
due = 2026-12-01T18:00:00
due_hard = true
"""


def test_submit_approve_schedule_commit(platform, db_path: Path) -> None:
    cli = platform
    # A lead cannot approve; an operator can.
    denied = cli(*LEAD, "request", "approve", "1")
    assert denied.code == 4
    assert denied.err.strip() == "permission denied: lead 'ada' cannot approve requests"
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    assert request_status(db_path, 1) == "approved"

    # Without --commit nothing is written.
    dry = cli(*OPERATOR, "schedule", "--time-limit", "5", "--json")
    assert dry.code == 0
    proposal = json.loads(dry.out)
    assert {(c["request"], c["task"], c["change"]) for c in proposal["changes"]} == {
        (1, "coat", "new"),
        (1, "image", "new"),
    }
    assert proposal["left_out"] == []
    assert set(bookings(db_path)) == {(2, "ref")}

    result = cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit")
    assert result.code == 0, result.err
    booked = bookings(db_path)
    assert set(booked) == {(1, "coat"), (1, "image"), (2, "ref")}
    coat, image = booked[1, "coat"], booked[1, "image"]
    # coat: the sputter coater opens 06:00 but needs 30 min setup inside opening hours and
    # ben (the only certified industry engineer with coating) starts at 07:00: Tue 07:00.
    assert coat.start == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 07:00 Berlin
    assert image.start >= coat.end + dt.timedelta(hours=12)
    assert coat.status.value == "proposed"
    assert request_status(db_path, 1) == "scheduled"
    assert request_status(db_path, 2) == "scheduled"
    assert_database_plan_is_valid(db_path)

    database = Database.open(str(db_path))
    with database.read() as session:
        events = session.exec(
            select(t.AuditEvent).where(t.AuditEvent.action == "plan.commit")
        ).all()
    database.dispose()
    assert [e.actor for e in events] == ["dara"]

    # Confirm and lock through the CLI.
    assert cli(*OPERATOR, "booking", "confirm", str(coat.id)).code == 0
    assert cli(*OPERATOR, "booking", "lock", str(coat.id)).code == 0
    again = cli(*OPERATOR, "booking", "confirm", str(coat.id))
    assert again.code != 0 and "is locked: only a proposed booking can be confirmed" in again.err
    assert cli(*OPERATOR, "booking", "unlock", str(coat.id)).code == 0
    twice = cli(*OPERATOR, "booking", "unlock", str(coat.id))
    assert "is confirmed: only a locked booking can be unlocked" in twice.err


FIVE_DAYS = """
project = "tandem"
title = "Daily detector check"
[[tasks]]
key = "check"
duration = "1h"
equipment = [{ unit = "sem-1" }]
staff = [{ skill = "microscopy", level = 2 }, { role = "industry engineer" }]
earliest = 2026-11-30T09:00:00
repeat = { every = "weekday", count = 5 }
"""


def test_recurring_task_expands_and_is_placed_together(
    platform, tmp_path: Path, db_path: Path
) -> None:
    cli = platform
    form = write_form(
        tmp_path,
        """
project = "tandem"
title = "Daily detector check"
[[tasks]]
key = "check"
duration = "1h"
equipment = [{ unit = "sem-1" }]
staff = [{ skill = "microscopy", level = 2 }, { role = "industry engineer" }]
earliest = 2026-11-30T09:00:00
repeat = { every = "weekday", until = 2026-12-03 }
[[tasks]]
key = "summary"
duration = "2h"
staff = [{ role = "source researcher" }]
after = ["check"]
""",
    )
    result = cli(*LEAD, "request", "submit", form)
    assert result.code == 0, result.err
    assert "request 3 submitted: 5 tasks, 6 hours" in result.out
    detail = json.loads(cli(*LEAD, "request", "show", "3", "--json").out)
    keys = [row["key"] for row in detail["Tasks"]]
    assert keys == ["check-01", "check-02", "check-03", "check-04", "summary"]
    assert detail["Tasks"][-1]["after"] == "check-01, check-02, check-03, check-04"

    assert cli(*OPERATOR, "request", "approve", "3").code == 0
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    booked = bookings(db_path)
    checks = sorted(booked[3, f"check-0{i}"].start for i in range(1, 5))
    # One occurrence per weekday, Mon 30 Nov to Thu 3 Dec, each on its own day.
    assert [c.date() for c in checks] == [
        dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(4)
    ]
    assert booked[3, "summary"].start >= max(
        b.end for (r, k), b in booked.items() if k.startswith("check")
    )
    assert_database_plan_is_valid(db_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('{ unit = "sem-1" }', None),
        ('{ kind = "sputter", site = "matlab" }', "no unit of kind 'sputter' at site 'matlab'"),
        ('{ kind = "laser" }', "kind 'laser' does not exist"),
        (
            '{ kind = "fume-hood", amount = 9 }',
            "asks for 9 of a 'fume-hood' unit, but the largest has capacity 6",
        ),
    ],
)
def test_submission_refuses_what_can_never_fit(
    platform, tmp_path, db_path, change, message
) -> None:
    form = write_form(
        tmp_path, SEM_FORM.format(title="x", hours=2).replace('{ unit = "sem-1" }', change)
    )
    result = platform(*LEAD, "request", "submit", form)
    if message is None:
        assert result.code == 0, result.err
        return
    assert result.code != 0
    assert message in result.err
    database = Database.open(str(db_path))
    with database.read() as session:
        assert session.exec(select(t.Request)).all().__len__() == 2  # nothing was written
    database.dispose()


def test_submission_refuses_a_task_longer_than_any_opening(platform, tmp_path) -> None:
    # sem-1's lab is open 08:00-18:00: an 11-hour attended scan never fits.
    result = platform(
        *LEAD, "request", "submit", write_form(tmp_path, SEM_FORM.format(title="long", hours=11))
    )
    assert result.code != 0
    assert "request refused, it can never fit" in result.err


def test_downtime_and_repair_keep_the_rest_in_place(platform, tmp_path, db_path) -> None:
    cli = platform
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    before = bookings(db_path)
    coat = before[1, "coat"]

    # The sputter coater breaks down over the coat booking.
    hit = cli(
        *OPERATOR,
        "downtime",
        "add",
        "sputter-1",
        "--start",
        "2026-12-01 05:00",
        "--end",
        "2026-12-01 20:00",
        "--note",
        "target cracked",
    )
    assert hit.code == 0
    assert "coat" in hit.out and "labops schedule --repair" in hit.out

    repair = cli(*OPERATOR, "schedule", "--repair", "--time-limit", "5", "--json", "--commit")
    assert repair.code == 0, repair.err
    proposal = json.loads(repair.out)
    changed = {(c["request"], c["task"]) for c in proposal["changes"]}
    assert (1, "coat") in changed
    assert "ben" in proposal["people_affected"]
    after = bookings(db_path)
    assert after[1, "coat"].id == coat.id  # the same booking, moved
    assert after[1, "coat"].start >= dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.UTC)
    # Request 2's booking is outside the broken unit's window: it keeps its slot.
    assert after[2, "ref"].start == before[2, "ref"].start
    assert (2, "ref") not in changed
    assert_database_plan_is_valid(db_path)


def test_cancel_frees_the_slot_and_schedule_refills_it(platform, tmp_path, db_path) -> None:
    cli = platform
    # Two 6-hour scans on sem-1 on the same day with a hard due date, both with ben (the
    # industry engineer the project's team rule asks for, working 07:00-15:00): only one fits.
    for title in ("first scan", "second scan"):
        form = write_form(tmp_path, SEM_FORM.format(title=title, hours=6))
        assert cli(*LEAD, "request", "submit", form).code == 0
    assert cli(*OPERATOR, "request", "approve", "3", "4").code == 0
    result = cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit", "--json")
    proposal = json.loads(result.out)
    assert len(proposal["left_out"]) == 1
    waiting = proposal["left_out"][0]
    assert waiting["reasons"], "a left-out request says why"
    placed = 7 - waiting["request"]  # the other one of 3 and 4

    # The lead withdraws the placed request: its booking is cancelled, the slot is free ...
    assert cli(*LEAD, "request", "withdraw", str(placed)).code == 0
    assert (placed, "scan") not in bookings(db_path)
    free = json.loads(
        cli("free", "--kind", "sem", "--from", "2026-12-01", "--to", "2026-12-02", "--json").out
    )
    assert any(row["hours"] >= 6 for row in free)
    # ... and the next schedule fills it with the waiting request.
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    assert (waiting["request"], "scan") in bookings(db_path)
    assert request_status(db_path, waiting["request"]) == "scheduled"
    assert_database_plan_is_valid(db_path)


def test_funds_charge_hours_times_rate(platform) -> None:
    cli = platform
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    funds = json.loads(cli("--as", "eve", "funds", "--json").out)
    # coat 6h x 95 + image 2h x (120 + 2 x 8.50) + ref 1.5h x 120 = 570 + 274 + 180
    (tandem,) = funds["projects"]
    assert tandem["committed"] == "1,024.00"
    assert tandem["remaining"] == "18,976.00"
    product = next(p for p in funds["pools"] if p["pool"] == "product")
    assert product["committed"] == "1,024.00"
    # A lead sees their own projects only, and no pool totals.
    lead_view = json.loads(cli(*LEAD, "funds", "--json").out)
    assert lead_view["pools"] == [] and [p["project"] for p in lead_view["projects"]] == ["tandem"]


def test_calendar_export_reads_back(platform, tmp_path) -> None:
    cli = platform
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    out = tmp_path / "ada.ics"
    assert cli(*LEAD, "calendar", "--person", "ada", "--output", str(out)).code == 0
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    (event,) = events
    assert str(event["uid"]).startswith("booking-") and str(event["uid"]).endswith("@labops")
    assert "Cross-section SEM" in str(event["summary"])
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)

    # A person outside the project sees sem-1's bookings as busy time only.
    unit = tmp_path / "sem.ics"
    assert cli("--as", "cleo", "calendar", "--equipment", "sem-1", "-o", str(unit)).code == 0
    summaries = {
        str(e["summary"]) for e in icalendar.Calendar.from_ical(unit.read_bytes()).walk("VEVENT")
    }
    assert summaries  # cleo is a member of tandem but not its lead: busy only
    assert summaries == {"busy"}


def test_operator_enters_a_request_for_the_lead_and_a_draft_is_sent_later(
    platform, tmp_path, db_path
) -> None:
    cli = platform
    form = write_form(tmp_path, SEM_FORM.format(title="on behalf", hours=2))
    assert cli(*OPERATOR, "request", "submit", "--draft", form).code == 0
    detail = json.loads(cli(*LEAD, "request", "show", "3", "--json").out)
    # Entered by dara, an operator, for the project's lead: the requester is who entered it.
    assert detail["fields"]["requester"] == "dara"
    assert detail["fields"]["status"] == "draft"
    assert cli("--as", "ben", "request", "send", "3").code == 4  # not ben's project
    assert cli(*LEAD, "request", "send", "3").code == 0
    assert request_status(db_path, 3) == "submitted"
    again = cli(*LEAD, "request", "send", "3")
    assert again.code == 3 and "not a draft" in again.err
    # dara entered it: another operator (or an admin) approves it.
    own = cli(*OPERATOR, "request", "approve", "3")
    assert own.code == 4 and "needs another operator's approval" in own.err
    assert cli("--as", "eve", "request", "approve", "3").code == 0


@pytest.mark.parametrize("answer", [True, False])
def test_at_a_terminal_the_reviewed_plan_is_written_when_the_operator_says_so(
    platform, db_path: Path, monkeypatch, answer: bool
) -> None:
    import labops_cli.schedule as schedule_cli

    asked: list[str] = []
    monkeypatch.setattr(schedule_cli, "_interactive", lambda: True)
    monkeypatch.setattr(schedule_cli, "_confirm", lambda q: asked.append(q) or answer)
    cli = platform
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    result = cli(*OPERATOR, "schedule", "--time-limit", "5")
    assert result.code == 0, result.err
    assert asked == ["Write this plan?"]
    if answer:
        assert "committed: 2 new" in result.out
        assert set(bookings(db_path)) == {(1, "coat"), (1, "image"), (2, "ref")}
        assert_database_plan_is_valid(db_path)
    else:
        assert "nothing written" in result.out
        assert set(bookings(db_path)) == {(2, "ref")}


def test_a_commit_says_which_requests_went_back_to_waiting(platform, db_path) -> None:
    cli = platform
    assert cli(*OPERATOR, "request", "approve", "1").code == 0
    assert cli(*OPERATOR, "schedule", "--time-limit", "5", "--commit").code == 0
    assert request_status(db_path, 1) == request_status(db_path, 2) == "scheduled"
    # The only sputter coater is down for the whole horizon: requests 1 and 2 cannot stay.
    down = ("--start", "2026-11-30 00:00", "--end", "2027-02-01 00:00", "--kind", "breakdown")
    assert cli(*OPERATOR, "downtime", "add", "sputter-1", *down).code == 0
    repair = cli(*OPERATOR, "schedule", "--repair", "--time-limit", "5", "--commit")
    assert repair.code == 0 and repair.err == "", repair.err
    assert "(loses its bookings)" in repair.out
    assert "; 2 back to waiting (1, 2)" in repair.out
    assert request_status(db_path, 1) == request_status(db_path, 2) == "approved"


def test_free_to_a_date_counts_that_whole_day(platform) -> None:
    rows = json.loads(
        platform(
            "free", "--kind", "sem", "--from", "2026-12-01", "--to", "2026-12-01", "--json"
        ).out
    )
    assert [(r["start"], r["end"]) for r in rows] == [("2026-12-01 08:00", "2026-12-01 18:00")]


def test_free_windows_are_whole_slots_of_the_plan(platform) -> None:
    down = platform(
        *OPERATOR, "downtime", "add", "sem-1", "--start", "2026-12-01 09:10",
        "--end", "2026-12-01 10:20",
    )  # fmt: skip
    assert down.code == 0, down.err
    rows = json.loads(
        platform(
            "free", "--kind", "sem", "--from", "2026-12-01", "--to", "2026-12-01", "--json"
        ).out
    )
    # 09:00-09:10 and 10:20-10:30 are slivers the 30-minute grid cannot book.
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2026-12-01 08:00", "2026-12-01 09:00"),
        ("2026-12-01 10:30", "2026-12-01 18:00"),
    ]
