"""`labops charges`: a month's charge statement; `labops charges close`: close a month."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from labops.charges import render, service
from labops.fields import format_money
from labops.files import write_atomically
from labops_cli.render import console
from labops_cli.state import CliState

charges_app = typer.Typer(
    help="Monthly charge statements per project and fund pool; closing a month.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(charges_app, name="charges")


@charges_app.callback()
def statement_command(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="The month, e.g. 2027-01."),
    fmt: str = typer.Option("md", "--format", help="csv, md, json or html."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    project: str | None = typer.Option(None, "--project", help="Only this project."),
    pool: str | None = typer.Option(None, "--pool", help="Only this fund pool."),
) -> None:
    """Show a month's charges: line items, totals per project and pool (stored once closed)."""
    if ctx.invoked_subcommand is not None:
        return
    if month is None:
        raise typer.BadParameter("give --month, e.g. --month 2027-01", param_hint="--month")
    if fmt not in render.FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(render.FORMATS)}", param_hint="--format")
    state: CliState = ctx.obj
    found = service.statement(state.db, actor=state.actor, month=month, project=project, pool=pool)
    text = render.render(found, fmt)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    write_atomically(output, text)
    console.print(f"charges {month} written to {output}: total {format_money(found.total)}")


@charges_app.command("close")
def close_command(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="The month to close, e.g. 2027-01."),
) -> None:
    """Close a month: its lines are stored and its statement never changes afterwards."""
    state: CliState = ctx.obj
    closed = service.close_month(state.db, actor=state.actor, month=month, now=state.now())
    console.print(f"{month} closed: {len(closed.lines)} lines, total {format_money(closed.total)}")
