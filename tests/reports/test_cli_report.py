"""`labops report weekly` as people use it: terminal, files, refusals in one line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest


@pytest.fixture
def report(cli, week_db_path: Path):
    """``labops --as pia report weekly ARGS`` on the report tests' platform."""
    return lambda *args: cli("--as", "pia", "report", "weekly", *args, db=week_db_path)


def test_terminal_report_of_the_last_full_week(report) -> None:
    result = report()
    assert result.code == 0, result.err
    out = result.out
    assert "Weekly utilization report 2026-W47" in out
    assert "2026-W47 (Mon 2026-11-16 to Sun 2026-11-22)" in out
    # The SEM's line: 4 down, 36 available, 5 booked, none of it recorded, 13.9 % (the
    # terminal leaves out the site, Cap, Open h, No-show h and Outside h columns; the files
    # carry them).
    sem_rows = [
        [cell.strip() for cell in line.split("│")[1:10]]
        for line in out.splitlines()
        if line.startswith("│ sem ")
    ]
    assert sem_rows[0] == [
        "sem",
        "sem",
        "4.00",
        "36.00",
        "5.00",
        "0.00",
        "13.9%",
        "██··········",  # 13.9 % of 12 characters
        "alpha 5.00",  # its top projects
    ]
    assert "People over or under their capacity" in out
    assert "120.0%" in out and "over" in out  # max


def test_json_on_stdout_for_scripts(report) -> None:
    result = report("--week", "2026-W47", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["summary"][0]["demand_h"] == 47.0
    assert [r["request"] for r in data["waiting"] if r["left_out"]] == [3]


def test_a_dash_for_output_is_standard_output(report, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = report("-o", "-")
    assert result.code == 0, result.err
    assert result.out.startswith("# Weekly utilization report 2026-W47")
    assert json.loads(report("-o", "-", "--format", "json").out)["summary"]
    assert not (tmp_path / "-").exists()


def test_files_in_every_format(report, tmp_path: Path) -> None:
    for name in ("w.md", "w.html", "w.zip", "csv/"):
        result = report("--output", f"{tmp_path}/{name}")
        assert result.code == 0, (name, result.err)
        assert "weekly report 2026-W47 written to" in result.out
    assert (tmp_path / "w.md").read_text().startswith("# Weekly utilization report 2026-W47")
    assert (tmp_path / "w.html").read_text().count("<svg") == 3
    assert "units.csv" in zipfile.ZipFile(tmp_path / "w.zip").namelist()
    assert (tmp_path / "csv" / "trend.csv").read_text().startswith("Site,2026-W40,")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--week", "2026-W54"), 1, "--week 2026-W54: not an ISO week"),
        (("--site", "moon"), 1, "no site 'moon'"),
        (("--format", "csv"), 1, "--format csv writes one file per table: give --output"),
        (("--output", "report.txt"), 1, "--output report.txt: cannot tell the format"),
    ],
)
def test_bad_arguments_get_one_line(report, args, code: int, message: str) -> None:
    result = report(*args)
    assert result.code == code
    assert result.err.strip().splitlines() == [result.err.strip()]
    assert result.err.strip().startswith(message)


def test_only_report_readers_may_read_it(cli, week_db_path: Path) -> None:
    result = cli("--as", "sam", "report", "weekly", db=week_db_path)
    assert result.code == 4
    assert result.err.strip() == "permission denied: member 'sam' cannot read platform reports"
    result = cli("report", "weekly", db=week_db_path)
    assert result.code == 4
    assert result.err.strip().startswith("who is acting?")
