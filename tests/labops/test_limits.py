"""Unbounded input: files read at most their limit plus a byte, dates at most two years
ahead, solver time limits and workers bounded; each refusal one line, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.labops.test_fixture_io import db_digest

TINY = (FIXTURES / "tiny.toml").read_text()


@pytest.fixture
def loaded(cli):
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    return cli


def test_load_reads_no_more_than_its_limit_from_a_device(cli) -> None:
    # /dev/zero has size 0 to stat() and never ends: only the bytes read can be counted.
    result = cli("load", "/dev/zero")
    assert result.code == 1 and "larger than 50 MB" in result.err
    assert len(result.err.splitlines()) == 1


def test_request_submit_reads_no_more_than_its_limit(loaded, tmp_path: Path) -> None:
    result = loaded("--as", "ada", "request", "submit", "/dev/zero")
    assert result.code == 1 and "larger than 1 MB" in result.err
    big = tmp_path / "big.toml"
    big.write_text('project = "tandem"\n# ' + "x" * (1024 * 1024) + "\n")
    result = loaded("--as", "ada", "request", "submit", str(big))
    assert result.code == 1 and "larger than 1 MB" in result.err


def test_a_platform_file_with_a_booking_in_a_far_year_is_refused(cli, db_path, tmp_path) -> None:
    text = TINY.replace(
        "start = 2026-11-30T09:00:00\nend = 2026-11-30T10:30:00",
        "start = 2199-11-30T09:00:00\nend = 2199-11-30T10:30:00",
    )
    assert "2199" in text
    path = tmp_path / "far.toml"
    path.write_text(text)
    result = cli("load", str(path))
    assert result.code == 1
    assert "booking 2/ref: end: 2199-11-30 is more than two years" in result.err
    assert "holds no platform" in cli("list", "sites").err  # nothing was written


def test_far_dates_in_forms_and_options_are_refused(loaded, db_path, tmp_path) -> None:
    before = db_digest(db_path)
    form = tmp_path / "far.toml"
    form.write_text(
        'project = "tandem"\ntitle = "Far"\n[[tasks]]\nkey = "scan"\nduration = "1h"\n'
        'equipment = [{ unit = "sem-1" }]\ndue = 2199-01-01T12:00:00\n'
    )
    result = loaded("--as", "ada", "request", "submit", str(form))
    assert result.code == 1 and "task 'scan': due 2199-01-01 is more than two years" in result.err
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    before = db_digest(db_path)
    result = loaded("--as", "dara", "booking", "add", "1", "coat", "--start", "2199-12-01 09:00")
    assert result.code == 1 and "more than two years ahead" in result.err
    result = loaded("--as", "dara", "schedule", "--from", "2199-12-01", "--time-limit", "1")
    assert result.code == 1 and "more than two years ahead" in result.err
    assert db_digest(db_path) == before


@pytest.mark.parametrize(
    ("option", "value"),
    [("--time-limit", "inf"), ("--time-limit", "nan"), ("--time-limit", "0"),
     ("--time-limit", "1e9"), ("--workers", "1000"), ("--workers", "0")],
)  # fmt: skip
def test_solver_limits_are_bounded(loaded, option: str, value: str) -> None:
    for command in (["schedule"], ["demo"]):
        result = loaded("--as", "dara", *command, option, value)
        assert result.code == 1, (command, result.err)
        assert len(result.err.strip().splitlines()) == 1 and option in result.err


def test_limits_leave_normal_use_alone(loaded) -> None:
    result = loaded("--as", "dara", "schedule", "--time-limit", "2", "--workers", "2", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["status"] in ("optimal", "feasible")
