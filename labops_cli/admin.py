"""`labops audit`, `labops backup`, `labops restore`, `labops roles`: keeping the platform's
records safe."""

from __future__ import annotations

from pathlib import Path

import typer

from labops import audit_log
from labops.storage import backup, restore, roles
from labops.timeinput import parse_local_instant
from labops_cli.render import console, print_listing
from labops_cli.state import CliState


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("roles")(roles_command)


def audit_command(
    ctx: typer.Context,
    since: str | None = typer.Option(
        None, "--since", help="Events from this time (the platform's time zone)."
    ),
    who: str | None = typer.Option(None, "--who", help="Events by this person."),
    record: str | None = typer.Option(None, "--record", help="TYPE or TYPE:ID, e.g. booking:12."),
    action: str | None = typer.Option(
        None, "--action", help="Actions starting with this, e.g. request."
    ),
    limit: int = typer.Option(200, "--limit", help="At most this many events, newest first."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """List the audit trail (operators and admins)."""
    state: CliState = ctx.obj
    listing = audit_log.audit_events(
        state.db,
        actor=state.actor,
        since=parse_local_instant(state.db, since, "--since") if since else None,
        who=who,
        record=record,
        action=action,
        limit=limit,
    )
    print_listing(listing, as_json=as_json)


def backup_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Where to write the copy."),
    replace: bool = typer.Option(False, "--replace", help="Write over FILE if it exists."),
) -> None:
    """Copy the database to FILE while it is in use (SQLite online backup)."""
    state: CliState = ctx.obj
    size = backup.backup(state.db, actor=state.actor, target=file, now=state.now(), replace=replace)
    console.print(f"backed up to {file} ({size / 1024:,.0f} KiB)")


def restore_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A backup made by `labops backup`."),
    yes: bool = typer.Option(False, "--yes", help="Replace the current data without asking."),
    other_platform: bool = typer.Option(
        False, "--other-platform", help="The backup is of another platform, and that is meant."
    ),
) -> None:
    """Replace the database's contents with a backup (admins)."""
    state: CliState = ctx.obj
    actor = state.actor
    if not yes:
        typer.confirm(f"replace everything in {state.db.url} with {file}?", abort=True)
    done = restore.restore(
        state.db, actor=actor, source=file, now=state.now(), other_platform=other_platform
    )
    console.print(
        f"restored from {file}; the {done.undone} events recorded since the backup are undone "
        "and stay in the audit trail"
    )
    if done.differing:
        console.print(
            f"note: {done.differing} audit events in the backup differ from this database's "
            "(the audit trail kept is this database's)"
        )


def roles_command(ctx: typer.Context) -> None:
    """Put each person's database role in the platform's read or write group by their
    access, so PostgreSQL itself refuses a viewer's writes (admins; run again after people
    or their access change, and after migrations)."""
    state: CliState = ctx.obj
    done = roles.sync_roles(state.db, actor=state.actor, now=state.now())
    readers = sorted(login for login, group in done.groups.items() if group == done.read)
    writers = sorted(login for login, group in done.groups.items() if group == done.write)
    console.print(f"{done.read}: {', '.join(readers) or 'nobody'}", markup=False)
    console.print(f"{done.write}: {', '.join(writers) or 'nobody'}", markup=False)
    if done.removed:
        console.print(f"taken out of both: {', '.join(sorted(set(done.removed)))}", markup=False)
    if done.missing:
        console.print(
            f"no database role yet for: {', '.join(done.missing)} (createuser LOGIN, then run "
            "this again)",
            markup=False,
        )
