"""Writing a reviewed proposal: validated first, then one transaction, or nothing at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, delete

from labops import tables as t
from labops.audit import record
from labops.db import Database
from labops.errors import Conflict, LabopsError
from labops.scheduling.booking_rows import write_booking_resources
from labops.scheduling.build import fingerprint
from labops.scheduling.proposal import BookingChange, Change, Proposal
from labops.vocabulary import BookingStatus, RequestStatus
from solver.validate import validate


class InvalidPlan(LabopsError):
    """The plan breaks a hard rule; nothing was written."""


@dataclass(frozen=True)
class CommitResult:
    created: int
    moved: int
    restaffed: int
    cancelled: int
    scheduled_requests: list[int]
    returned_requests: list[int]  # scheduled before, waiting again now


def commit_proposal(
    db: Database, proposal: Proposal, *, actor: str, now: dt.datetime
) -> CommitResult:
    """Validate the plan against every hard rule, then write it in one transaction.

    Refused with ``Conflict`` when bookings, downtime, absences or the planned requests
    changed since the problem was built (another operator committed meanwhile).
    """
    violations = validate(proposal.snapshot.problem, proposal.plan)
    if violations:
        first = violations[0]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        raise InvalidPlan(
            f"the plan breaks rule {first.rule}: {first.message}{more}; nothing written"
        )
    snapshot = proposal.snapshot
    with db.write() as session:
        current = fingerprint(session, snapshot.grid.start, snapshot.planned_ids)
        if current != snapshot.fingerprint:
            raise Conflict(
                "the platform changed since this plan was made (another operator committed "
                "bookings, downtime or request changes): re-run the schedule"
            )
        counts = {change: 0 for change in Change}
        for change in proposal.changes:
            _apply(session, change, actor=actor, now=now)
            counts[change.change] += 1
        scheduled, returned = _update_requests(session, proposal, actor=actor, now=now)
        record(
            session,
            actor=actor,
            at=now,
            action="plan.commit",
            record_type="plan",
            record_id=now.isoformat(timespec="seconds"),
            summary=(
                f"{counts[Change.NEW]} new, {counts[Change.MOVED]} moved, "
                f"{counts[Change.RESTAFFED]} re-staffed, {counts[Change.CANCELLED]} cancelled; "
                f"{len(proposal.left_out)} requests left out"
            ),
            changes={
                "repair": snapshot.repair,
                "status": proposal.plan.status,
                "objective": proposal.plan.objective,
                "left_out": {r.request_id: list(r.reasons) for r in proposal.left_out},
            },
        )
    return CommitResult(
        created=counts[Change.NEW],
        moved=counts[Change.MOVED],
        restaffed=counts[Change.RESTAFFED],
        cancelled=counts[Change.CANCELLED],
        scheduled_requests=scheduled,
        returned_requests=returned,
    )


def _apply(session: Session, change: BookingChange, *, actor: str, now: dt.datetime) -> None:
    if change.change == Change.CANCELLED:
        booking = session.get(t.Booking, change.booking_id)
        booking.status = BookingStatus.CANCELLED
        session.add(booking)
        record(
            session,
            actor=actor,
            at=now,
            action="booking.cancel",
            record_type="booking",
            record_id=booking.id,
            summary=f"plan dropped request {change.request_id}",
            changes={"status": [BookingStatus.CONFIRMED.value, BookingStatus.CANCELLED.value]},
        )
        return
    new = change.new
    if change.change == Change.NEW:
        booking = t.Booking(
            task_id=change.task_id,
            start=new.start,
            end=new.end,
            status=BookingStatus.PROPOSED,
            created_at=now,
            created_by=actor,
        )
        session.add(booking)
        session.flush()
    else:
        booking = session.get(t.Booking, change.booking_id)
        before = {"start": booking.start, "end": booking.end, "status": booking.status.value}
        booking.start, booking.end = new.start, new.end
        # A moved booking needs confirming again; a re-staffed one keeps its status.
        if change.change == Change.MOVED:
            booking.status = BookingStatus.PROPOSED
        session.add(booking)
        session.execute(delete(t.BookingUnit).where(col(t.BookingUnit.booking_id) == booking.id))
        session.execute(
            delete(t.BookingPerson).where(col(t.BookingPerson.booking_id) == booking.id)
        )
        session.flush()
    write_booking_resources(
        session, booking, session.get(t.Task, change.task_id), new.units, new.people
    )
    old = change.old
    record(
        session,
        actor=actor,
        at=now,
        action=f"booking.{change.change.value}",
        record_type="booking",
        record_id=booking.id,
        summary=f"request {change.request_id} task {change.task.split('.', 1)[1]}",
        changes={
            "start": [old.start if old else None, new.start],
            "units": [list(old.units) if old else None, list(new.units)],
            "people": [list(old.people) if old else None, list(new.people)],
            **(
                {"status": [before["status"], booking.status.value]}
                if change.change == Change.MOVED
                else {}
            ),
        },
    )


def _update_requests(
    session: Session, proposal: Proposal, *, actor: str, now: dt.datetime
) -> tuple[list[int], list[int]]:
    scheduled, returned = [], []
    for request_id in proposal.placed_requests:
        request = session.get(t.Request, request_id)
        if request.status == RequestStatus.APPROVED:
            _set_status(session, request, RequestStatus.SCHEDULED, actor=actor, now=now)
            scheduled.append(request_id)
    for left in proposal.left_out:
        request = session.get(t.Request, left.request_id)
        if request.status == RequestStatus.SCHEDULED:
            _set_status(
                session,
                request,
                RequestStatus.APPROVED,
                actor=actor,
                now=now,
                note="; ".join(left.reasons),
            )
            returned.append(left.request_id)
    return scheduled, returned


def _set_status(
    session: Session,
    request: t.Request,
    status: RequestStatus,
    *,
    actor: str,
    now: dt.datetime,
    note: str = "",
) -> None:
    old = request.status
    request.status = status
    session.add(request)
    record(
        session,
        actor=actor,
        at=now,
        action=f"request.{status.value}",
        record_type="request",
        record_id=request.id,
        summary=note,
        changes={"status": [old.value, status.value]},
    )
