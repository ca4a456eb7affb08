"""`labops tui`: the operator terminal UI."""

from __future__ import annotations

import typer

from labops import clock
from labops.errors import PermissionDenied
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("tui")(tui_command)


def tui_command(ctx: typer.Context) -> None:
    """Open the operator terminal UI (project leads get their projects; --as PERSON)."""
    from tui.app import run  # Textual loads for this command only, not for every labops run

    state: CliState = ctx.obj
    actor = state.actor_or_none
    if actor is not None and actor.impersonated_by:
        # The UI resolves its person again on each write and would not carry the admin.
        raise PermissionDenied(
            "permission denied: the TUI cannot impersonate on a login platform; use "
            "the CLI's commands with --as, which the audit trail records as such"
        )
    run(state.db, actor.id if actor else None, clock.now)
