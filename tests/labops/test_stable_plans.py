"""A re-plan keeps what the plan in force promised (the stable-plans rules), on the demo.

One template per test run: the demo loaded at the fixed clock, its requests approved, planned
and committed. Each test copies it and changes one thing: nothing, a new request, a lock far
out, a breakdown, an absence, a rule. Plans are short (a few seconds) and every one that is
written passes the validator (the commit checks it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from labops import tables as t
from labops.bookings.service import book_task, change_booking
from labops.db import Database
from labops.errors import Conflict
from labops.localtime import to_local, to_utc
from labops.permissions import resolve_actor
from labops.planning.commit import InvalidPlan
from labops.planning.plans import commit, propose
from labops.planning.proposal import Change, Proposal
from labops.platform.demo import approve_submitted, demo_operator, load_demo
from labops.records.person_edits import add_absence
from labops.requests.form import parse_request_form
from labops.requests.service import approve_request, submit_request
from labops.vocabulary import AbsenceKind, BookingStatus, RequestStatus
from solver.problem import Standing
from solver.validate import validate
from tests.conftest import NOW, break_down

SECONDS = 4.0


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stable") / "planned.db"
    db = Database.open(str(path))
    load_demo(db, actor=None, now=NOW)
    operator = demo_operator(db)
    approve_submitted(db, actor=operator, now=NOW)
    # Deterministic, so a failure here can be replayed with the same plan in force.
    first = propose(db, actor=operator, now=NOW, time_limit=12, deterministic=True)
    commit(db, actor=operator, now=NOW, proposal=first)
    db.dispose()
    return path


@pytest.fixture
def demo(planned: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.db"
    shutil.copyfile(planned, path)
    db = Database.open(str(path))
    yield db
    db.dispose()


def operator(db: Database):
    return demo_operator(db)


def person(db: Database, person_id: str):
    with db.read() as session:
        return resolve_actor(session, person_id)


def admin(db: Database):
    return person(db, "katrin-vogel")


def new_request(db: Database) -> int:
    """The NEW_REQUEST form, submitted by its project's lead and approved by the operator."""
    form = parse_request_form(NEW_REQUEST, source="form")
    lead = person(db, "elena-marchetti")
    request_id = submit_request(db, actor=lead, form=form, now=NOW).request_id
    approve_request(db, actor=operator(db), request_id=request_id, now=NOW)
    return request_id


def plan(db: Database, **kw) -> Proposal:
    return propose(db, actor=operator(db), now=NOW, **{"time_limit": SECONDS, **kw})


def live_bookings(db: Database) -> dict[int, t.Booking]:
    with db.read() as session:
        rows = session.exec(
            select(t.Booking).where(
                col(t.Booking.status).in_(
                    [BookingStatus.PROPOSED, BookingStatus.CONFIRMED, BookingStatus.LOCKED]
                )
            )
        )
        return {b.id: b for b in rows}


def confirm_all(db: Database) -> None:
    """The operator confirms every proposed booking: the plan becomes promises."""
    for booking in live_bookings(db).values():
        if booking.status == BookingStatus.PROPOSED:
            change_booking(
                db, actor=operator(db), booking_id=booking.id, operation="confirm", now=NOW
            )


def test_the_committed_plan_has_waiting_requests_and_a_run(demo: Database) -> None:
    with demo.read() as session:
        runs = list(session.exec(select(t.PlanRun)))
        left = {row.request_id for row in session.exec(select(t.LeftOut))}
    assert len(runs) == 1 and runs[0].created > 50
    proposal = plan(demo)
    assert left and {r.request_id for r in proposal.left_out} == left
    assert all(r.standing == Standing.WAITING for r in proposal.left_out)


@pytest.mark.parametrize("seed", range(10))
def test_replanning_when_nothing_changed_proposes_no_change(demo: Database, seed: int) -> None:
    proposal = plan(demo, seed=seed)
    assert proposal.changes == [] and proposal.is_empty
    assert not proposal.conflicts


def test_a_replan_late_in_the_day_covers_the_same_days_and_changes_nothing(
    demo: Database,
) -> None:
    # At 23:50 the first free slot is tomorrow's: the horizon still ends where this
    # morning's plan ended, or a waiting request would take the extra day as "new".
    tz = "Europe/Berlin"
    late = to_utc(dt.datetime.combine(to_local(NOW, tz).date(), dt.time(23, 50)), tz)
    morning = plan(demo)
    evening = propose(demo, actor=operator(demo), now=late, time_limit=SECONDS)
    assert evening.snapshot.horizon_end == morning.snapshot.horizon_end
    assert evening.changes == []


def test_retry_waiting_plans_left_out_requests_as_new_ones(demo: Database) -> None:
    proposal = plan(demo, retry_waiting=True)
    standings = {proposal.snapshot.standing(r.request_id) for r in proposal.left_out}
    assert standings <= {Standing.NEW}


NEW_REQUEST = """
project = "perovskite-tandem"
title = "ITO top contacts for tandem batch T-15"
[[tasks]]
key = "sputter"
duration = "4h"
equipment = [{ kind = "sputter" }]
staff = [{ skill = "thin-films", level = 2 }, { role = "industry engineer" }]
"""


def test_a_new_request_is_added_without_moving_a_confirmed_booking(demo: Database) -> None:
    confirm_all(demo)
    new_id = new_request(demo)
    proposal = plan(demo)
    assert new_id in proposal.placed_requests
    new = [c for c in proposal.changes if c.request_id == new_id]
    assert new and all(c.change == Change.NEW for c in new)
    others = [c for c in proposal.changes if c.request_id != new_id]
    assert not [c for c in others if c.status == BookingStatus.CONFIRMED]
    assert not [r for r in proposal.left_out if r.was_scheduled]


def waiting_task(db: Database) -> tuple[int, str, str, list[str]]:
    """A waiting request's first task that runs on one unit with one person, the unit and
    an eligible person certified for it a year on: (request id, task key, unit, people).
    Which requests wait depends on the plan, so every one is tried."""
    proposal = plan(db)
    problem = proposal.snapshot.problem
    a_year_on = NOW + dt.timedelta(days=380)
    with db.read() as session:
        certified = {
            (c.person_id, c.kind_id): c.expires for c in session.exec(select(t.Certification))
        }
        units = {u.id: u for u in session.exec(select(t.Equipment))}
    for left in proposal.left_out:
        for key, row in proposal.snapshot.tasks.items():
            if row.request_id != left.request_id or row.due is not None:
                continue
            task = problem.task[key]
            needs = task.modes[0].needs
            if len(needs) != 1 or sum(s.count for s in task.staff) != 1:
                continue
            unit = needs[0].candidates[0]
            for person in problem.people:
                # Certified a year on, or not certified where the unit needs no certificate.
                expires = certified.get((person.id, units[unit].kind))
                valid = (expires or dt.date.min) >= a_year_on.date()
                needless = expires is None and not units[unit].certified_operator
                if task.staff[0].admits(person) and (valid or needless):
                    return left.request_id, row.key, unit, [person.id]
    raise AssertionError("no waiting request with a one-unit, one-person task")


@pytest.mark.parametrize("weeks_out", [5, 10])
def test_a_locked_booking_far_out_survives_every_plan(demo: Database, weeks_out: int) -> None:
    request_id, task, unit, people = waiting_task(demo)
    with demo.read() as session:
        tz = session.get(t.PlatformInfo, 1).timezone
    from labops.localtime import monday_of, to_local, to_utc

    monday = monday_of(to_local(NOW, tz).date()) + dt.timedelta(weeks=weeks_out)
    booked = None
    for day in range(5):
        for hour in (8, 9, 10, 11, 13):
            start = to_utc(dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour)), tz)
            try:
                booked = book_task(
                    demo,
                    actor=operator(demo),
                    request_id=request_id,
                    task_key=task,
                    start=start,
                    units=[unit],
                    people=people,
                    now=NOW,
                    lock=True,
                )
                break
            except Conflict:
                continue
        if booked:
            break
    assert booked is not None, "no free slot for the locked booking"
    before = live_bookings(demo)[booked]
    for repair in (False, True):
        proposal = plan(demo, repair=repair)
        assert booked not in {c.booking_id for c in proposal.changes}
        commit(demo, actor=operator(demo), now=NOW, proposal=proposal)
        after = live_bookings(demo)[booked]
        assert (after.start, after.status) == (before.start, BookingStatus.LOCKED)


def busy_unit_booking(db: Database, *, after: dt.datetime) -> t.Booking:
    """A live booking on a unit that has several, starting after ``after``."""
    with db.read() as session:
        rows = list(
            session.exec(
                select(t.Booking, t.BookingUnit.equipment_id)
                .join(t.BookingUnit, t.BookingUnit.booking_id == t.Booking.id)
                .where(t.Booking.start > after)
                .order_by(t.Booking.start)
            )
        )
    per_unit: dict[str, int] = {}
    for _, unit in rows:
        per_unit[unit] = per_unit.get(unit, 0) + 1
    return next(b for b, unit in rows if per_unit[unit] >= 5)


def test_a_repair_changes_only_what_the_breakdown_forces(demo: Database) -> None:
    confirm_all(demo)
    proposal = plan(demo)
    hit_booking = busy_unit_booking(demo, after=proposal.snapshot.frozen_until)
    with demo.read() as session:
        unit = session.exec(
            select(t.BookingUnit.equipment_id).where(t.BookingUnit.booking_id == hit_booking.id)
        ).first()
    start = hit_booking.start.replace(hour=0, minute=0)
    hit = break_down(demo, unit, start, dt.timedelta(days=1), actor=operator(demo)).hit
    hit_ids = {row["id"] for row in hit.rows}
    assert hit_booking.id in hit_ids
    # Bounded by work, not the clock: the same repair however busy the machine is.
    repair = plan(demo, repair=True, deterministic=True, time_limit=10)
    changed = {c.booking_id for c in repair.changes}
    assert hit_ids <= changed  # every hit booking is moved, re-staffed or cancelled
    # Other requests' confirmed bookings move only for a higher priority (a hit request's
    # own bookings may move with the one that was hit).
    problem = repair.snapshot.problem
    hit_requests = {c.request_id for c in repair.changes if c.booking_id in hit_ids}
    hit_priority = max(problem.request[f"R{r}"].priority for r in hit_requests)
    for c in repair.changes:
        if c.request_id not in hit_requests and c.status == BookingStatus.CONFIRMED:
            assert problem.request[f"R{c.request_id}"].priority < hit_priority
    # A request the breakdown did not touch is dropped only for a higher-priority one.
    for left in repair.left_out:
        if left.was_scheduled and left.request_id not in hit_requests:
            assert problem.request[f"R{left.request_id}"].priority < hit_priority
    assert len(changed) <= len(hit_ids) + 5


def test_a_locked_booking_hit_by_downtime_stays_and_is_reported(demo: Database) -> None:
    proposal = plan(demo)
    booking = busy_unit_booking(demo, after=proposal.snapshot.frozen_until)
    change_booking(demo, actor=operator(demo), booking_id=booking.id, operation="lock", now=NOW)
    with demo.read() as session:
        unit = session.exec(
            select(t.BookingUnit.equipment_id).where(t.BookingUnit.booking_id == booking.id)
        ).first()
    break_down(demo, unit, booking.start, booking.end - booking.start, actor=operator(demo))
    for repair in (False, True):
        proposal = plan(demo, repair=repair)
        assert booking.id not in {c.booking_id for c in proposal.changes}
        conflict = next(c for c in proposal.conflicts if c.booking_id == booking.id)
        assert conflict.status == BookingStatus.LOCKED and "downtime" in conflict.why[0]
        assert "unlock" in conflict.remedy
        commit(demo, actor=operator(demo), now=NOW, proposal=proposal)
        assert live_bookings(demo)[booking.id].start == booking.start


def first_frozen_booking(proposal: Proposal) -> t.Booking:
    snapshot = proposal.snapshot
    return min(
        (
            b.booking
            for k, b in snapshot.booked.items()
            if k in snapshot.frozen
            and b.booking.status == BookingStatus.PROPOSED
            and b.people
            and snapshot.ready <= b.booking.start < snapshot.frozen_until
        ),
        key=lambda b: b.start,
    )


def test_the_freeze_window_keeps_a_hit_booking_until_a_repair(demo: Database) -> None:
    proposal = plan(demo)
    booking = first_frozen_booking(proposal)
    person = proposal.snapshot.booked[
        next(k for k, b in proposal.snapshot.booked.items() if b.booking.id == booking.id)
    ].people[0]
    add_absence(
        demo,
        actor=admin(demo),
        now=NOW,
        person_id=person,
        start=booking.start,
        end=booking.end,
        kind=AbsenceKind.SICK,
        note="",
    )
    plain = plan(demo)
    assert booking.id not in {c.booking_id for c in plain.changes}
    assert booking.id in {c.booking_id for c in plain.conflicts}
    assert "--repair" in next(c.remedy for c in plain.conflicts if c.booking_id == booking.id)
    repair = plan(demo, repair=True)
    assert booking.id in {c.booking_id for c in repair.changes}
    assert booking.id not in {c.booking_id for c in repair.conflicts}


def test_without_a_freeze_window_the_next_days_may_be_replanned(demo: Database) -> None:
    proposal = plan(demo)
    frozen = plan(demo, freeze_days=0)
    assert frozen.snapshot.frozen_until <= proposal.snapshot.frozen_until
    assert len(frozen.snapshot.frozen) < len(proposal.snapshot.frozen)


def test_a_plan_made_before_a_rule_changed_is_refused(demo: Database) -> None:
    confirm_all(demo)
    new_id = new_request(demo)
    proposal = plan(demo)
    placed = next(c for c in proposal.changes if c.request_id == new_id)
    # Meanwhile the SEM's site changes its opening hours to one hour a day.
    with demo.write() as session:
        unit = session.get(t.Equipment, placed.new.units[0])
        for hours in session.exec(select(t.SiteHours).where(t.SiteHours.site_id == unit.site)):
            hours.opens, hours.closes = dt.time(8), dt.time(9)
            session.add(hours)
    with pytest.raises(Conflict, match="rules changed since this plan was made"):
        commit(demo, actor=operator(demo), now=NOW, proposal=proposal)
    with demo.read() as session:
        request = session.get(t.Request, new_id)
        assert request.status == RequestStatus.APPROVED


def test_the_validator_refuses_a_plan_that_moves_a_booking_in_the_freeze_window(
    demo: Database,
) -> None:
    proposal = plan(demo)
    snapshot = proposal.snapshot
    key = next(
        k
        for k, b in snapshot.booked.items()
        if k in snapshot.frozen and snapshot.ready <= b.booking.start < snapshot.frozen_until
    )
    moved = dict(proposal.plan.assignments)
    moved[key] = dataclasses.replace(moved[key], start=moved[key].start + 1)
    tampered = dataclasses.replace(
        proposal, plan=dataclasses.replace(proposal.plan, assignments=moved)
    )
    violations = validate(snapshot.problem, tampered.plan)
    assert any(v.rule == "locked_booking" and v.task == key for v in violations)
    with pytest.raises(InvalidPlan, match="nothing written"):
        commit(demo, actor=operator(demo), now=NOW, proposal=tampered)


def test_schedule_options_on_the_command_line(planned: Path, db_path: Path, cli) -> None:
    shutil.copyfile(planned, db_path)
    bad = cli("--as", "aylin-demir", "schedule", "--freeze", "99")
    assert bad.code != 0 and "--freeze 99: between 0 and 60 working days" in bad.err
    runs = [
        json.loads(
            cli(
                "--as", "aylin-demir", "schedule", "--freeze", "0", "--retry-waiting",
                "--deterministic", "--seed", "4", "--time-limit", "20", "--json",
            ).out
        )
        for _ in range(2)
    ]  # fmt: skip
    # A deterministic solve gives the same plan unless the clock cut it first (a loaded
    # machine), which it then says.
    if runs[0]["repeatable"] and runs[1]["repeatable"]:
        assert runs[0]["changes"] == runs[1]["changes"]
    assert runs[0]["frozen_until"] == "2026-11-25T10:00"  # now, on the slot grid
    assert all(r["standing"] == "new" for r in runs[0]["left_out"])


def test_a_booking_a_year_ahead_stays_and_keeps_the_plan_small(demo: Database) -> None:
    # Booked (locked) a year ahead, the task is fixed, but the plan's grid does not reach it.
    request_id, task, unit, people = waiting_task(demo)
    booked = None
    for day in range(14):
        start = dt.datetime(2027, 11, 22, 9, tzinfo=dt.UTC) + dt.timedelta(days=day)
        try:
            booked = book_task(
                demo, actor=operator(demo), request_id=request_id, task_key=task, start=start,
                units=[unit], people=people, now=NOW, lock=True,
            )  # fmt: skip
            break
        except Conflict:
            continue
    assert booked is not None
    proposal = plan(demo)
    weeks_of_slots = proposal.snapshot.problem.horizon * 30 / 60 / 24 / 7
    assert weeks_of_slots < 4 + 26 + 1
    assert booked not in {c.booking_id for c in proposal.changes}
    assert task not in {
        c.task.split(".")[1] for c in proposal.changes if c.request_id == request_id
    }
