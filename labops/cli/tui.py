"""`labops tui`: the operator terminal UI.

labops never imports Textual (an import-linter contract keeps the layers one way), so the
UI package is found by name at run time.
"""

from __future__ import annotations

import importlib

import typer

from labops import clock
from labops.cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("tui")(tui_command)


def tui_command(ctx: typer.Context) -> None:
    """Open the operator terminal UI (project leads get their projects; --as PERSON)."""
    state: CliState = ctx.obj
    ui = importlib.import_module("tui.app")
    ui.run(state.db, state.identity, clock.now)
