"""Writing a reviewed proposal: validated first, then one transaction, or nothing at all.

Inside the transaction the plan is checked again against the platform as it is then: the
fingerprint catches another operator's bookings, downtime, absences and decisions; building
the problem again and validating the plan against it catches every rule changed since
(opening hours, certificates, people's hours, budgets, travel). The commit records a plan
run with each request it left out and why, which the next plans and the screens read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, delete

from labops import tables as t
from labops.audit import record
from labops.bookings.rows import write_booking_resources
from labops.db import Database
from labops.errors import Conflict, LabopsError
from labops.notifications.queue import queue_plan_changes
from labops.permissions import Action, Actor, current_actor
from labops.planning.build import build_snapshot
from labops.planning.fingerprint import fingerprint
from labops.planning.proposal import BookingChange, Change, Proposal
from labops.planning.runs import NOT_PLACED
from labops.requests.booked import set_request_status
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
    db: Database, proposal: Proposal, *, actor: Actor, now: dt.datetime
) -> CommitResult:
    """Validate the plan against every hard rule, then write it in one transaction.

    Refused when the actor may no longer schedule (rights are read again inside the
    transaction), with ``Conflict`` when bookings, downtime, absences or the planned
    requests changed since the problem was built (another operator committed meanwhile),
    or when the plan no longer keeps the rules of the platform as it is now.
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
        actor = current_actor(session, actor)
        actor.require(Action.SCHEDULE)
        current = fingerprint(session, snapshot.grid.start, snapshot.planned_ids)
        if current != snapshot.fingerprint:
            raise Conflict(
                "the platform changed since this plan was made (another operator committed "
                "bookings, downtime or request changes): re-run the schedule"
            )
        _check_rules_in_force(session, proposal)
        counts = {change: 0 for change in Change}
        for change in proposal.changes:
            _apply(session, change, actor=actor.id, now=now)
            counts[change.change] += 1
        why = "a repair after downtime or an absence" if snapshot.repair else "a new plan"
        queue_plan_changes(session, proposal.changes, by=actor, now=now, why=why)
        scheduled, returned = _update_requests(session, proposal, actor=actor.id, now=now)
        run = _record_run(session, proposal, counts, actor=actor.id, now=now)
        record(
            session,
            actor=actor.id,
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
                "plan_run": run.id,
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


def _check_rules_in_force(session: Session, proposal: Proposal) -> None:
    """Refuse the plan when it breaks a rule of the platform as it is in this transaction
    (a rule changed after the plan was made)."""
    made = proposal.snapshot
    again = build_snapshot(
        session,
        now=made.now,
        start=made.start,
        weeks=made.weeks,
        repair=made.repair,
        freeze_days=made.freeze_days,
        retry_waiting=made.retry_waiting,
    )
    violations = validate(again.problem, proposal.plan)
    if violations:
        first = violations[0]
        raise Conflict(
            f"the platform's rules changed since this plan was made ({first.rule}: "
            f"{first.message}): re-run the schedule; nothing written"
        )


def _record_run(
    session: Session,
    proposal: Proposal,
    counts: dict[Change, int],
    *,
    actor: str,
    now: dt.datetime,
) -> t.PlanRun:
    """The plan run, with a row per reason of each request left out."""
    snapshot = proposal.snapshot
    run = t.PlanRun(
        at=now,
        actor=actor,
        repair=snapshot.repair,
        start=snapshot.ready,
        end=snapshot.horizon_end,
        frozen_until=snapshot.frozen_until,
        status=proposal.plan.status,
        seconds=round(proposal.plan.seconds, 2),
        created=counts[Change.NEW],
        moved=counts[Change.MOVED],
        restaffed=counts[Change.RESTAFFED],
        cancelled=counts[Change.CANCELLED],
    )
    session.add(run)
    session.flush()
    for left in proposal.left_out:
        details = left.details
        if not details:
            session.add(
                t.LeftOut(
                    plan_run_id=run.id,
                    request_id=left.request_id,
                    rule=NOT_PLACED,
                    message="; ".join(left.reasons),
                )
            )
        for reason in details:
            session.add(
                t.LeftOut(
                    plan_run_id=run.id,
                    request_id=left.request_id,
                    rule=reason.rule,
                    message=reason.message,
                    task_key=reason.task.split(".", 1)[1] if reason.task else None,
                    refs=list(reason.refs),
                )
            )
    return run


def _apply(session: Session, change: BookingChange, *, actor: str, now: dt.datetime) -> None:
    if change.change == Change.CANCELLED:
        booking = session.get_one(t.Booking, change.booking_id)
        booking.status = BookingStatus.CANCELLED
        booking.sequence += 1
        session.add(booking)
        record(
            session,
            actor=actor,
            at=now,
            action="booking.cancel",
            record_type="booking",
            record_id=booking.id,
            summary=f"plan dropped request {change.request_id}",
            changes={"status": [_booking_status(change), BookingStatus.CANCELLED.value]},
        )
        return
    new = change.new
    assert new is not None  # every change but a cancellation has its new place
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
        booking = session.get_one(t.Booking, change.booking_id)
        before = {"start": booking.start, "end": booking.end, "status": booking.status.value}
        booking.start, booking.end = new.start, new.end
        booking.sequence += 1  # moved or re-staffed: calendars take this version
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
        session, booking, session.get_one(t.Task, change.task_id), new.units, new.people, new.shifts
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
            "people": [list(old.everyone) if old else None, list(new.everyone)],
            **(
                {"status": [before["status"], booking.status.value]}
                if change.change == Change.MOVED
                else {}
            ),
        },
    )


def _booking_status(change: BookingChange) -> str:
    return (change.status or BookingStatus.PROPOSED).value


def _update_requests(
    session: Session, proposal: Proposal, *, actor: str, now: dt.datetime
) -> tuple[list[int], list[int]]:
    scheduled, returned = [], []
    for request_id in proposal.placed_requests:
        request = session.get_one(t.Request, request_id)
        if request.status == RequestStatus.APPROVED:
            set_request_status(
                session, request, RequestStatus.SCHEDULED, actor=actor, now=now, why=""
            )
            scheduled.append(request_id)
    for left in proposal.left_out:
        request = session.get_one(t.Request, left.request_id)
        if request.status == RequestStatus.SCHEDULED:
            set_request_status(
                session,
                request,
                RequestStatus.APPROVED,
                actor=actor,
                now=now,
                why="; ".join(left.reasons),
            )
            returned.append(left.request_id)
    return scheduled, returned
