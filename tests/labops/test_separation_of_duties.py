"""Separation of duties: the requester is who submitted; approving a request one submitted,
or one of a project one leads, needs another operator unless the platform allows it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES

TINY = (FIXTURES / "tiny.toml").read_text()
FORM = """
project = "tandem"
title = "My own scan"
[[tasks]]
key = "scan"
duration = "1h"
equipment = [{ unit = "sem-1" }]
staff = [{ skill = "microscopy", level = 2 }]
"""


def _platform(cli, tmp_path: Path, *, self_approval: bool = False) -> None:
    # dara, an operator, leads the project.
    text = TINY.replace('lead = "ada"', 'lead = "dara"')
    if self_approval:
        text = text.replace("slot_minutes = 30\n", "slot_minutes = 30\nself_approval = true\n", 1)
    path = tmp_path / "platform.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0


def _submit(cli, tmp_path: Path, who: str) -> int:
    form = tmp_path / "form.toml"
    form.write_text(FORM)
    result = cli("--as", who, "request", "submit", str(form))
    assert result.code == 0, result.err
    return int(result.out.split()[1])


def test_an_operator_cannot_approve_her_own_request(cli, tmp_path: Path) -> None:
    _platform(cli, tmp_path)
    request_id = _submit(cli, tmp_path, "dara")
    detail = json.loads(cli("--as", "dara", "request", "show", str(request_id), "--json").out)
    assert detail["fields"]["requester"] == "dara"
    result = cli("--as", "dara", "request", "approve", str(request_id))
    assert result.code == 4
    assert result.err.strip() == (
        f"permission denied: dara submitted it: request {request_id} needs another operator's "
        "approval (the platform's self_approval setting is off)"
    )
    # Nor one of the project she leads, submitted by someone else (request 1, by ada).
    result = cli("--as", "dara", "request", "approve", "1")
    assert result.code == 4 and "dara leads project 'tandem'" in result.err
    # A second operator (here the admin) approves both.
    assert cli("--as", "eve", "request", "approve", str(request_id), "1").code == 0


def test_the_requester_is_who_submitted_not_the_lead(cli, tmp_path: Path) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    request_id = _submit(cli, tmp_path, "dara")  # an operator, for ada's project
    detail = json.loads(cli("--as", "dara", "request", "show", str(request_id), "--json").out)
    assert detail["fields"]["requester"] == "dara"
    assert cli("--as", "dara", "request", "approve", str(request_id)).code == 4
    assert cli("--as", "ada", "request", "approve", str(request_id)).code == 4  # a lead


def test_a_platform_may_allow_self_approval(cli, tmp_path: Path) -> None:
    _platform(cli, tmp_path, self_approval=True)
    request_id = _submit(cli, tmp_path, "dara")
    assert cli("--as", "dara", "request", "approve", str(request_id)).code == 0
    exported = cli("--as", "dara", "export", "-").out
    assert "self_approval = true" in exported
