"""`labops funds`: budgets, committed and remaining money per pool and project."""

from __future__ import annotations

import typer

from labops.funds.service import funds
from labops_cli.render import print_json, print_listing
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("funds")(funds_command)


def funds_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
    month: str | None = typer.Option(
        None, "--month", help="Spent: this month's charges (e.g. 2027-01) instead of all."
    ),
) -> None:
    """Show budget, committed (planned), spent (charged) and remaining money per fund pool
    and per project."""
    state: CliState = ctx.obj
    result = funds(state.db, actor=state.actor, month=month)
    if as_json:
        print_json({"pools": result.pools.rows, "projects": result.projects.rows})
        return
    if result.pools.rows:
        print_listing(result.pools)
    print_listing(result.projects)
