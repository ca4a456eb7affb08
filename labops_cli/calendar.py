"""`labops calendar` (iCalendar export) and `labops free` (free equipment windows)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from labops.bookings.free import free_windows
from labops.bookings.ical import export_calendar, person_feeds
from labops.errors import InputError
from labops.files import write_atomically
from labops.timeinput import parse_local_instant
from labops_cli.render import console, err_console, print_listing
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("calendar")(calendar_command)
    app.command("free")(free_command)


def calendar_command(
    ctx: typer.Context,
    equipment: str | None = typer.Option(None, "--equipment", help="Bookings of this unit."),
    person: str | None = typer.Option(None, "--person", help="Assignments of this person."),
    project: str | None = typer.Option(None, "--project", help="Bookings of this project."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="The .ics file to write ('-': stdout)."
    ),
    feeds: Path | None = typer.Option(
        None,
        "--feeds",
        help="Write a feed per person (PERSON.ics) into this folder, to publish for "
        "subscribing (operators and admins).",
    ),
) -> None:
    """Export bookings as an iCalendar file for calendar programs; a person's file is a feed
    a calendar can subscribe to (events keep their UID, changes raise SEQUENCE, cancelled
    bookings say so)."""
    state: CliState = ctx.obj
    if feeds is not None:
        if output is not None or equipment or person or project:
            raise InputError("--feeds writes every person's feed: give it alone")
        files = person_feeds(state.db, actor=state.actor, now=state.now())
        feeds.mkdir(parents=True, exist_ok=True)
        for person_id, data in files.items():
            write_atomically(feeds / f"{person_id}.ics", data)
        console.print(f"wrote {len(files)} feeds to {feeds}")
        return
    if output is None:
        raise InputError("give --output FILE (or '-'), or --feeds FOLDER")
    data = export_calendar(
        state.db,
        actor=state.actor,
        now=state.now(),
        equipment=equipment,
        person=person,
        project=project,
    )
    if output == "-":
        sys.stdout.buffer.write(data)
        return
    write_atomically(Path(output), data)
    console.print(f"wrote {output}")


def free_command(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--kind", help="Equipment kind."),
    site: str | None = typer.Option(None, "--site", help="Only units at this site."),
    start: str = typer.Option(..., "--from", help="From (the platform's time zone)."),
    end: str = typer.Option(..., "--to", help="Until (a bare date counts the whole day)."),
    hours: float = typer.Option(0.0, "--hours", help="Only windows at least this long."),
    amount: int = typer.Option(1, "--amount", help="Units of capacity needed at once."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """List the free windows of the units of a kind."""
    state: CliState = ctx.obj
    since = parse_local_instant(state.db, start, "--from")
    until = parse_local_instant(state.db, end, "--to", day_end=True)
    now = state.now()
    # Time gone by cannot be booked: list from now, and say so.
    if until <= now:
        raise InputError(f"--to {end} is past: free time can only be booked from now on")
    if since < now:
        since = now
        err_console.print(f"--from {start} is past: free time from now on")
    listing = free_windows(
        state.db,
        kind=kind,
        site=site,
        start=since,
        end=until,
        min_hours=hours,
        amount=amount,
    )
    print_listing(listing, as_json=as_json)
