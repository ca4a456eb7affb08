"""`labops whatif`: the plan with a unit bought or a unit down, beside today's; no writes."""

from __future__ import annotations

import functools

import typer

from labops.errors import InputError
from labops.fields import parse_cents
from labops.limits import check_time_limit, check_workers
from labops.planning import whatif
from labops.planning.settings import TIME_LIMIT, WEEKS, WORKERS
from labops.timeinput import parse_local_instant
from labops_cli.progress import solve_with_progress
from labops_cli.render import print_json, print_listing
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("whatif")(whatif_command)


def whatif_command(
    ctx: typer.Context,
    add_unit: list[str] = typer.Option(
        [],
        "--add-unit",
        metavar="KIND[@SITE]",
        help="A unit bought, like the kind's units (at the site with most of them unless "
        "given). Repeat for more.",
    ),
    rate: str | None = typer.Option(
        None, "--rate", help="What the units bought charge per hour (default: as their kind's)."
    ),
    down: list[str] = typer.Option(
        [],
        "--down",
        metavar="UNIT@FROM..TO",
        help="A unit out of use, e.g. furnace-1@2026-12-14..2026-12-27 (days inclusive, "
        "platform time). Repeat for more.",
    ),
    weeks: int = typer.Option(WEEKS, help="How many weeks to plan."),
    scenario_weeks: int | None = typer.Option(
        None, "--scenario-weeks", help="Plan this many weeks in the what-if (a longer horizon)."
    ),
    time_limit: float = typer.Option(
        TIME_LIMIT, "--time-limit", help="Seconds the solver may take for each of the two plans."
    ),
    workers: int = typer.Option(WORKERS, help="Solver threads."),
    seed: int = typer.Option(0, help="Random seed of both searches."),
    as_json: bool = typer.Option(False, "--json", help="The comparison as JSON."),
) -> None:
    """Compare today's plan with the plan after a change (units bought, units down, a longer
    horizon): requests placed, hours late, the busiest kinds. Nothing is written."""
    state: CliState = ctx.obj
    check_time_limit(time_limit)
    check_workers(workers)
    cents = None
    if rate is not None:
        try:
            cents = parse_cents(rate)
        except ValueError as exc:
            raise InputError(f"--rate: {exc}") from None
    scenario = whatif.Scenario(
        new_units=tuple(_new_unit(text, cents) for text in add_unit),
        outages=tuple(_outage(state, text) for text in down),
        weeks=scenario_weeks,
    )
    if scenario.describe() == ["no change"]:
        raise InputError("name a change: --add-unit, --down or --scenario-weeks")
    work = functools.partial(
        whatif.compare,
        state.db,
        actor=state.actor,
        now=state.now(),
        scenario=scenario,
        weeks=weeks,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
    )
    comparison = solve_with_progress(work, time_limit=2 * time_limit, show=not as_json)
    if as_json:
        print_json(comparison.as_json())
    else:
        print_listing(comparison.listing())


def _new_unit(text: str, cents: int | None) -> whatif.NewUnit:
    kind, _, site = text.partition("@")
    if not kind.strip():
        raise InputError(f"--add-unit {text!r}: name a kind, like sem or sem@materials-lab")
    return whatif.NewUnit(kind=kind.strip(), site=site.strip() or None, hourly_rate=cents)


def _outage(state: CliState, text: str) -> whatif.Outage:
    unit, _, span = text.partition("@")
    first, dots, last = span.partition("..")
    if not unit.strip() or not dots or not first.strip() or not last.strip():
        raise InputError(
            f"--down {text!r}: write UNIT@FROM..TO, like furnace-1@2026-12-14..2026-12-27"
        )
    start = parse_local_instant(state.db, first.strip(), "--down")
    end = parse_local_instant(state.db, last.strip(), "--down", day_end=True)
    if end <= start:
        raise InputError(f"--down {text!r}: it ends before it starts")
    return whatif.Outage(unit=unit.strip(), start=start, end=end)
