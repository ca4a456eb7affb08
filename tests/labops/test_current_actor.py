"""Rights are checked against the database inside each write transaction: an Actor resolved
before an admin took rights away (an open TUI, a long script) can no longer use them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labops.bookings import service as bookings
from labops.db import Database
from labops.errors import PermissionDenied
from labops.permissions import Actor, resolve_actor
from labops.platform.load import load_platform
from labops.platform.read import read_platform_file
from labops.records import edit as resources
from labops.requests import service as requests
from labops.vocabulary import DowntimeKind
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_io import db_digest
from tests.postgres import outside


@pytest.fixture
def tiny(db: Database) -> Database:
    load_platform(db, read_platform_file(FIXTURES / "tiny.toml"), actor=None, now=NOW)
    return db


def _resolve(db: Database, person: str) -> Actor:
    with db.read() as session:
        return resolve_actor(session, person)


def _set_access(path: Path, person: str, access: str) -> None:
    outside(
        path, "UPDATE person SET access = :access WHERE id = :id", {"access": access, "id": person}
    )


def test_a_demoted_operator_resolved_before_is_refused(tiny: Database, db_path: Path) -> None:
    dara = _resolve(tiny, "dara")  # an operator when resolved
    _set_access(db_path, "dara", "viewer")
    before = db_digest(db_path)
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    writes = [
        lambda: requests.approve_request(tiny, actor=dara, request_id=1, now=NOW),
        lambda: requests.reject_request(tiny, actor=dara, request_id=1, now=NOW, reason="x"),
        lambda: bookings.change_booking(tiny, actor=dara, booking_id=1, operation="lock", now=NOW),
        lambda: bookings.add_downtime(
            tiny,
            actor=dara,
            unit_id="sem-1",
            start=start,
            end=start + dt.timedelta(hours=1),
            kind=DowntimeKind.BREAKDOWN,
            reason="",
            now=NOW,
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match="viewer 'dara'"):
            write()
    assert db_digest(db_path) == before


def test_an_admin_demoted_cannot_edit_records(tiny: Database, db_path: Path) -> None:
    eve = _resolve(tiny, "eve")
    _set_access(db_path, "eve", "operator")
    values = resources.record_values(tiny, kind="person", record_id="cleo")
    with pytest.raises(PermissionDenied, match="operator 'eve'"):
        resources.save_record(tiny, actor=eve, now=NOW, kind="person", values=values, new=False)


def test_a_lead_who_no_longer_leads_cannot_withdraw(tiny: Database, db_path: Path) -> None:
    ada = _resolve(tiny, "ada")
    outside(db_path, "UPDATE project SET lead = 'cleo' WHERE id = 'tandem'")
    with pytest.raises(PermissionDenied, match="project 'tandem'"):
        requests.withdraw_request(tiny, actor=ada, request_id=1, now=NOW)


def test_a_plan_made_by_an_operator_demoted_since_is_not_written(
    tiny: Database, db_path: Path
) -> None:
    from labops.planning.plans import commit, propose

    dara = _resolve(tiny, "dara")
    requests.approve_request(tiny, actor=_resolve(tiny, "eve"), request_id=1, now=NOW)
    proposal = propose(tiny, actor=dara, now=NOW, time_limit=3)
    assert proposal.changes
    _set_access(db_path, "dara", "viewer")
    before = db_digest(db_path)
    with pytest.raises(PermissionDenied, match="viewer 'dara'"):
        commit(tiny, actor=dara, now=NOW, proposal=proposal)
    assert db_digest(db_path) == before
