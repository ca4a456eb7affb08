"""A request's own dates: its earliest start holds for every task, a hard due date for its
finish (every task ends by then), a soft one is its lateness, counted once on its finish."""

from __future__ import annotations

import datetime as dt

import pytest

from labops.db import Database
from labops.errors import InputError
from labops.localtime import to_utc
from labops.permissions import resolve_actor
from labops.planning.plans import propose
from labops.platform.dump import export_platform
from labops.records.details import show_record
from labops.requests.form import parse_request_form
from labops.requests.service import approve_request, submit_request
from tests.conftest import NOW
from tests.tui import conftest as tui

tiny_template, tiny = tui.tiny_template, tui.tiny

FORM = """
project = "tandem"
title = "Two images by Friday"
earliest = 2026-12-02T13:00:00
due = 2026-12-04T12:00:00
due_hard = {hard}

[[tasks]]
key = "first"
duration = "2h"
equipment = [{{ unit = "sem-1" }}]
staff = [{{ skill = "microscopy", level = 2 }}]

[[tasks]]
key = "second"
duration = "2h"
equipment = [{{ unit = "sem-1" }}]
staff = [{{ skill = "microscopy", level = 2 }}, {{ role = "industry engineer" }}]
"""


def actor(db: Database, person: str):
    with db.read() as session:
        return resolve_actor(session, person)


def submitted(db: Database, hard: bool) -> int:
    form = parse_request_form(FORM.format(hard=str(hard).lower()), source="form")
    request_id = submit_request(db, actor=actor(db, "ada"), form=form, now=NOW).request_id
    approve_request(db, actor=actor(db, "dara"), request_id=request_id, now=NOW)
    return request_id


def local(text: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(text), "Europe/Berlin")


def test_a_hard_due_date_and_an_earliest_start_hold_for_every_task(tiny: Database) -> None:
    request_id = submitted(tiny, hard=True)
    proposal = propose(tiny, actor=actor(tiny, "dara"), now=NOW, deterministic=True, time_limit=5)
    problem = proposal.snapshot.problem
    grid = proposal.snapshot.grid
    for key in ("first", "second"):
        task = problem.task[f"R{request_id}.{key}"]
        assert task.earliest == grid.ceil(local("2026-12-02T13:00:00"))
        assert task.deadline == grid.floor(local("2026-12-04T12:00:00"))
    assert problem.request[f"R{request_id}"].due is None  # a must, not a cost
    shown = dict(
        show_record(tiny, "request", str(request_id), now=NOW, actor=actor(tiny, "ada")).fields
    )
    assert (shown["earliest"], shown["due"]) == ("2026-12-02 13:00", "2026-12-04 12:00 (hard)")
    placed = [c for c in proposal.changes if c.request_id == request_id]
    assert len(placed) == 2
    for change in placed:
        assert local("2026-12-02T13:00:00") <= change.new.start
        assert change.new.end <= local("2026-12-04T12:00:00")


def test_a_soft_due_date_is_the_requests_and_the_file_keeps_both(tiny: Database) -> None:
    request_id = submitted(tiny, hard=False)
    proposal = propose(tiny, actor=actor(tiny, "dara"), now=NOW, deterministic=True, time_limit=5)
    problem = proposal.snapshot.problem
    grid = proposal.snapshot.grid
    assert problem.request[f"R{request_id}"].due == grid.floor(local("2026-12-04T12:00:00"))
    assert all(problem.task[f"R{request_id}.{k}"].due is None for k in ("first", "second"))
    with tiny.read() as session:
        (entry,) = [r for r in export_platform(session).requests if r.id == request_id]
    assert (entry.earliest, entry.due, entry.due_hard) == (
        dt.datetime(2026, 12, 2, 13),
        dt.datetime(2026, 12, 4, 12),
        False,
    )


def test_a_request_that_can_never_meet_its_hard_due_date_is_refused(tiny: Database) -> None:
    # Due before its own earliest start: no task can fit, and nothing is stored.
    text = FORM.format(hard="true").replace("due = 2026-12-04", "due = 2026-12-01")
    form = parse_request_form(text, source="form")
    with pytest.raises(InputError, match="it can never fit"):
        submit_request(tiny, actor=actor(tiny, "ada"), form=form, now=NOW)
    with tiny.read() as session:
        assert [r.id for r in export_platform(session).requests] == [1, 2]
