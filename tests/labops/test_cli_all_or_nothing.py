"""Commands taking several ids check them all first, then change all of them or none."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

TINY = str(FIXTURES / "tiny.toml")


@pytest.fixture
def dara(cli):
    """The CLI acting as dara, an operator of the tiny platform (request 1 submitted,
    request 2 approved, booking 1 confirmed)."""
    assert cli("load", TINY).code == 0
    return lambda *args: cli("--as", "dara", *args)


def _status(dara, kind: str, record_id: int) -> str:
    result = dara("show", kind, str(record_id), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)["fields"]["status"]


def _events(dara, action: str) -> list[dict]:
    result = dara("audit", "--action", action, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("ids", [("1", "9999"), ("9999", "1"), ("1", "2")])
def test_approve_with_one_bad_id_approves_none(dara, ids) -> None:
    result = dara("request", "approve", *ids)
    assert result.code != 0
    assert len(result.err.strip().splitlines()) == 1
    assert "request 9999" in result.err or "request 2 is approved" in result.err
    assert "approved" not in result.out
    assert _status(dara, "request", 1) == "submitted"
    assert _events(dara, "request.approve") == []


def test_approve_names_a_request_once_however_often_typed(dara) -> None:
    result = dara("request", "approve", "1", "1")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["request 1 approved"]
    assert _status(dara, "request", 1) == "approved"
    assert len(_events(dara, "request.approve")) == 1


def test_booking_lock_with_one_bad_id_locks_none(dara) -> None:
    result = dara("booking", "lock", "1", "9999")
    assert result.code == 1
    assert result.err.strip() == "no booking 9999"
    assert _status(dara, "booking", 1) == "confirmed"
    assert _events(dara, "booking.lock") == []


def test_booking_lock_twice_in_one_command_locks_once(dara) -> None:
    result = dara("booking", "lock", "1", "1")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["booking 1 locked"]
    assert _status(dara, "booking", 1) == "locked"
    assert len(_events(dara, "booking.lock")) == 1
