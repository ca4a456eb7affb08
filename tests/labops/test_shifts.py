"""Tasks in shifts, from the platform file to committed bookings: a test platform whose
48 h and 72 h runs no single working window holds is planned round the clock by an early,
a late and a night operator handing over half an hour, and the bookings say who watches
when (show, calendar, export)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import select

from labops import tables as t
from labops.db import Database
from labops.migrate import alembic_config, current_revision, head_revision
from labops.planning.build import build_snapshot
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document, parse_platform_text
from solver.plan import Plan
from solver.shifts import Window, pick
from solver.solve import SolveOptions, solve
from solver.validate import validate
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_errors import entry, problems
from tests.postgres import outside

NIGHTS = "00:00-06:30, 22:00-24:00"
OPERATORS = {  # early, late and night: each arrives 30 minutes before the hand-over
    "olga": {d: "06:00-14:30" for d in ("mon", "tue", "wed", "thu", "fri")},
    "paul": {d: "14:00-22:30" for d in ("mon", "tue", "wed", "thu", "fri")},
    "nina": {"mon": "22:00-24:00", **{d: NIGHTS for d in ("tue", "wed", "thu", "fri")},
             "sat": "00:00-06:30"},
}  # fmt: skip


def shift_platform(hours: dict[str, dict[str, str]] = OPERATORS, handover: str = "30m") -> dict:
    """The tiny platform with three pilot-line operators and two long sputter runs in
    shifts (48 h and 72 h, approved): no one works more than 8.5 hours at a stretch."""
    document = tomllib.loads((FIXTURES / "tiny.toml").read_text())
    document["planning"] = {"handover": handover}
    document["projects"].append(  # no team rule: shift people are not counted on teams
        {
            "id": "barrier",
            "name": "Barrier layers",
            "stage": "pilot",
            "lead": "ada",
            "priority": 3,
            "fund_pool": "product",
            "budget": 50000,
        }
    )
    for person, week in hours.items():
        document["people"].append(
            {
                "id": person,
                "name": person.title(),
                "role": "platform architect",
                "home_site": "pilot",
                "platform_staff": True,
                "hours": week,
                "skills": {"coating": 2},
                "certifications": {"sputter": dt.date(2027, 12, 31)},
            }
        )
    for number, hours_long in ((3, 48), (4, 72)):
        document["requests"].append(
            {
                "id": number,
                "project": "barrier",
                "requester": "ada",
                "title": f"{hours_long} h barrier-layer run",
                "status": "approved",
                "tasks": [
                    {
                        "key": "run",
                        "duration": f"{hours_long}h",
                        "equipment": [{"unit": "sputter-1"}],
                        "staff": [{"skill": "coating", "level": 2}],
                        "shifts": True,
                    }
                ],
            }
        )
    return document


def plan_of(db: Database, document: dict) -> tuple[object, Plan]:
    load_platform(db, parse_platform_document(document, source="t"), actor=None, now=NOW)
    with db.read() as session:
        problem = build_snapshot(session, now=NOW).problem
    plan = solve(problem, SolveOptions(time_limit=10, deterministic=True))
    assert validate(problem, plan) == []
    return problem, plan


def test_48_and_72_hour_runs_are_placed_in_shifts(db: Database) -> None:
    problem, plan = plan_of(db, shift_platform())
    runs = {t.id: t for t in problem.tasks if t.id.endswith(".run")}
    assert len(runs) == 2 and all(t.shifts is not None for t in runs.values())
    assert set(runs) <= set(plan.assignments)
    for task_id, task in runs.items():
        a = plan.assignments[task_id]
        end = a.start + task.modes[0].duration
        people = {s.person for s in a.shifts}
        assert people == {"olga", "paul", "nina"} and a.people == ()
        assert a.shifts[0].start == a.start and a.shifts[-1].end == end
        for before, after in zip(a.shifts, a.shifts[1:], strict=False):
            assert after.start == before.end - 1  # the half-hour hand-over, one slot
        assert max(s.end - s.start for s in a.shifts) <= 17  # 8.5 h at most
        # No one is called in for a shift the others cover anyway: without any one of
        # them, the run is no longer covered.
        windows = [Window(s.person, s.start, s.end) for s in a.shifts]
        assert task.shifts is not None
        for k in range(len(windows)):
            others = windows[:k] + windows[k + 1 :]
            assert pick(others, a.start, end, task.shifts.handover, lambda _: True) is None


def test_without_a_night_operator_the_run_is_left_out_naming_shifts(db: Database) -> None:
    day_only = {k: v for k, v in OPERATORS.items() if k != "nina"}
    _, plan = plan_of(db, shift_platform(day_only))
    for request in ("R3", "R4"):
        reasons = plan.unplaced[request]
        assert reasons[0].rule == "shift_cover" and "in shifts" in reasons[0].message


def test_a_task_in_shifts_has_one_staff_need_of_one_person() -> None:
    document = shift_platform()
    entry(entry(document, "requests", 3), "tasks", "run", field="key")["staff"] = [
        {"skill": "coating", "count": 2}
    ]
    found = problems(document)
    assert len(found) == 1 and "one staff need of count 1" in found[0]


def test_committed_shifts_show_in_the_booking_the_calendar_and_the_export(
    cli, tmp_path: Path
) -> None:
    platform = tmp_path / "shifts.toml"
    from labops.platform.dump import to_toml

    platform.write_text(to_toml(parse_platform_document(shift_platform(), source="t")))
    assert cli("load", str(platform)).code == 0
    assert cli("--as", "dara", "schedule", "--time-limit", "10", "--commit").code == 0
    listed = cli("--as", "dara", "list", "bookings", "--person", "nina")
    assert listed.code == 0 and "run" in listed.out
    booking_id = next(
        line.split()[1] for line in listed.out.splitlines() if " 3 " in line and "run" in line
    )
    shown = cli("--as", "dara", "show", "booking", booking_id)
    assert "shifts" in shown.out and "olga" in shown.out and "nina" in shown.out
    feed = cli("--as", "nina", "calendar", "--person", "nina", "--output", "-")
    assert f"booking-{booking_id}-shift-" in feed.out.replace("\r\n ", "")
    exported = tmp_path / "out.toml"
    assert cli("--as", "dara", "export", str(exported)).code == 0
    again = parse_platform_text(exported.read_text())
    bookings = [b for b in again.bookings if b.request in (3, 4)]
    assert len(bookings) == 2 and all(b.shifts and not b.people for b in bookings)
    # A re-plan keeps the shifts as they are.
    replan = cli("--as", "dara", "schedule", "--time-limit", "5")
    assert "nothing to write" in replan.out, replan.out


def test_the_migration_down_keeps_one_row_per_person_and_back_up(db: Database, db_path) -> None:
    document = parse_platform_document(shift_platform(), source="t")
    load_platform(db, document, actor=None, now=NOW)
    with db.write() as session:
        booking = t.Booking(
            task_id=session.exec(select(t.Task.id).where(t.Task.shifts)).first(),
            start=NOW,
            end=NOW + dt.timedelta(hours=48),
            created_at=NOW,
        )
        session.add(booking)
        session.flush()
        for k, person in enumerate(["olga", "paul", "nina", "olga"], 1):
            lo = NOW + dt.timedelta(hours=8 * (k - 1))
            session.add(
                t.BookingPerson(
                    booking_id=booking.id,
                    person_id=person,
                    shift=k,
                    busy_start=lo,
                    busy_end=lo + dt.timedelta(hours=8),
                )
            )
        booking_id = booking.id
    config = alembic_config(db.engine)
    command.downgrade(config, "0042")  # the migration before shifts
    rows = outside(
        db_path,
        "SELECT person_id FROM booking_person WHERE booking_id = :b ORDER BY person_id",
        {"b": booking_id},
    )
    assert [row[0] for row in rows] == ["nina", "olga", "paul"]  # olga's 2nd shift goes
    command.upgrade(config, "head")
    assert current_revision(db.engine) == head_revision()


@pytest.mark.parametrize("handover", ["0m", "30m"])
def test_the_hand_over_is_a_planning_setting(handover: str) -> None:
    parsed = parse_platform_document(shift_platform(handover=handover), source="t")
    assert parsed.planning.handover == int(handover[:-1])


def test_a_task_in_shifts_is_not_booked_by_hand(cli, tmp_path: Path) -> None:
    from labops.platform.dump import to_toml

    platform = tmp_path / "shifts.toml"
    platform.write_text(to_toml(parse_platform_document(shift_platform(), source="t")))
    assert cli("load", str(platform)).code == 0
    args = ("--start", "2026-12-07 06:00", "--units", "sputter-1", "--people", "olga")
    result = cli("--as", "dara", "booking", "add", "3", "run", *args)
    assert result.code != 0 and "staffed in shifts" in result.err
    assert len(result.err.strip().splitlines()) == 1
