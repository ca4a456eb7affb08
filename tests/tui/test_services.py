"""The services the UI added: the timeline window, the dashboard's alerts, the lead's
overview, record editing. Tiny platform; request 2's booking is sem-1, Mon 30 Nov 09:00-10:30
Berlin, with dara."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from labops import tables as t
from labops.bookings.timeline import booking_info, timeline
from labops.dashboard.alerts import AlertKind
from labops.dashboard.lead import lead_overview
from labops.dashboard.overview import dashboard
from labops.db import Database
from labops.errors import PermissionDenied
from labops.fields import format_hours_text, parse_hours_text
from labops.planning.plans import commit, propose
from labops.records import edit as resources
from labops.records import person_edits
from labops.requests.service import approve_request
from tests.conftest import NOW, break_down
from tests.tui.conftest import actor

MONDAY = dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)  # Mon 30 Nov 00:00 Berlin
WEEK = (MONDAY, MONDAY + dt.timedelta(days=7))


def test_timeline_reads_only_its_window(tiny: Database) -> None:
    dara = actor(tiny, "dara")
    this_week = timeline(tiny, actor=dara, start=WEEK[0] - dt.timedelta(days=7), end=WEEK[0])
    assert all(not lane.bars for lane in this_week.lanes)
    next_week = timeline(tiny, actor=dara, start=WEEK[0], end=WEEK[1])
    assert [g for g, _ in next_week.groups] == ["matlab", "pilot"]
    sem = next(lane for lane in next_week.lanes if lane.id == "sem-1")
    assert [(b.kind, b.label) for b in sem.bars] == [
        ("booking", "R2 ref"),
        ("downtime", "detector calibration"),
    ]


def test_timeline_shows_others_bookings_as_busy(tiny: Database) -> None:
    people = timeline(tiny, actor=actor(tiny, "ben"), start=WEEK[0], end=WEEK[1], view="person")
    (bar,) = next(lane for lane in people.lanes if lane.id == "dara").bars
    assert (bar.label, bar.project, bar.booking_id) == ("busy", None, None)
    with pytest.raises(PermissionDenied):
        booking_info(tiny, actor=actor(tiny, "ben"), booking_id=1)
    # dara works on it: hers to see, as for the project's lead.
    for person in ("dara", "ada"):
        assert booking_info(tiny, actor=actor(tiny, person), booking_id=1).title == "Booking 1"


def test_dashboard_alerts_downtime_lapsed_certification_and_due_dates(tiny: Database) -> None:
    dara, eve = actor(tiny, "dara"), actor(tiny, "eve")
    monday = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)  # 08:00 Berlin
    assert dashboard(tiny, actor=dara, now=monday).alerts == ()
    break_down(
        tiny, "sem-1", monday, dt.timedelta(hours=3), actor=dara, now=monday, reason="filament"
    )
    person_edits.set_certification(
        tiny,
        actor=eve,
        now=monday,
        person_id="dara",
        values={"kind": "sem", "expires": "2026-11-01"},
    )
    later = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
    alerts = dashboard(tiny, actor=dara, now=monday).alerts
    assert [(a.kind, a.booking_id) for a in alerts] == [
        (AlertKind.DOWNTIME, 1),
        (AlertKind.CERTIFICATION, 1),
    ]
    assert "sem-1 is down (filament) during booking 1" in alerts[0].message
    assert "dara's expired 2026-11-01" in alerts[1].message
    (due,) = dashboard(tiny, actor=dara, now=later).alerts
    assert due.kind == AlertKind.DUE and due.request_id == 1
    assert due.message == ("R1 image due Fri 11 Dec 18:00, and the request is still submitted")
    # Someone who may not read the project gets none of them.
    assert dashboard(tiny, actor=actor(tiny, "cleo"), now=monday).alerts == ()


def test_dashboard_now_and_next_per_site(tiny: Database) -> None:
    during = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)  # 09:30 Berlin
    board = dashboard(tiny, actor=actor(tiny, "dara"), now=during)
    matlab = next(site for site in board.sites if site.site_id == "matlab")
    assert [s.label for s in matlab.running] == ["R2 ref (tandem)"]
    assert matlab.utilization is not None and 0 < matlab.utilization < 0.1
    assert [row["id"] for row in board.pending.rows] == [1, 2]


def test_lead_overview_tells_why_a_request_was_left_out(tiny: Database) -> None:
    dara, ada = actor(tiny, "dara"), actor(tiny, "ada")
    approve_request(tiny, actor=dara, request_id=1, now=NOW)
    # sputter-1 down for the whole horizon: request 1's coating cannot be placed.
    break_down(tiny, "sputter-1", NOW, dt.timedelta(weeks=8), actor=dara)
    commit(tiny, actor=dara, now=NOW, proposal=propose(tiny, actor=dara, now=NOW, time_limit=5))
    overview = lead_overview(tiny, actor=ada, now=NOW)
    left = {row["id"]: row["reasons"] for row in overview.left_out.rows}
    assert "'sputter-1': downtime covers every possible slot" in left[1]
    stands = {row["id"]: row["stands"] for row in overview.requests.rows}
    assert stands[1].startswith("left out of the last plan: task 'coat': 'sputter-1': downtime")


def test_a_lead_sees_requests_in_progress_before_finished_ones(demo: Database) -> None:
    overview = lead_overview(demo, actor=actor(demo, "elena-marchetti"), now=NOW)
    statuses = [row["status"] for row in overview.requests.rows]
    assert "done" in statuses and statuses[0] != "done"
    first_done = statuses.index("done")
    assert all(s in ("done", "cancelled", "rejected") for s in statuses[first_done:])


def test_record_forms_are_checked_field_by_field_and_audited(tiny: Database) -> None:
    eve = actor(tiny, "eve")
    values = resources.record_values(tiny, kind="person", record_id="cleo")
    with pytest.raises(resources.FieldErrors) as refused:
        resources.save_record(
            tiny,
            actor=eve,
            now=NOW,
            kind="person",
            values={**values, "home_site": "atlantis", "hours": "mon-fri 9-17"},
            new=False,
        )
    assert refused.value.errors == {"hours": "'9-17' is not a window like '08:00-17:00'"}
    with pytest.raises(resources.FieldErrors) as refused:
        resources.save_record(
            tiny,
            actor=eve,
            now=NOW,
            kind="person",
            values={**values, "home_site": "atlantis"},
            new=False,
        )
    assert refused.value.errors == {"home_site": "no site 'atlantis'"}
    with pytest.raises(PermissionDenied):
        resources.save_record(
            tiny, actor=actor(tiny, "dara"), now=NOW, kind="person", values=values, new=False
        )
    resources.save_record(
        tiny,
        actor=eve,
        now=NOW,
        kind="person",
        values={**values, "weekly_hours": "24", "hours": "mon-wed 09:00-17:00"},
        new=False,
    )
    saved = resources.record_values(tiny, kind="person", record_id="cleo")
    assert (saved["weekly_hours"], saved["hours"]) == ("24", "mon-wed 09:00-17:00")
    with tiny.read() as session:
        event = session.exec(
            select(t.AuditEvent).where(t.AuditEvent.action == "person.update")
        ).one()
    assert event.actor == "eve" and event.changes["weekly_hours"] == ["20", "24"]


def test_hours_text_reads_back_as_written() -> None:
    text = "mon-thu 08:00-12:00, 13:00-17:00; fri 08:00-14:00; sat 09:00-12:00"
    hours = parse_hours_text(text)
    by_weekday = {["mon", "tue", "wed", "thu", "fri", "sat"].index(d): w for d, w in hours.items()}
    assert format_hours_text(by_weekday) == text
    for bad, problem in (
        ("fri-mon 08:00-12:00", "the days run backwards"),
        ("mon 08:00-12:00; mon 13:00-14:00", "mon is given twice"),
        ("weekdays 08:00-12:00", "is not like 'mon-fri 08:00-18:00'"),
    ):
        with pytest.raises(ValueError, match=problem):
            parse_hours_text(bad)


def test_a_task_is_booked_by_hand_a_week_ahead(demo: Database) -> None:
    # The check window starts next week: requests whose first tasks lie before it keep
    # their order without those tasks in the problem (this once raised a ProblemError).
    from labops.bookings.service import book_task

    operator = actor(demo, "aylin-demir")
    approve_request(demo, actor=operator, request_id=7, now=NOW)
    monday = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)  # 09:00 in Aachen
    booking_id = book_task(
        demo,
        actor=operator,
        request_id=7,
        task_key="weigh",
        start=monday,
        units=["glovebox-1", "balance-1"],
        people=["tobias-hartmann"],
        now=NOW,
    )
    with demo.read() as session:
        booking = session.get(t.Booking, booking_id)
        assert booking.start.replace(tzinfo=dt.UTC) == monday
