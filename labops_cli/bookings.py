"""`labops booking ...` and `labops downtime ...`: day-to-day changes by operators."""

from __future__ import annotations

import typer

from labops.bookings import service as bookings
from labops.timeinput import parse_local_instant, typed_zone_note
from labops.vocabulary import DowntimeKind
from labops_cli.ids import check_ids
from labops_cli.render import console, print_listing
from labops_cli.state import CliState

booking_app = typer.Typer(
    help="Confirm, lock, unlock, cancel or finish bookings.", no_args_is_help=True
)
downtime_app = typer.Typer(
    help="Record equipment downtime (breakdowns, maintenance).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(booking_app, name="booking")
    app.add_typer(downtime_app, name="downtime")


def _booking_command(operation: str, doc: str) -> None:
    def command(
        ctx: typer.Context,
        booking_ids: list[int] = typer.Argument(..., callback=check_ids, metavar="ID..."),
        note: str = typer.Option("", help="Why, for the audit trail."),
    ) -> None:
        state: CliState = ctx.obj
        changed = bookings.change_bookings(
            state.db,
            actor=state.actor,
            booking_ids=booking_ids,
            operation=operation,
            now=state.now(),
            note=note,
        )
        for booking_id in dict.fromkeys(booking_ids):
            console.print(f"booking {booking_id} {changed.status.value}")
        for request_id, tasks in changed.reopened.items():
            which = ", ".join(repr(task) for task in tasks)
            console.print(
                f"request {request_id} is approved again: task {which} has no booking; "
                "the next `labops schedule` places it"
            )

    command.__doc__ = doc
    booking_app.command(operation)(command)


_booking_command("confirm", "Confirm proposed bookings.")
_booking_command("lock", "Lock bookings so that re-planning never moves them.")
_booking_command("unlock", "Unlock bookings (they become confirmed).")
_booking_command("cancel", "Cancel bookings: their units and people are free at once.")
_booking_command("done", "Mark finished bookings as done.")


@downtime_app.command("add")
def add_command(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="The equipment unit."),
    start: str = typer.Option(
        ..., "--start", help="From (the platform's time zone, e.g. 2026-12-01 08:00)."
    ),
    end: str = typer.Option(..., "--end", help="Until."),
    kind: DowntimeKind = typer.Option(
        DowntimeKind.BREAKDOWN, "--kind", "--reason", help="Why it is down."
    ),
    note: str = typer.Option("", "--note", help="What happened, for people reading it."),
) -> None:
    """Record downtime and list the bookings it hits."""
    state: CliState = ctx.obj
    added = bookings.add_downtime(
        state.db,
        actor=state.actor,
        unit_id=unit,
        start=parse_local_instant(state.db, start, "--start"),
        end=parse_local_instant(state.db, end, "--end"),
        kind=kind,
        reason=note,
        now=state.now(),
    )
    console.print(f"downtime {added.downtime_id} recorded on {unit}")
    _zone_note(state)
    if added.hit.rows:
        print_listing(added.hit)
        console.print("re-plan them with: labops schedule --repair [--commit]")
    else:
        console.print("no booking is affected")


@downtime_app.command("remove")
def remove_command(
    ctx: typer.Context, downtime_id: int = typer.Argument(..., callback=check_ids, metavar="ID")
) -> None:
    """Remove a downtime record (entered by mistake, or the repair was quicker)."""
    state: CliState = ctx.obj
    bookings.remove_downtime(state.db, actor=state.actor, downtime_id=downtime_id, now=state.now())
    console.print(f"downtime {downtime_id} removed")


@booking_app.command("add")
def add_booking_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(
        ..., callback=check_ids, metavar="REQUEST", help="The request's id."
    ),
    task: str = typer.Argument(..., metavar="TASK", help="The task's key."),
    start: str = typer.Option(
        ..., "--start", help="Start (the platform's time zone, on the slot grid)."
    ),
    units: str = typer.Option(
        "", "--units", help="Units, one per equipment need, comma-separated."
    ),
    people: str = typer.Option("", "--people", help="People, comma-separated."),
    lock: bool = typer.Option(False, "--lock", help="Lock it: later plans never move it."),
) -> None:
    """Book one task by hand; refused if it breaks any rule or someone was faster."""
    state: CliState = ctx.obj
    booking_id = bookings.book_task(
        state.db,
        actor=state.actor,
        request_id=request_id,
        task_key=task,
        start=parse_local_instant(state.db, start, "--start"),
        units=[u.strip() for u in units.split(",") if u.strip()],
        people=[p.strip() for p in people.split(",") if p.strip()],
        now=state.now(),
        lock=lock,
    )
    _zone_note(state)
    if lock:
        console.print(f"booking {booking_id} locked")
    else:
        console.print(
            f"booking {booking_id} confirmed (a later plan may move it; --lock or "
            f"`labops booking lock {booking_id}` keeps it)"
        )


def _zone_note(state: CliState) -> None:
    """Say which zone the times typed were read in, when a site keeps another."""
    note = typed_zone_note(state.db)
    if note:
        console.print(f"{note[:1].upper()}{note[1:]}")
