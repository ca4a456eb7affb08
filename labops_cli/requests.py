"""`labops request ...`: a lead's requests for lab time, an operator's decisions."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from labops.errors import InputError
from labops.files import read_limited, write_atomically
from labops.limits import MAX_FORM_BYTES
from labops.records import details, listings
from labops.requests import service as requests
from labops.requests.form import parse_request_form
from labops.views import plural
from labops.vocabulary import RequestStatus
from labops_cli.ids import check_ids
from labops_cli.paging import ALL_HELP, LIMIT_HELP, PAGE_HELP, more_hint, page_of
from labops_cli.render import console, print_detail, print_listing
from labops_cli.state import CliState

app = typer.Typer(
    help="Request lab time, follow requests, approve or reject them.", no_args_is_help=True
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="request")


@app.command("new")
def new_command(
    ctx: typer.Context,
    project: str = typer.Option(..., "--project", help="The project the lab time is for."),
    output: str = typer.Option(
        "request.toml", "--output", "-o", help="Where to write the form ('-': stdout)."
    ),
) -> None:
    """Write a request form to fill in."""
    state: CliState = ctx.obj
    text = requests.request_template(
        state.db, actor=state.actor, project_id=project, now=state.now(), filename=output
    )
    if output == "-":
        sys.stdout.write(text)
        return
    path = Path(output)
    if path.exists():
        raise InputError(f"{output} exists already: choose another --output")
    write_atomically(path, text)
    console.print(f"wrote {output}: fill it in, then run: labops request submit {output}")


@app.command("submit")
def submit_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A filled-in request form."),
    draft: bool = typer.Option(False, help="Save as a draft instead of submitting."),
) -> None:
    """Check a request form and submit it (refused with reasons if it can never fit)."""
    state: CliState = ctx.obj
    try:
        text = read_limited(file, MAX_FORM_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    form = parse_request_form(text, source=str(file))
    result = requests.submit_request(
        state.db, actor=state.actor, form=form, now=state.now(), draft=draft
    )
    verb = "saved as draft" if draft else "submitted"
    console.print(
        f"request {result.request_id} {verb}: {plural(result.tasks, 'task')}, "
        f"{result.hours:g} {'hour' if result.hours == 1 else 'hours'}"
    )


@app.command("send")
def send_command(
    ctx: typer.Context, request_id: int = typer.Argument(..., callback=check_ids, metavar="ID")
) -> None:
    """Submit a request saved as a draft."""
    state: CliState = ctx.obj
    requests.submit_draft(state.db, actor=state.actor, request_id=request_id, now=state.now())
    console.print(f"request {request_id} submitted")


@app.command("list")
def list_command(
    ctx: typer.Context,
    mine: bool = typer.Option(False, "--mine", help="Only requests I made."),
    status: RequestStatus | None = typer.Option(
        None, "--status", help="Only requests in this status."
    ),
    project: str | None = typer.Option(None, "--project", help="Only this project's requests."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
    page: int | None = typer.Option(None, "--page", help=PAGE_HELP),
    limit: int | None = typer.Option(None, "--limit", help=LIMIT_HELP),
    every: bool = typer.Option(False, "--all", help=ALL_HELP),
) -> None:
    """List requests, a page at a time."""
    state: CliState = ctx.obj
    chosen = page_of(page, limit, every)
    requester = state.actor.id if mine else None
    listing = listings.list_records(
        state.db,
        "requests",
        actor=state.actor,
        status=status.value if status else None,
        project=project,
        requester=requester,
        page=chosen,
    )
    print_listing(listing, as_json=as_json, footer=more_hint(listing, chosen))


@app.command("show")
def show_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., callback=check_ids, metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """Show a request, its tasks and bookings."""
    state: CliState = ctx.obj
    print_detail(
        details.show_record(
            state.db, "request", str(request_id), now=state.now(), actor=state.actor
        ),
        as_json=as_json,
    )


@app.command("withdraw")
def withdraw_command(
    ctx: typer.Context, request_id: int = typer.Argument(..., callback=check_ids, metavar="ID")
) -> None:
    """Withdraw a request; its future bookings are freed."""
    state: CliState = ctx.obj
    freed = requests.withdraw_request(
        state.db, actor=state.actor, request_id=request_id, now=state.now()
    )
    console.print(f"request {request_id} withdrawn; {plural(freed, 'booking')} freed")


@app.command("approve")
def approve_command(
    ctx: typer.Context,
    request_ids: list[int] = typer.Argument(..., callback=check_ids, metavar="ID..."),
    note: str = typer.Option("", help="A note for the requester."),
) -> None:
    """Approve submitted requests (operators)."""
    state: CliState = ctx.obj
    requests.approve_requests(
        state.db, actor=state.actor, request_ids=request_ids, now=state.now(), note=note
    )
    for request_id in dict.fromkeys(request_ids):
        console.print(f"request {request_id} approved")


@app.command("reject")
def reject_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., callback=check_ids, metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why, for the requester."),
) -> None:
    """Reject a request, with the reason (operators)."""
    state: CliState = ctx.obj
    requests.reject_request(
        state.db, actor=state.actor, request_id=request_id, now=state.now(), reason=reason
    )
    console.print(f"request {request_id} rejected")
