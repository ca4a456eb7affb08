"""Hostile and broken input: every file, form and argument either works or fails with a
clear message, never a traceback, and a failure writes nothing."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labops.db import Database
from labops.errors import LabopsError
from labops.permissions import Actor
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document, parse_platform_text
from labops.requests import service as requests
from labops.requests.form import parse_request_form
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_io import db_digest

TINY = (FIXTURES / "tiny.toml").read_text()
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values people (and attackers) type: huge, NaN, empty, very long, control characters,
# out-of-range dates, and wall-clock times that a daylight-saving switch skips or repeats.
ADVERSARIAL = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308]),
    st.text(max_size=20),
    st.sampled_from(
        ["", " ", "\x00", "\x1b[31mred", "[bold]x[/bold]", "a" * 5000, "é" * 70, "../../etc"]
    ),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        [
            dt.datetime(2026, 3, 29, 2, 30),  # skipped in Berlin
            dt.datetime(2026, 10, 25, 2, 30),  # repeated in Berlin
            dt.datetime(1, 1, 1),
            dt.datetime(9999, 12, 31, 23, 59),
        ]
    ),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    """Every (path, value) leaf of a parsed TOML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))
    else:
        yield prefix, node


LEAVES = [path for path, _ in _paths(tomllib.loads(TINY))]


def _replace(document, path, value):
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def test_a_huge_id_in_a_travel_pair_keeps_the_message_short() -> None:
    # Found by the property below: the pair's label repeated the whole hostile id.
    document = tomllib.loads(TINY)
    document["travel"][0]["between"][0] = "a" * 5000
    with pytest.raises(LabopsError) as refused:
        parse_platform_document(document, source="x.toml")
    assert all(len(line) < 600 for line in str(refused.value).splitlines())


@SETTINGS
@given(path=st.sampled_from(LEAVES), value=ADVERSARIAL)
def test_platform_file_with_one_hostile_value(path, value, tmp_path_factory) -> None:
    document = tomllib.loads(TINY)
    _replace(document, path, value)
    try:
        data = parse_platform_document(document, source="x.toml")
    except LabopsError as exc:
        lines = str(exc).splitlines()
        assert lines and all(line.startswith("x.toml: ") for line in lines)
        assert all(len(line) < 600 for line in lines), "messages stay readable"
        return
    # Accepted: it must then load, or be refused cleanly with nothing written.
    path_db = tmp_path_factory.mktemp("db") / "labops.db"
    db = Database.open(str(path_db))
    before = db_digest(path_db)
    try:
        load_platform(db, data, actor=None, now=NOW)
    except LabopsError:
        assert db_digest(path_db) == before
    finally:
        db.dispose()


@SETTINGS
@given(text=st.text(max_size=300))
def test_platform_file_of_random_text(text) -> None:
    with pytest.raises(LabopsError):
        parse_platform_text(text, source="x.toml")


FORM = """
project = "tandem"
title = "Scan"
[[tasks]]
key = "scan"
duration = "2h"
equipment = [{ unit = "sem-1" }]
staff = [{ skill = "microscopy", level = 2 }, { role = "industry engineer" }]
earliest = 2026-12-01T08:00:00
"""
FORM_LEAVES = [path for path, _ in _paths(tomllib.loads(FORM))]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "labops.db"
    db = Database.open(str(path))
    load_platform(db, parse_platform_text(TINY), actor=None, now=NOW)
    db.dispose()
    return path


@SETTINGS
@given(path=st.sampled_from(FORM_LEAVES), value=ADVERSARIAL)
def test_request_form_with_one_hostile_value(path, value, tiny_db: Path) -> None:
    document = tomllib.loads(FORM)
    _replace(document, path, value)
    try:
        text = tomlkit.dumps(document)
    except Exception:  # a value TOML cannot hold (e.g. a NUL in a key): nothing to submit
        return
    db = Database.open(str(tiny_db))
    before = db_digest(tiny_db)
    try:
        form = parse_request_form(text, source="form.toml")
        requests.submit_request(db, actor=Actor.system(), form=form, now=NOW, draft=True)
    except LabopsError as exc:
        assert str(exc).strip()
        assert db_digest(tiny_db) == before
    finally:
        db.dispose()


CLI_CASES = [
    ("show", "person", "{x}"),
    ("show", "request", "{x}"),
    ("--as", "dara", "show", "booking", "{x}"),
    ("list", "equipment", "--site", "{x}"),
    ("--as", "dara", "list", "bookings", "--from", "{x}"),
    ("free", "--kind", "sem", "--from", "{x}", "--to", "2026-12-03"),
    ("free", "--kind", "sem", "--from", "2026-12-01", "--to", "2026-12-03", "--hours", "{x}"),
    ("--as", "dara", "schedule", "--weeks", "{x}", "--time-limit", "1"),
    ("--as", "dara", "schedule", "--time-limit", "{x}"),
    ("--as", "dara", "downtime", "add", "sem-1", "--start", "{x}", "--end", "2026-12-02 10:00"),
    ("--as", "dara", "request", "reject", "1", "--reason", "{x}"),
    ("--as", "{x}", "request", "approve", "1"),
    ("--as", "dara", "audit", "--since", "{x}"),
    ("--as", "dara", "booking", "add", "1", "{x}", "--start", "2026-12-01 09:00"),
]
ARGUMENT = st.one_of(
    st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s),
    st.sampled_from(
        [
            "-1",
            "0",
            "1e309",
            "nan",
            "inf",
            "99999999999999999999",
            "2026-02-30",
            "2026-03-29 02:30",
            "2026-10-25 02:30",
            "0001-01-01",
            "9999-12-31 23:59",
            "--help",
        ]
    ),
)


@SETTINGS
@given(case=st.sampled_from(CLI_CASES), value=ARGUMENT)
def test_cli_arguments_never_crash(case, value, tiny_db: Path, capsys) -> None:
    from labops_cli.main import main

    before = db_digest(tiny_db)
    args = ["--db", str(tiny_db), *(part.replace("{x}", value) for part in case)]
    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2, 3, 4), (args, code, err)
    assert "internal error" not in err and "Traceback" not in err, (args, err)
    if code not in (0, 2):
        assert err.strip(), "a refusal says why"
    if case[:3] == ("--as", "dara", "downtime") and code == 0:
        return  # a valid downtime was recorded: that write was asked for
    if code != 0:
        assert db_digest(tiny_db) == before


def test_user_text_is_never_markup(cli, tmp_path: Path) -> None:
    """Names with rich markup or escape codes are printed as the characters they are."""
    text = TINY.replace('name = "FE-SEM Sigma 300"', 'name = "[bold magenta]SEM[/]"')
    path = tmp_path / "markup.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0
    out = cli("list", "equipment").out
    assert "[bold magenta]SEM[/]" in out
    assert "\x1b[" not in out
