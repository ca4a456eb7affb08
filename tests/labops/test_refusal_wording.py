"""A request refused at submission says why in the user's terms: money in money, a hard due
date that has passed as such, and its tasks by their keys (its id was never stored)."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FIXTURES

TINY = (FIXTURES / "tiny.toml").read_text()
LEAD = ("--as", "ada")
# The clock stands at Wed 25 Nov 2026 10:00 Berlin; sem-1's lab is open 08:00-18:00 and
# sem-1 costs 120.00 an hour.
FORM = """
project = "tandem"
title = "scan"
[[tasks]]
key = "scan"
duration = "{hours}h"
equipment = [{{ unit = "sem-1" }}]
staff = [{{ skill = "microscopy", level = 2 }}, {{ role = "industry engineer" }}]
due = {due}
due_hard = true
"""


@pytest.fixture
def submit(cli, tmp_path):
    def run(platform: str, hours: int, due: str):
        (tmp_path / "tiny.toml").write_text(platform)
        assert cli("load", str(tmp_path / "tiny.toml")).code == 0
        form = tmp_path / "form.toml"
        form.write_text(FORM.format(hours=hours, due=due))
        result = cli(*LEAD, "request", "submit", str(form))
        assert result.code == 1
        assert "submitted" not in result.out
        return result.err

    return run


def test_a_hard_due_date_in_the_past_is_named(submit) -> None:
    err = submit(TINY, 2, "2026-11-24T18:00:00")
    assert err.splitlines() == [
        "request refused, it can never fit: task 'scan': its hard due date Tue 24 Nov 18:00 "
        "has passed"
    ]


def test_a_refusal_names_tasks_by_key_not_by_an_id_never_stored(submit) -> None:
    err = submit(TINY, 11, "2026-12-11T18:00:00")  # longer than any opening
    assert "task 'scan'" in err
    assert not re.search(r"'R\d+\.", err)


def test_a_budget_refusal_is_in_money(submit) -> None:
    # Request 2 holds 1.5 h of sem-1 (180.00) of the 300.00.
    poor = TINY.replace("budget = 20000\n", "budget = 300\n", 1)
    err = submit(poor, 2, "2026-12-11T18:00:00")
    assert "it needs at least 240.00 from budget 'tandem', which has 120.00 left" in err


def test_a_task_longer_than_its_units_open_blames_the_units_first(submit) -> None:
    # 11 h on sem-1, whose lab is open 10 h a day: shifts of people would not help.
    first = submit(TINY, 11, "2026-12-11T18:00:00").splitlines()[0]
    assert first.startswith(
        "request refused, it can never fit: task 'scan': 'sem-1': open at most 10h at a stretch"
    ), first


def test_a_task_beyond_the_horizon_is_left_out_for_that_alone(cli, tmp_path) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    form = tmp_path / "far.toml"
    form.write_text(
        FORM.format(hours=2, due="2027-01-29T18:00:00").replace(
            "due_hard = true", "earliest = 2027-01-11T09:00:00"
        )
    )
    assert cli(*LEAD, "request", "submit", str(form)).code == 0
    assert cli("--as", "dara", "request", "approve", "3").code == 0
    result = cli("--as", "dara", "schedule", "--time-limit", "5", "--json")
    assert result.code == 0, result.err
    [far] = [row for row in json.loads(result.out)["left_out"] if row["request"] == 3]
    # Not "0 can work between Mon 11 Jan and <the horizon>", a window ending before it starts.
    assert far["rules"][0] == "task_window" and "person_available" not in far["rules"]
    assert "beyond the planning horizon" in far["reasons"][0]
    assert far["reasons"][0].endswith("plan more weeks")


def test_a_certificate_refusal_names_whose_expired_when(cli, tmp_path) -> None:
    # Only ben (industry engineer) may staff it, and his sem certificate ended on 1 Nov.
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    form = tmp_path / "cert.toml"
    form.write_text(
        FORM.format(hours=2, due="2026-12-11T18:00:00").replace(
            '[{ skill = "microscopy", level = 2 }, { role = "industry engineer" }]',
            '[{ role = "industry engineer" }]',
        )
    )
    result = cli(*LEAD, "request", "submit", str(form))
    assert result.code == 1
    assert "'sem' certificate" in result.err
    assert result.err.strip().endswith("ben's expired Sun 01 Nov 2026")


def test_units_taken_are_not_called_fully_booked(cli, tmp_path) -> None:
    # sem-1 is booked Mon 30 Nov 09:00-10:30 for request 2 (locked here, so that it stays);
    # this 1 h must end by 10:30.
    locked = tmp_path / "tiny.toml"
    locked.write_text(TINY.replace('status = "confirmed"', 'status = "locked"'))
    assert cli("load", str(locked)).code == 0
    form = tmp_path / "tight.toml"
    form.write_text(
        FORM.format(hours=1, due="2026-11-30T10:30:00").replace(
            "due_hard = true", "due_hard = true\nearliest = 2026-11-30T09:00:00"
        )
    )
    assert cli(*LEAD, "request", "submit", str(form)).code == 0
    assert cli("--as", "dara", "request", "approve", "3").code == 0
    result = cli("--as", "dara", "schedule", "--time-limit", "5", "--json")
    [tight] = [row for row in json.loads(result.out)["left_out"] if row["request"] == 3]
    assert tight["rules"][0] == "equipment_capacity"
    assert tight["reasons"][0].startswith(
        "task 'scan': its candidate units 'sem-1' have no room for "
        "its 1h between Mon 30 Nov 09:00 and Mon 30 Nov 10:30; held by requests 2 (booked, "
        "not to move)"
    )


def test_left_out_reasons_are_sentences_and_the_rules_are_in_json(cli, tmp_path) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    form = tmp_path / "far.toml"
    form.write_text(
        FORM.format(hours=2, due="2027-01-29T18:00:00").replace(
            "due_hard = true", "earliest = 2027-01-11T09:00:00"
        )
    )
    assert cli(*LEAD, "request", "submit", str(form)).code == 0
    assert cli("--as", "dara", "request", "approve", "3").code == 0
    result = cli("--as", "dara", "schedule", "--time-limit", "5", "--commit")
    assert result.code == 0, result.err
    shown = json.loads(cli(*LEAD, "request", "show", "3", "--json").out)
    why = shown["fields"]["waiting because"]
    assert why.startswith("task 'scan': its 2h from Mon 11 Jan 09:00 end beyond")
    assert "task_window" not in why and "'R3." not in why
