"""Requests for lab time, from a lead's form to an operator's decision.

Every function is one use case in one transaction, checks who is acting, and records an
audit event. A request that could never fit is refused at submission with the reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import record
from labops.controls import check_text
from labops.db import Database
from labops.errors import Conflict, InputError, NotFound, PermissionDenied
from labops.limits import check_ahead
from labops.localtime import to_local, to_utc
from labops.notifications.queue import queue_booking_changes, queue_decision
from labops.permissions import Action, Actor, current_actor
from labops.planning.build import build_snapshot
from labops.planning.snapshot import request_key
from labops.platform.checks import check_task_needs
from labops.records.catalog import platform_info
from labops.requests.form import RequestForm, fill_template
from labops.requests.lapsed import with_lapsed_certificates
from labops.requests.task_rows import add_tasks
from labops.views import plural
from labops.vocabulary import ACTIVE_BOOKING, BookingStatus, RequestStatus
from solver.explain import precheck
from solver.rules import Rule

WITHDRAWABLE = (
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.SCHEDULED,
)


@dataclass(frozen=True)
class Submitted:
    request_id: int
    tasks: int
    hours: float


def request_template(
    db: Database, *, actor: Actor, project_id: str, now: dt.datetime, filename: str
) -> str:
    """A request form to fill in, pre-set for the project."""
    with db.read() as session:
        project = _project(session, project_id)
        actor.require(Action.REQUEST, project.id)
        info = platform_info(session)
        kind = session.exec(select(t.Kind.id).order_by(t.Kind.id)).first() or "kind-id"
        lead = session.get(t.Person, project.lead)
    tomorrow = dt.datetime.combine(
        to_local(now, info.timezone).date() + dt.timedelta(days=1), dt.time(9)
    )
    return fill_template(
        project=project.id,
        kind=kind,
        role=lead.role.value if lead else "source researcher",
        timezone=info.timezone,
        earliest=tomorrow,
        filename=filename,
    )


def submit_request(
    db: Database, *, actor: Actor, form: RequestForm, now: dt.datetime, draft: bool = False
) -> Submitted:
    """Store the form as a new request, submitted (or a draft), in one transaction."""
    tasks = form.expanded()
    with db.write() as session:
        tz = platform_info(session).timezone
        dates = [("earliest", form.earliest), ("due", form.due)]
        for task in tasks:
            dates += [(f"task '{task.key}': earliest", task.earliest)]
            dates += [(f"task '{task.key}': due", task.due)]
        for what, value in dates:
            if value is not None:
                check_ahead(to_utc(value, tz), now, what)
        project = _project(session, form.project)
        actor = current_actor(session, actor)
        actor.require(Action.REQUEST, project.id)
        problems = _check_references(session, tasks)
        if problems:
            raise InputError("\n".join(problems))
        # The requester is who submitted it (an operator entering a lead's request too),
        # so approving it is theirs to leave to another operator; labops itself (tests,
        # tools) submits in the lead's name.
        requester = actor.id if actor.person else project.lead
        request = t.Request(
            project=project.id,
            requester=requester,
            title=form.title,
            note=form.note,
            status=RequestStatus.DRAFT if draft else RequestStatus.SUBMITTED,
            created=now,
            submitted=None if draft else now,
            earliest=to_utc(form.earliest, tz) if form.earliest else None,
            due=to_utc(form.due, tz) if form.due else None,
            due_hard=form.due_hard,
        )
        session.add(request)
        session.flush()
        rows = add_tasks(session, request.id, tasks, lambda local: to_utc(local, tz))
        session.flush()
        if not draft:
            _refuse_if_never_fits(session, request, list(rows.values()), now)
        record(
            session,
            actor=actor.id,
            at=now,
            action="request.draft" if draft else "request.submit",
            record_type="request",
            record_id=request.id,
            summary=f"{form.title} ({len(tasks)} tasks)",
        )
        return Submitted(
            request.id, len(tasks), round(sum(task.duration for task in tasks) / 60, 2)
        )


def _refuse_if_never_fits(
    session: Session, request: t.Request, rows: list[t.Task], now: dt.datetime
) -> None:
    tz = platform_info(session).timezone
    for row in rows:
        if row.due_hard and row.due is not None and row.due <= now:
            due = to_local(row.due, tz).strftime("%a %d %b %H:%M")
            raise InputError(
                f"request refused, it can never fit: task {row.key!r}: its hard due date "
                f"{due} has passed"
            )
    # Look far enough ahead to cover the request's own dates.
    latest = max([now, *(row.due or row.earliest or now for row in rows)])
    weeks = min(max(4, (latest - now).days // 7 + 2), 52)
    snapshot = build_snapshot(session, now=now, weeks=weeks, only=[request.id])
    # The team rule holds over all of a project's scheduled tasks, which other requests
    # may staff, so a request alone is not refused for it.
    reasons = [
        reason
        for reason in precheck(snapshot.problem).get(request_key(request.id), ())
        if reason.rule != Rule.TEAM_COMPOSITION
    ]
    if reasons:
        today = to_local(now, tz).date()
        said = [
            with_lapsed_certificates(session, snapshot, reason, today) for reason in reasons[:5]
        ]
        lines = [f"request refused, it can never fit: {said[0]}"]
        lines += [f"  also: {message}" for message in said[1:]]
        # The refused request is never stored: its id would name another one later.
        named = f"'{request_key(request.id)}."
        raise InputError("\n".join(line.replace(named, "'") for line in lines))


def submit_draft(db: Database, *, actor: Actor, request_id: int, now: dt.datetime) -> None:
    """Submit a saved draft, with the same never-fits check as a new request."""
    with db.write() as session:
        request = _request(session, request_id)
        actor = current_actor(session, actor)
        actor.require(Action.REQUEST, request.project)
        if request.status != RequestStatus.DRAFT:
            raise Conflict(f"request {request_id} is {request.status.value}, not a draft")
        rows = list(session.exec(select(t.Task).where(t.Task.request_id == request.id)))
        request.status, request.submitted = RequestStatus.SUBMITTED, now
        session.add(request)
        session.flush()
        _refuse_if_never_fits(session, request, rows, now)
        record(
            session,
            actor=actor.id,
            at=now,
            action="request.submit",
            record_type="request",
            record_id=request.id,
            summary="draft submitted",
            changes={"status": [RequestStatus.DRAFT.value, RequestStatus.SUBMITTED.value]},
        )


def approve_request(
    db: Database, *, actor: Actor, request_id: int, now: dt.datetime, note: str = ""
) -> None:
    approve_requests(db, actor=actor, request_ids=[request_id], now=now, note=note)


def approve_requests(
    db: Database, *, actor: Actor, request_ids: list[int], now: dt.datetime, note: str = ""
) -> None:
    """Approve requests, all or none: every id is checked before any is approved."""
    _decide(db, actor=actor, request_ids=request_ids, now=now, approve=True, note=note)


def reject_request(
    db: Database, *, actor: Actor, request_id: int, now: dt.datetime, reason: str
) -> None:
    if not reason.strip():
        raise InputError("a rejection needs a reason (--reason)")
    _decide(db, actor=actor, request_ids=[request_id], now=now, approve=False, note=reason.strip())


def _decide(
    db: Database,
    *,
    actor: Actor,
    request_ids: list[int],
    now: dt.datetime,
    approve: bool,
    note: str,
) -> None:
    action = Action.APPROVE if approve else Action.REJECT
    actor.require(action)
    check_text(note, "note" if approve else "reason")
    # A repeated id means that request once: deciding it twice would refuse the second time.
    wanted = list(dict.fromkeys(request_ids))
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(action)
        chosen = [_decidable(session, actor, request_id, approve) for request_id in wanted]
        for request in chosen:
            old = request.status
            request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
            decider = actor.id if actor.person else None  # a person, or labops itself
            request.decided_at, request.decided_by, request.decision_note = now, decider, note
            session.add(request)
            record(
                session,
                actor=actor.id,
                at=now,
                action="request.approve" if approve else "request.reject",
                record_type="request",
                record_id=request.id,
                summary=note,
                changes={"status": [old.value, request.status.value]},
            )
            queue_decision(session, request, by=actor, now=now)


def _decidable(session: Session, actor: Actor, request_id: int, approve: bool) -> t.Request:
    """The request, if ``actor`` may approve (or reject) it; otherwise the one line why not."""
    request = _request(session, request_id)
    if approve:
        _refuse_own_approval(session, actor, request)
    allowed = (
        (RequestStatus.SUBMITTED,) if approve else (RequestStatus.SUBMITTED, RequestStatus.APPROVED)
    )
    if request.status not in allowed:
        which = "submitted requests" if approve else "submitted or approved requests"
        verb = "approved" if approve else "rejected"
        raise Conflict(
            f"request {request_id} is {request.status.value}; only {which} can be {verb}"
        )
    return request


def _refuse_own_approval(session: Session, actor: Actor, request: t.Request) -> None:
    """Separation of duties: unless the platform allows it (``self_approval``), a request
    its approver submitted, or of a project its approver leads, needs another operator."""
    if not actor.person or platform_info(session).self_approval:
        return
    if request.requester == actor.id:
        why = "submitted it"
    elif request.project in actor.leads:
        why = f"leads project '{request.project}'"
    else:
        return
    raise PermissionDenied(
        f"permission denied: {actor.id} {why}: request {request.id} needs another operator's "
        "approval (the platform's self_approval setting is off)"
    )


def withdraw_request(db: Database, *, actor: Actor, request_id: int, now: dt.datetime) -> int:
    """Cancel a request and free its bookings; returns how many bookings were cancelled."""
    with db.write() as session:
        request = _request(session, request_id)
        actor = current_actor(session, actor)
        actor.require(Action.REQUEST, request.project)
        if request.status not in WITHDRAWABLE:
            raise Conflict(
                f"request {request_id} is {request.status.value} and cannot be withdrawn"
            )
        bookings = list(
            session.exec(
                select(t.Booking)
                .join(t.Task, col(t.Task.id) == t.Booking.task_id)
                .where(t.Task.request_id == request.id)
                .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
                .where(t.Booking.start >= now)
            )
        )
        for booking in bookings:
            booking.status = BookingStatus.CANCELLED
            booking.sequence += 1
            session.add(booking)
        queue_booking_changes(
            session, [b.id for b in bookings], what="cancelled", by=actor, now=now,
            why=f"request {request.id} withdrawn",
        )  # fmt: skip
        old = request.status
        request.status = RequestStatus.CANCELLED
        session.add(request)
        record(
            session,
            actor=actor.id,
            at=now,
            action="request.withdraw",
            record_type="request",
            record_id=request.id,
            summary=f"{plural(len(bookings), 'booking')} freed",
            changes={"status": [old.value, RequestStatus.CANCELLED.value]},
        )
        return len(bookings)


def _check_references(session: Session, tasks: list) -> list[str]:
    kinds = set(session.exec(select(t.Kind.id)))
    sites = set(session.exec(select(t.Site.id)))
    units = {u.id: u for u in session.exec(select(t.Equipment))}
    capacity: dict[tuple[str, str | None], int] = {}
    for unit in units.values():
        for key in ((unit.kind, None), (unit.kind, unit.site)):
            capacity[key] = max(capacity.get(key, 0), unit.capacity)
    problems = []
    for task in tasks:
        problems += check_task_needs(f"task '{task.key}'", task, kinds, sites, units, capacity)
    return problems


def _project(session: Session, project_id: str) -> t.Project:
    project = session.get(t.Project, project_id)
    if project is None:
        raise NotFound(f"no project {project_id!r}")
    return project


def _request(session: Session, request_id: int) -> t.Request:
    request = session.get(t.Request, request_id)
    if request is None:
        raise NotFound(f"no request {request_id}")
    return request
