"""`labops tui`: the command builds the app with the CLI's database and identity."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tui.app import LabopsApp


def test_labops_tui_needs_someone_and_opens_their_view(cli, monkeypatch) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    refused = cli("tui")
    assert refused.code == 4
    assert refused.err.strip() == (
        "who is acting? give --as PERSON or set LABOPS_USER (operators here: dara, eve)"
    )
    assert cli("--as", "nobody-here", "tui").code == 4

    opened: list[LabopsApp] = []
    monkeypatch.setattr(LabopsApp, "run", lambda self, **_: opened.append(self))
    assert cli("--as", "ada", "tui").code == 0
    (app,) = opened
    assert app.ctx.actor.id == "ada" and app.home == "projects"


@pytest.mark.parametrize("person", ["dara", "eve"])
def test_operators_and_admins_get_the_control_room(cli, monkeypatch, person: str) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    opened: list[LabopsApp] = []
    monkeypatch.setattr(LabopsApp, "run", lambda self, **_: opened.append(self))
    assert cli("--as", person, "tui").code == 0
    assert [mode for mode, _, _ in opened[0].screen_list()] == [
        "today",
        "schedule",
        "requests",
        "plan",
        "resources",
        "report",
    ]
