"""Terminal escape injection: control characters are refused where text comes in, and text
already stored with them (an old database, a forged backup) is shown, never obeyed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labops.errors import LabopsError
from labops.platform.read import parse_platform_text
from labops.requests.form import parse_request_form
from tests.conftest import FIXTURES
from tests.postgres import outside

TINY = (FIXTURES / "tiny.toml").read_text()
# A clipboard write, a window title, and "hide what follows".
HOSTILE = "scan \x1b]52;c;cm0gLXJmIH4=\x1b\\ \x1b]0;owned\x07 \x1b[8mhidden \x9b31m"


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F]


@pytest.fixture
def loaded(cli):
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    return cli


def _store_title(db_path: Path, title: str) -> None:
    """As an older labops, or a forged backup, may have stored it."""
    outside(db_path, "UPDATE request SET title = :title WHERE id = 1", {"title": title})


def test_a_platform_file_with_control_characters_is_refused() -> None:
    text = TINY.replace('name = "FE-SEM Sigma 300"', 'name = "SEM \\u001b]0;owned\\u0007"')
    with pytest.raises(LabopsError) as refused:
        parse_platform_text(text, source="x.toml")
    assert "control character \\x1b" in str(refused.value)
    assert not _raw_controls(str(refused.value))


def test_a_request_form_with_control_characters_is_refused() -> None:
    form = (
        'project = "tandem"\ntitle = "a\\u009b31m"\n'
        '[[tasks]]\nkey = "scan"\nduration = "1h"\nequipment = [{ unit = "sem-1" }]\n'
    )
    with pytest.raises(LabopsError) as refused:
        parse_request_form(form, source="form.toml")
    assert "title" in str(refused.value) and "\\x9b" in str(refused.value)


def test_cli_text_with_control_characters_is_refused_and_nothing_written(loaded) -> None:
    result = loaded("--as", "dara", "request", "reject", "1", "--reason", HOSTILE)
    assert result.code == 1 and "reason: holds the control character \\x1b" in result.err
    assert not _raw_controls(result.err)
    rows = json.loads(loaded("--as", "dara", "list", "requests", "--json").out)
    assert rows[0]["status"] == "submitted"
    result = loaded("--as", "dara", "downtime", "add", "sem-1", "--start", "2026-12-01 08:00",
                    "--end", "2026-12-01 09:00", "--note", "\x1b[2J")  # fmt: skip
    assert result.code == 1 and "note:" in result.err


def test_an_escape_laden_identity_is_refused_without_echoing_it(loaded) -> None:
    result = loaded("--as", "\x1b]0;owned\x07dara", "list", "requests")
    assert result.code == 4
    assert not _raw_controls(result.err)


def test_stored_control_characters_are_shown_not_obeyed(loaded, db_path: Path) -> None:
    _store_title(db_path, HOSTILE)
    for args in (
        ("--as", "dara", "request", "show", "1"),
        ("--as", "dara", "list", "requests"),
        ("--as", "dara", "show", "request", "1"),
        ("--as", "dara", "list", "requests", "--json"),
    ):
        result = loaded(*args)
        assert result.code == 0, result.err
        assert not _raw_controls(result.out), args
    shown = loaded("--as", "dara", "request", "show", "1").out
    assert "\\x1b]0;owned\\x07" in shown  # visible, so an operator sees something is odd
    data = json.loads(loaded("--as", "dara", "list", "requests", "--json").out)
    assert data[0]["title"] == HOSTILE  # scripts get the text as it is, safely escaped
