"""Counts read as people write them: "1 task, 1 hour", not "1 tasks, 1 hours"."""

from __future__ import annotations

from tests.conftest import FIXTURES

FORM = """
project = "tandem"
title = "one scan"
[[tasks]]
key = "scan"
duration = "1h"
equipment = [{ unit = "sem-1" }]
staff = [{ skill = "microscopy", level = 2 }, { role = "industry engineer" }]
earliest = 2026-12-01T08:00:00
"""


def test_a_one_task_request_is_one_task(cli, tmp_path) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    form = tmp_path / "one.toml"
    form.write_text(FORM)
    result = cli("--as", "ada", "request", "submit", str(form))
    assert result.code == 0, result.err
    assert result.out.strip() == "request 3 submitted: 1 task, 1 hour"
