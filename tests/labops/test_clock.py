"""Audit times, and every other "now", come from the real clock, never the environment."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from labops import clock
from labops.db import Database
from labops.tables import AuditEvent, Request
from tests.conftest import FIXTURES


def test_labops_now_in_the_environment_does_not_date_the_audit(cli, db_path, monkeypatch) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    monkeypatch.setattr(clock, "_fixed", None)  # the real clock, as outside the tests
    monkeypatch.setenv("LABOPS_NOW", "2020-01-01T00:00:00+00:00")
    before = dt.datetime.now(dt.UTC)
    assert cli("--as", "dara", "request", "approve", "1").code == 0
    after = dt.datetime.now(dt.UTC)
    database = Database.open(str(db_path))
    with database.read() as session:
        approval = session.exec(
            select(AuditEvent).where(AuditEvent.action == "request.approve")
        ).one()
        decided = session.get(Request, 1).decided_at
    database.dispose()
    slack = dt.timedelta(minutes=1)
    assert before - slack <= approval.at <= after + slack, approval.at
    assert before - slack <= decided <= after + slack, decided


def test_a_fixed_clock_is_set_in_process_only() -> None:
    with clock.fixed(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        assert clock.now() == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError), clock.fixed(dt.datetime(2030, 1, 1)):
        pass
