"""`labops notify ...`: the outbox of messages to people, and sending it by SMTP."""

from __future__ import annotations

import typer

from labops.notifications import send as sending
from labops.notifications import service as notifications
from labops.permissions import Action
from labops.views import plural
from labops_cli.ids import check_ids
from labops_cli.render import console, print_listing
from labops_cli.state import CliState

notify_app = typer.Typer(
    help="Messages to people about their bookings, requests and certificates.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")


@notify_app.command("list")
def list_command(
    ctx: typer.Context,
    status: str | None = typer.Option(None, help="queued, sending, sent or failed."),
    limit: int = typer.Option(200, min=1, max=10_000, help="At most this many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """The outbox: every message for operators and admins, one's own for others."""
    state: CliState = ctx.obj
    listing = notifications.list_messages(state.db, actor=state.actor, status=status, limit=limit)
    print_listing(listing, as_json=as_json)


@notify_app.command("show")
def show_command(
    ctx: typer.Context, message_id: int = typer.Argument(..., callback=check_ids, metavar="ID")
) -> None:
    """One message as it is sent."""
    state: CliState = ctx.obj
    typer.echo(notifications.message_text(state.db, actor=state.actor, message_id=message_id))


@notify_app.command("certificates")
def certificates_command(
    ctx: typer.Context,
    days: int = typer.Option(
        notifications.EXPIRY_WARNING_DAYS, help="Certificates ending within this many days."
    ),
) -> None:
    """Queue a reminder for each certificate that ends soon (once per certificate)."""
    state: CliState = ctx.obj
    queued = notifications.queue_expiring_certificates(
        state.db, actor=state.actor, now=state.now(), days=days
    )
    console.print(f"{plural(queued, 'certificate reminder')} queued")


@notify_app.command("send")
def send_command(
    ctx: typer.Context,
    certificates: bool = typer.Option(
        True, help="First queue reminders of certificates ending within 30 days."
    ),
    limit: int = typer.Option(1000, min=1, max=100_000, help="At most this many messages."),
) -> None:
    """Deliver the queued messages by SMTP ($LABOPS_SMTP_HOST, ..._PORT, ..._SECURITY,
    ..._FROM, ..._USER, ..._PASSWORD); what fails waits and is retried by the next run."""
    state: CliState = ctx.obj
    state.actor.require(Action.NOTIFY)  # refused before the configuration is read
    config = sending.SmtpConfig.from_env()
    if certificates:
        notifications.queue_expiring_certificates(state.db, actor=state.actor, now=state.now())
    summary = sending.send_due(
        state.db, actor=state.actor, config=config, now=state.now(), limit=limit
    )
    console.print(f"{plural(summary.sent, 'message')} sent")
    if summary.failed:
        raise sending.DeliveryError(
            f"{plural(summary.failed, 'message')} not sent, queued to retry later ({summary.error})"
        )


@notify_app.command("retry")
def retry_command(
    ctx: typer.Context,
    message_ids: list[int] = typer.Argument(..., callback=check_ids, metavar="ID..."),
) -> None:
    """Queue again a failed message, or one a killed send left as sending (it may arrive
    twice, with the same Message-ID)."""
    state: CliState = ctx.obj
    for message_id in message_ids:
        notifications.retry_message(
            state.db, actor=state.actor, message_id=message_id, now=state.now()
        )
        console.print(f"notification {message_id} queued again")
