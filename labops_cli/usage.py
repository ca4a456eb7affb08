"""`labops booking checkin|checkout` and `labops usage ...`: recording what really ran."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from labops.fields import MAX_ID
from labops.files import read_limited
from labops.localtime import when
from labops.timeinput import parse_local_instant, platform_timezone
from labops.usage import logs, service
from labops_cli.bookings import booking_app
from labops_cli.render import console
from labops_cli.state import CliState

usage_app = typer.Typer(
    help="Record what really ran: instrument logs, no-shows, corrections.", no_args_is_help=True
)
MAX_LOG_BYTES = 20 << 20


def register(app: typer.Typer) -> None:
    app.add_typer(usage_app, name="usage")


def _at(state: CliState, text: str | None, what: str) -> dt.datetime:
    return parse_local_instant(state.db, text, what) if text else state.now()


@booking_app.command("checkin")
def checkin_command(
    ctx: typer.Context,
    booking_id: int = typer.Argument(..., min=1, max=MAX_ID, metavar="ID"),
    at: str | None = typer.Option(None, "--at", help="When use began (default: now)."),
) -> None:
    """Check a booking in: its use began (now, or --at)."""
    state: CliState = ctx.obj
    use = service.check_in(
        state.db, actor=state.actor, booking_id=booking_id, at=_at(state, at, "--at"),
        now=state.now(),
    )  # fmt: skip
    assert use.start is not None  # check_in records the start
    console.print(f"booking {booking_id} checked in at {_local(state, use.start)}")


@booking_app.command("checkout")
def checkout_command(
    ctx: typer.Context,
    booking_id: int = typer.Argument(..., min=1, max=MAX_ID, metavar="ID"),
    at: str | None = typer.Option(None, "--at", help="When use ended (default: now)."),
) -> None:
    """Check a booking out: its use ended (now, or --at); an early end frees the rest."""
    state: CliState = ctx.obj
    use = service.check_out(
        state.db, actor=state.actor, booking_id=booking_id, at=_at(state, at, "--at"),
        now=state.now(),
    )  # fmt: skip
    assert use.end is not None  # check_out records the end
    console.print(
        f"booking {booking_id} checked out at {_local(state, use.end)}: "
        f"{use.minutes / 60:.2f} h used, booking done"
    )


@usage_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE.csv", help="Columns unit, person, start, end."),
) -> None:
    """Record an instrument log: each row checks its booking in and out (all or nothing)."""
    state: CliState = ctx.obj
    text = read_limited(file, MAX_LOG_BYTES).decode("utf-8-sig", errors="strict")
    done = logs.import_log(
        state.db, actor=state.actor, text=text, source=file.name, now=state.now()
    )
    console.print(f"{len(done)} booking(s) checked in and out from {file.name}")


@usage_app.command("no-shows")
def no_shows_command(
    ctx: typer.Context,
    since: str | None = typer.Option(
        None, "--since", help="Look at bookings from this day on (default: a week back)."
    ),
) -> None:
    """Mark bookings nobody checked in to within the grace period as no-shows (cancelled)."""
    state: CliState = ctx.obj
    ids = service.sweep_no_shows(
        state.db,
        actor=state.actor,
        now=state.now(),
        since=parse_local_instant(state.db, since, "--since") if since else None,
    )
    if ids:
        console.print(f"{len(ids)} no-show(s): booking {', '.join(map(str, ids))}")
        console.print("their time is free: re-plan with labops schedule [--commit]")
    else:
        console.print("no no-shows")


@usage_app.command("correct")
def correct_command(
    ctx: typer.Context,
    booking_id: int = typer.Argument(..., min=1, max=MAX_ID, metavar="ID"),
    note: str = typer.Option(..., "--note", help="Why the record was wrong (audited)."),
    start: str | None = typer.Option(None, "--start", help="Actual start."),
    end: str | None = typer.Option(None, "--end", help="Actual end."),
    no_show: bool | None = typer.Option(
        None, "--no-show/--showed", help="Record a no-show, or take one back."
    ),
) -> None:
    """Correct a booking's recorded use (an operator's change, audited with --note)."""
    state: CliState = ctx.obj
    use = service.correct_use(
        state.db,
        actor=state.actor,
        booking_id=booking_id,
        now=state.now(),
        note=note,
        start=parse_local_instant(state.db, start, "--start") if start else None,
        end=parse_local_instant(state.db, end, "--end") if end else None,
        no_show=no_show,
    )
    if use.no_show:
        console.print(f"booking {booking_id} recorded as a no-show")
    else:
        until = _local(state, use.end) if use.end else "still running"
        assert use.start is not None  # correct_use refuses a use that is no no-show without a start
        console.print(f"booking {booking_id} used {_local(state, use.start)} - {until}")


def _local(state: CliState, instant: dt.datetime) -> str:
    return when(instant, platform_timezone(state.db))
