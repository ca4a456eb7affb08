"""`labops schedule`: solve the plan, show it as a diff, commit it on request."""

from __future__ import annotations

import functools
import sys

import typer

from labops.limits import check_ahead, check_time_limit, check_workers
from labops.localtime import when
from labops.planning import plans as scheduling
from labops.planning.settings import TIME_LIMIT, WEEKS, WORKERS
from labops.timeinput import parse_local_instant, platform_timezone
from labops.views import plural
from labops_cli.progress import solve_with_progress
from labops_cli.render import console, err_console, print_json, print_listing
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule_command)


def schedule_command(
    ctx: typer.Context,
    start: str | None = typer.Option(
        None, "--from", help="Plan from this time (default: now); earlier bookings stay."
    ),
    weeks: int = typer.Option(WEEKS, help="How many weeks to plan."),
    time_limit: float = typer.Option(
        TIME_LIMIT, "--time-limit", help="Seconds the solver may take."
    ),
    workers: int = typer.Option(WORKERS, help="Solver threads."),
    seed: int = typer.Option(0, help="Random seed of the search."),
    repair: bool = typer.Option(
        False,
        "--repair",
        help="Re-plan only scheduled requests (after downtime or cancellations), approved "
        "ones wait. It changes what the change hit, and others only where that keeps a "
        "higher-priority request; bookings in the freeze window are re-planned only if hit.",
    ),
    freeze: int | None = typer.Option(
        None,
        "--freeze",
        metavar="DAYS",
        help="Bookings starting within this many working days stay as they are "
        "(default: the platform's [planning] freeze_days, 2 unless set).",
    ),
    retry_waiting: bool = typer.Option(
        False,
        "--retry-waiting",
        help="Plan the requests earlier plans left out like new ones: they may move proposed "
        "bookings (by default they take only free room).",
    ),
    deterministic: bool = typer.Option(
        False,
        "--deterministic",
        help="The same platform, seed and time limit give the same plan (CP-SAT on one "
        "thread within a work budget: a little weaker than the default search).",
    ),
    commit: bool = typer.Option(False, "--commit", help="Write the plan (default: only show it)."),
    as_json: bool = typer.Option(False, "--json", help="The proposal as JSON."),
) -> None:
    """Plan approved requests onto equipment, time and people."""
    state: CliState = ctx.obj
    check_time_limit(time_limit)
    check_workers(workers)
    actor, now = state.actor, state.now()
    begin = parse_local_instant(state.db, start, "--from") if start else None
    if begin is not None:
        check_ahead(begin, now, "--from")
        if begin < now and not as_json:  # the past is not planned: say so, then go on
            err_console.print(
                f"--from {start} is in the past: planning from now "
                f"({when(now, platform_timezone(state.db))})",
                markup=False,
            )
    work = functools.partial(
        scheduling.propose,
        state.db,
        actor=actor,
        now=now,
        start=begin,
        weeks=weeks,
        repair=repair,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        freeze_days=freeze,
        retry_waiting=retry_waiting,
        deterministic=deterministic,
    )
    proposal = solve_with_progress(work, time_limit=time_limit, show=not as_json)
    if as_json:
        print_json(proposal.as_json())
    else:
        plan = proposal.plan
        console.print(
            f"plan {plan.status} in {plan.seconds:.1f} s: "
            f"{plural(len(proposal.placed_requests), 'request')} placed, "
            f"{len(proposal.left_out)} left out"
            + (_repeatable(plan, seed) if deterministic else "")
        )
        for listing in scheduling.proposal_listings(proposal):
            if listing.rows:
                print_listing(listing)
    if not commit:
        if as_json:
            return
        # At a terminal the plan just reviewed can be written as it is (a new solve would
        # not give the same one); elsewhere nothing is written.
        if proposal.is_empty:
            console.print("nothing to write: the plan stays as it is")
            return
        if not _interactive():
            console.print("nothing written: add --commit to write this plan")
            return
        if not _confirm("Write this plan?"):
            console.print("nothing written")
            return
    result = scheduling.commit(state.db, actor=actor, now=state.now(), proposal=proposal)
    message = f"committed: {scheduling.commit_summary(result)}"
    if as_json:
        typer.echo(message, err=True)
    else:
        console.print(message)


def _repeatable(plan, seed: int) -> str:
    if plan.repeatable:
        return f" (repeatable: --seed {seed} --deterministic gives this plan again)"
    return " (not repeatable: the time limit cut the deterministic search; give it more time)"


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _confirm(question: str) -> bool:
    return typer.confirm(question, default=False)
