"""Identity from the login: on a platform that takes it from there, a person acts as their
login; --as is impersonation, for admins only, and the audit trail records both. On an open
platform (SQLite's default) --as names anyone, as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from labops import identity
from tests.conftest import FIXTURES

TINY = (FIXTURES / "tiny.toml").read_text()


def _platform(cli, tmp_path: Path, mode: str | None) -> None:
    """tiny.toml with logins: ada (a lead) is 'alovelace', eve (an admin) 'eroot'."""
    text = TINY.replace('identity = "open"\n', f'identity = "{mode}"\n' if mode else "")
    text = text.replace('id = "ada"\n', 'id = "ada"\nlogin = "alovelace"\n', 1)
    text = text.replace('id = "eve"\n', 'id = "eve"\nlogin = "eroot"\n', 1)
    path = tmp_path / "platform.toml"
    path.write_text(text)
    result = cli("load", str(path))
    assert result.code == 0, result.err


@pytest.fixture
def login_as(monkeypatch: pytest.MonkeyPatch):
    def set_login(name: str) -> None:
        monkeypatch.setattr(identity, "os_login", lambda: name)

    return set_login


def _last_event(cli, action: str) -> dict:
    result = cli("--as", "eve", "audit", "--action", action, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)[0]


def test_a_person_acts_as_their_login_without_as(cli, tmp_path, login_as) -> None:
    _platform(cli, tmp_path, "login")
    login_as("alovelace")
    result = cli("request", "list", "--mine", "--json")
    assert result.code == 0, result.err
    login_as("nobody-here")
    refused = cli("request", "list", "--mine")
    assert refused.code == 4
    [line] = refused.err.strip().splitlines()
    assert line.startswith("permission denied: no person of this platform has the login ")
    assert "'nobody-here'" in line  # and on PostgreSQL the role connected as


def test_a_non_admin_cannot_act_as_another_person(cli, tmp_path, login_as) -> None:
    _platform(cli, tmp_path, "login")
    login_as("alovelace")
    result = cli("--as", "dara", "request", "approve", "1")
    assert result.code == 4
    assert len(result.err.strip().splitlines()) == 1
    assert "lead 'ada' cannot act as another person" in result.err
    # Naming oneself is no impersonation.
    assert cli("--as", "ada", "request", "list", "--mine").code == 0


def test_an_admin_impersonates_and_the_audit_names_both(cli, tmp_path, login_as) -> None:
    _platform(cli, tmp_path, "login")
    login_as("eroot")
    result = cli("--as", "dara", "booking", "lock", "1")
    assert result.code == 0, result.err
    event = _last_event(cli, "booking.lock")
    assert event["actor"] == "dara (by eve)"
    # The person's own rights apply, not the admin's: a lead cannot lock bookings.
    refused = cli("--as", "ada", "booking", "lock", "2")
    assert refused.code == 4 and "lead 'ada'" in refused.err
    # The admin's impersonations are found under the admin's name too.
    mine = json.loads(cli("audit", "--who", "eve", "--json").out)
    assert [e["action"] for e in mine] == ["booking.lock"]


def test_an_open_platform_takes_as_from_anyone(cli, tmp_path, login_as) -> None:
    _platform(cli, tmp_path, "open")
    login_as("alovelace")
    result = cli("--as", "dara", "booking", "lock", "1")
    assert result.code == 0, result.err
    assert _last_event(cli, "booking.lock")["actor"] == "dara"


def test_the_default_is_open_on_sqlite_and_login_on_a_server(cli, tmp_path, login_as, db_path):
    _platform(cli, tmp_path, None)
    login_as("alovelace")
    result = cli("--as", "dara", "booking", "lock", "1")
    if getattr(db_path, "backend", "sqlite") == "sqlite":
        assert result.code == 0, result.err
    else:
        assert result.code == 4, result.err


def test_a_login_used_twice_in_a_file_is_refused(cli, tmp_path) -> None:
    text = TINY.replace('id = "ada"\n', 'id = "ada"\nlogin = "x"\n', 1)
    text = text.replace('id = "eve"\n', 'id = "eve"\nlogin = "x"\n', 1)
    path = tmp_path / "platform.toml"
    path.write_text(text)
    result = cli("load", str(path))
    assert result.code != 0
    assert "login 'x': defined 2 times" in result.err


def test_on_postgresql_the_database_role_is_the_login(cli, tmp_path, login_as, db_path) -> None:
    if getattr(db_path, "backend", "sqlite") == "sqlite":
        pytest.skip("SQLite has no database roles: the OS user is the login there")
    role = sa.make_url(str(db_path)).username
    text = TINY.replace('identity = "open"\n', "").replace(
        'id = "ada"\n', f'id = "ada"\nlogin = "{role}"\n', 1
    )
    path = tmp_path / "platform.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0
    login_as("someone-else")  # the role the server authenticated counts first
    assert cli("request", "list", "--mine").code == 0
    refused = cli("--as", "dara", "booking", "lock", "1")
    assert refused.code == 4 and "lead 'ada' cannot act as another person" in refused.err
