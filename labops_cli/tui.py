"""`labops tui`: the operator terminal UI."""

from __future__ import annotations

import typer

from labops import clock
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("tui")(tui_command)


def tui_command(ctx: typer.Context) -> None:
    """Open the operator terminal UI (project leads get their projects; --as PERSON)."""
    from tui.app import run  # Textual loads for this command only, not for every labops run

    state: CliState = ctx.obj
    run(state.db, state.identity, clock.now)
