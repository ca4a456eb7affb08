"""`labops list` and `labops show`: looking at what the platform holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from labops.errors import InputError
from labops.records import details, listings
from labops.timeinput import parse_local_instant
from labops_cli.paging import ALL_HELP, LIMIT_HELP, PAGE_HELP, more_hint, page_of
from labops_cli.render import print_detail, print_listing
from labops_cli.state import CliState


class ListKind(StrEnum):
    sites = "sites"
    equipment = "equipment"
    people = "people"
    projects = "projects"
    funds = "funds"
    requests = "requests"
    bookings = "bookings"


class ShowKind(StrEnum):
    site = "site"
    equipment = "equipment"
    person = "person"
    project = "project"
    request = "request"
    booking = "booking"


# Either number works: `list site` and `show sites` are what people type too.
_LIST_ALIASES = {
    "site": "sites",
    "unit": "equipment",
    "units": "equipment",
    "person": "people",
    "project": "projects",
    "fund": "funds",
    "fund-pools": "funds",
    "request": "requests",
    "booking": "bookings",
}
_SHOW_ALIASES = {
    "sites": "site",
    "unit": "equipment",
    "people": "person",
    "projects": "project",
    "requests": "request",
    "bookings": "booking",
}


def _list_kind(value: str) -> ListKind:
    value = _LIST_ALIASES.get(value.lower(), value.lower())
    if value not in ListKind.__members__:
        raise typer.BadParameter(f"{value!r}: choose one of {', '.join(ListKind)}")
    return ListKind(value)


def _show_kind(value: str) -> ShowKind:
    value = _SHOW_ALIASES.get(value.lower(), value.lower())
    if value not in ShowKind.__members__:
        raise typer.BadParameter(f"{value!r}: choose one of {', '.join(ShowKind)}")
    return ShowKind(value)


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
    app.command("show")(show_command)


def list_command(
    ctx: typer.Context,
    kind: str = typer.Argument(
        ...,
        metavar="WHAT",
        help=f"What to list: {', '.join(ListKind)}.",
        callback=_list_kind,
    ),
    site: str | None = typer.Option(None, help="Equipment or people of this site."),
    equipment_kind: str | None = typer.Option(None, "--kind", help="Equipment of this kind."),
    role: str | None = typer.Option(None, help="People with this role."),
    skill: str | None = typer.Option(None, help="People with this skill."),
    pool: str | None = typer.Option(None, help="Projects paid from this fund pool."),
    lead: str | None = typer.Option(None, help="Projects led by this person."),
    status: str | None = typer.Option(None, help="Requests or bookings in this status."),
    project: str | None = typer.Option(None, help="Requests or bookings of this project."),
    requester: str | None = typer.Option(None, help="Requests made by this person."),
    unit: str | None = typer.Option(None, help="Bookings on this equipment unit."),
    person: str | None = typer.Option(None, help="Bookings this person works on."),
    start: str | None = typer.Option(None, "--from", help="Bookings ending after this time."),
    end: str | None = typer.Option(None, "--to", help="Bookings starting before this time."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
    page: int | None = typer.Option(None, "--page", help=f"Requests or bookings: {PAGE_HELP}"),
    limit: int | None = typer.Option(None, "--limit", help=f"Requests or bookings: {LIMIT_HELP}"),
    every: bool = typer.Option(False, "--all", help=f"Requests or bookings: {ALL_HELP}"),
) -> None:
    """List sites, equipment, people, projects, funds, requests or bookings. Requests and
    bookings come a page at a time, with a line saying how many there are in all."""
    state: CliState = ctx.obj
    chosen = page_of(page, limit, every)
    given = {
        "--site": site, "--kind": equipment_kind, "--role": role, "--skill": skill,
        "--pool": pool, "--lead": lead, "--status": status, "--project": project,
        "--requester": requester, "--unit": unit, "--person": person, "--from": start,
        "--to": end,
    }  # fmt: skip
    _refuse_stray_filters(ListKind(kind), [name for name, value in given.items() if value])
    by_kind: dict[str, dict[str, Any]] = {
        ListKind.equipment: {"site": site, "kind": equipment_kind},
        ListKind.people: {"role": role, "site": site, "skill": skill},
        ListKind.projects: {"pool": pool, "lead": lead},
        ListKind.requests: {"status": status, "project": project, "requester": requester},
        ListKind.bookings: {
            "unit": unit,
            "person": person,
            "project": project,
            "status": status,
            "start": parse_local_instant(state.db, start, "--from") if start else None,
            "end": parse_local_instant(state.db, end, "--to") if end else None,
        },
    }
    filters = by_kind.get(kind, {})
    what = _list_kind(kind).value  # the callback's enum, or the text when called directly
    listing = listings.list_records(
        state.db, what, actor=state.actor_or_none, page=chosen, **filters
    )
    print_listing(listing, as_json=as_json, footer=more_hint(listing, chosen))


# The filters each kind of listing takes; any other is refused rather than ignored, which
# listed every record as if it had matched.
_FILTERS = {
    ListKind.equipment: ("--site", "--kind"),
    ListKind.people: ("--site", "--role", "--skill"),
    ListKind.projects: ("--pool", "--lead"),
    ListKind.requests: ("--status", "--project", "--requester"),
    ListKind.bookings: ("--status", "--project", "--unit", "--person", "--from", "--to"),
}


def _refuse_stray_filters(kind: ListKind, given: list[str]) -> None:
    for name in given:
        if name not in _FILTERS.get(kind, ()):
            takes = [str(k) for k, names in _FILTERS.items() if name in names]
            raise InputError(f"{name} does not filter {kind}, only {' and '.join(takes)}")


def show_command(
    ctx: typer.Context,
    kind: str = typer.Argument(
        ...,
        metavar="KIND",
        help=f"What kind of record: {', '.join(ShowKind)}.",
        callback=_show_kind,
    ),
    record_id: str = typer.Argument(..., metavar="ID", help="Its id."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """Show one record with what belongs to it."""
    state: CliState = ctx.obj
    detail = details.show_record(
        state.db, _show_kind(kind).value, record_id, now=state.now(), actor=state.actor_or_none
    )
    print_detail(detail, as_json=as_json)
