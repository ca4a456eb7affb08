"""`labops init|load|export|schema|demo`: a platform in and out of the database."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import typer
from rich.text import Text

from labops.files import write_atomically
from labops.limits import check_time_limit, check_workers
from labops.localtime import to_local
from labops.planning import plans as scheduling
from labops.planning.settings import TIME_LIMIT, WORKERS
from labops.platform import demo
from labops.platform.file_schema import PlatformFile
from labops.platform.load import load_platform
from labops.platform.read import read_platform_file
from labops.storage.backup import export_text
from labops.timeinput import parse_instant
from labops.views import plural
from labops_cli.progress import solve_with_progress
from labops_cli.render import console, print_listing
from labops_cli.state import CliState


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
    if rebase_to is not None:  # the day as the platform's clocks read it, east of UTC too
        tz = data.platform.timezone
        target = to_local(parse_instant(rebase_to, tz, "--rebase-to"), tz).date()
    actor = state.actor_or_none
    summary = load_platform(
        state.db, data, actor=actor, now=state.now(), replace=replace, rebase_to=target
    )
    counts = ", ".join(f"{n} {what}" for what, n in summary.counts.items())
    console.print(f"loaded {summary.platform}: {counts}")


def export_command(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="Where to write the platform file ('-' for stdout)."),
) -> None:
    """Write the whole platform to a file in the same format `load` reads (operators)."""
    state: CliState = ctx.obj
    text = export_text(state.db, actor=state.actor)
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
    time_limit: float = typer.Option(TIME_LIMIT, "--time-limit", help="Seconds for the solver."),
    workers: int = typer.Option(WORKERS, help="Solver threads."),
) -> None:
    """Load the demo platform, approve its requests, plan and commit them, and sum up."""
    state: CliState = ctx.obj
    check_time_limit(time_limit)
    check_workers(workers)
    actor = state.actor_or_none
    summary = demo.load_demo(state.db, actor=actor, now=state.now(), replace=replace)
    console.print(
        Text.assemble(
            (summary.platform, "bold"),
            f" loaded ({', '.join(f'{n} {what}' for what, n in summary.counts.items())}); "
            f"dates moved {summary.shifted_days} days to show the current weeks",
        )
    )
    approved = demo.approve_submitted(state.db, now=state.now())
    console.print(
        f"the demo approved {plural(len(approved), 'request')} (the audit trail says 'demo')"
    )
    # Planned as of the start of today, deterministically: every run on one day gives the
    # same plan.
    as_of = demo.planned_as_of(state.db, state.now())
    work = functools.partial(
        scheduling.propose,
        state.db,
        actor=demo.DEMO,
        now=as_of,
        time_limit=time_limit,
        workers=workers,
        deterministic=True,
    )
    proposal = solve_with_progress(work, time_limit=time_limit)
    result = scheduling.commit(state.db, actor=demo.DEMO, now=state.now(), proposal=proposal)
    plan = proposal.plan
    console.print(
        f"plan {plan.status} in {plan.seconds:.1f} s, validated and committed: "
        f"{result.created} new {'booking' if result.created == 1 else 'bookings'}, "
        f"{plural(len(proposal.placed_requests), 'request')} scheduled, "
        f"{len(proposal.left_out)} left out"
        + ("; repeatable (deterministic, as of 00:00 today)" if plan.repeatable else "")
    )
    left_out = scheduling.proposal_listings(proposal)[1]
    if left_out.rows:
        print_listing(left_out)
    print_listing(demo.bookings_per_site(state.db, now=state.now()))
    operator = demo.demo_operator(state.db)  # someone to try the operator's tools as
    db_arg = f" --db {state.db_arg}" if state.db_arg else ""
    today = state.now().date().isoformat()
    console.print(
        Text(
            "next: "
            f"labops{db_arg} --as {operator.id} tui   (the operator's control room)\n"
            f"      labops{db_arg} --as {operator.id} report weekly   (the weekly report)\n"
            f"      labops{db_arg} --as {operator.id} list bookings --from {today}"
        )
    )
