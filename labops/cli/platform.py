"""`labops init|load|export|schema|demo`: a platform in and out of the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.text import Text

from labops.cli.render import console, print_listing
from labops.cli.state import CliState
from labops.files import write_atomically
from labops.fixture.dump import export_platform, to_toml
from labops.fixture.load import load_platform
from labops.fixture.read import read_platform_file
from labops.fixture.schema import PlatformFile
from labops.services import catalog, demo
from labops.services.timeinput import parse_instant


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("load")(load_command)
    app.command("export")(export_command)
    app.command("schema")(schema_command)
    app.command("demo")(demo_command)


def init_command(ctx: typer.Context) -> None:
    """Create the database (or bring its schema up to date)."""
    state: CliState = ctx.obj
    console.print(f"database ready: {state.db.url}")


def load_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A platform file (TOML, see docs/fixture-format.md)."),
    replace: bool = typer.Option(False, help="Replace the platform the database holds."),
    rebase_to: str | None = typer.Option(
        None, help="Move all dates by whole weeks so the file's anchor week is this date's week."
    ),
) -> None:
    """Load a whole platform from a file: all of it, or nothing if anything is wrong."""
    state: CliState = ctx.obj
    data = read_platform_file(file)
    target = None
    if rebase_to is not None:
        target = parse_instant(rebase_to, data.platform.timezone, "--rebase-to").date()
    actor = state.actor if state.identity else None
    summary = load_platform(
        state.db, data, actor=actor, now=state.now(), replace=replace, rebase_to=target
    )
    counts = ", ".join(f"{n} {what}" for what, n in summary.counts.items())
    console.print(f"loaded {summary.platform}: {counts}")


def export_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="Where to write the platform file ('-' for stdout)."),
) -> None:
    """Write the whole platform to a file in the same format `load` reads."""
    state: CliState = ctx.obj
    with state.db.read() as session:
        text = to_toml(export_platform(session))
    if file == "-":
        sys.stdout.write(text)
        return
    write_atomically(Path(file), text)
    console.print(f"exported to {file}")


def schema_command() -> None:
    """Print the JSON Schema of the platform file."""
    sys.stdout.write(json.dumps(PlatformFile.model_json_schema(), indent=2) + "\n")


def demo_command(
    ctx: typer.Context,
    replace: bool = typer.Option(False, help="Replace a platform that is not the demo."),
) -> None:
    """Load the demo platform into a fresh database and show what it holds."""
    state: CliState = ctx.obj
    actor = state.actor if state.identity else None
    summary = demo.load_demo(state.db, actor=actor, now=state.now(), replace=replace)
    console.print(
        Text.assemble(
            (summary.platform, "bold"),
            f" loaded, dates moved {summary.shifted_days} days to show the current weeks",
        )
    )
    print_listing(catalog.list_records(state.db, "sites"))
    console.print(", ".join(f"{n} {what}" for what, n in summary.counts.items()))
