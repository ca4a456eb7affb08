"""Recording use: check-in, check-out, no-shows and an operator's corrections.

Each use case is one write transaction with its audit event. Checking out ends the
booking (done) and, when it ends early, frees the rest of its units' and people's time:
their busy spans shrink to the actual end (units keep their cleanup), and a checked-out
booking no longer holds time in a re-plan. A no-show cancels the booking, which frees its
time the same way a cancellation does.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import field_changes, record
from labops.controls import check_text
from labops.db import Database
from labops.errors import Conflict, InputError, NotFound
from labops.localtime import local_text
from labops.permissions import Action, Actor, current_actor
from labops.records.catalog import platform_info
from labops.usage.model import Usage, UsageSettings
from labops.vocabulary import BookingStatus

# A booking can be checked in to while it is held for someone (not proposed); a done one
# too, when it was marked done without its times.
CHECKABLE = (BookingStatus.CONFIRMED, BookingStatus.LOCKED, BookingStatus.DONE)
# The bookings that become no-shows when nobody checks in.
AWAITED = (BookingStatus.CONFIRMED, BookingStatus.LOCKED)


def usage_settings(session: Session) -> UsageSettings:
    return UsageSettings.model_validate(platform_info(session).usage)


def check_in(
    db: Database, *, actor: Actor, booking_id: int, at: dt.datetime, now: dt.datetime
) -> Usage:
    """Record that a booking's use began at ``at``."""
    actor.require(Action.BOOK)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        booking = _booking(session, booking_id)
        # Earlier than the grace period before its start is likely the wrong booking.
        grace = dt.timedelta(minutes=usage_settings(session).no_show_after)
        if at < booking.start - grace:
            raise Conflict(
                f"booking {booking_id} starts at {_local(session, booking.start)}: too early "
                "to check in"
            )
        return record_in(session, booking, at=at, by=actor.id, now=now)


def check_out(
    db: Database, *, actor: Actor, booking_id: int, at: dt.datetime, now: dt.datetime
) -> Usage:
    """Record that a booking's use ended at ``at``: the booking is done, and the rest of its
    time (when it ended early) is free."""
    actor.require(Action.BOOK)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        booking = _booking(session, booking_id)
        return record_out(session, booking, at=at, by=actor.id, now=now)


def record_in(
    session: Session, booking: t.Booking, *, at: dt.datetime, by: str, now: dt.datetime
) -> Usage:
    """Check ``booking`` in at ``at`` inside the caller's transaction."""
    if at > now:
        raise InputError(f"booking {booking.id}: cannot check in at a time still to come")
    use = session.get(Usage, booking.id)
    if use is not None:
        raise Conflict(f"booking {booking.id} {_recorded(use, session)}: correct it instead")
    if booking.status not in CHECKABLE:
        raise Conflict(
            f"booking {booking.id} is {booking.status.value}: only a confirmed, locked or "
            "done booking can be checked in"
        )
    if at >= booking.end:
        raise Conflict(
            f"booking {booking.id} ended at {_local(session, booking.end)}: record its use "
            "with 'labops usage correct'"
        )
    use = Usage(booking_id=booking.id, start=at, recorded_at=now, recorded_by=by)
    session.add(use)
    record(
        session,
        actor=by,
        at=now,
        action="booking.checkin",
        record_type="booking",
        record_id=booking.id,
        changes={"checked_in": at},
    )
    return use


def record_out(
    session: Session, booking: t.Booking, *, at: dt.datetime, by: str, now: dt.datetime
) -> Usage:
    """Check ``booking`` out at ``at`` inside the caller's transaction."""
    if at > now:
        raise InputError(f"booking {booking.id}: cannot check out at a time still to come")
    use = session.get(Usage, booking.id)
    if use is None or use.start is None:
        raise Conflict(f"booking {booking.id} is not checked in")
    if use.end is not None:
        raise Conflict(f"booking {booking.id} {_recorded(use, session)}: correct it instead")
    if at <= use.start:
        raise InputError(
            f"booking {booking.id} was checked in at {_local(session, use.start)}: "
            "check-out must come after it"
        )
    use.end, use.recorded_at, use.recorded_by = at, now, by
    session.add(use)
    _finish(session, booking, at)
    record(
        session,
        actor=by,
        at=now,
        action="booking.checkout",
        record_type="booking",
        record_id=booking.id,
        changes={"checked_out": at, "minutes": use.minutes},
    )
    return use


# How far back a sweep looks unless told: bookings older than this, never checked in nor
# marked done, predate recording use (a platform upgraded with years of them) and are left.
SWEEP_DAYS = 7


def sweep_no_shows(
    db: Database, *, actor: Actor, now: dt.datetime, since: dt.datetime | None = None
) -> list[int]:
    """Mark as no-shows the confirmed and locked bookings starting from ``since`` (default
    a week back) nobody checked in to within the platform's grace period after their start;
    returns their ids. Their time is freed."""
    since = since or now - dt.timedelta(days=SWEEP_DAYS)
    actor.require(Action.BOOK)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        grace = dt.timedelta(minutes=usage_settings(session).no_show_after)
        used = select(Usage.booking_id)
        late = session.exec(
            select(t.Booking)
            .where(col(t.Booking.status).in_(AWAITED))
            .where(t.Booking.start <= now - grace, t.Booking.start >= since)
            .where(col(t.Booking.id).not_in(used))
            .order_by(col(t.Booking.start), col(t.Booking.id))
        ).all()
        for booking in late:
            was = booking.status.value
            session.add(
                Usage(booking_id=booking.id, no_show=True, recorded_at=now, recorded_by=actor.id)
            )
            _set_status(session, booking, BookingStatus.CANCELLED)
            record(
                session,
                actor=actor.id,
                at=now,
                action="booking.no_show",
                record_type="booking",
                record_id=booking.id,
                summary=f"not checked in within {int(grace.total_seconds() // 60)} minutes",
                changes={"status": [was, BookingStatus.CANCELLED.value]},
            )
        return [b.id for b in late]


def correct_use(
    db: Database,
    *,
    actor: Actor,
    booking_id: int,
    now: dt.datetime,
    note: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    no_show: bool | None = None,
) -> Usage:
    """An operator's correction of a booking's recorded use, audited with its reason: new
    times, a no-show, or a no-show taken back (give the times it was used)."""
    actor.require(Action.BOOK)
    check_text(note, "note")
    if not note.strip():
        raise InputError("a correction needs --note: why the record was wrong")
    if no_show and (start or end):
        raise InputError("a no-show has no start or end")
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        booking = _booking(session, booking_id)
        use = session.get(Usage, booking_id) or Usage(booking_id=booking_id)
        before = _values(use)
        if no_show:
            use.no_show, use.start, use.end = True, None, None
        else:
            if no_show is False:
                use.no_show = False
            use.start = start or use.start
            use.end = end or use.end
            if use.no_show and (use.start or use.end):
                raise InputError(f"booking {booking_id} is a no-show: say --showed to undo it")
            if not use.no_show and use.start is None:
                raise InputError(f"booking {booking_id} was not checked in: give --start")
        if use.start and use.end and use.end <= use.start:
            raise InputError("the use must end after it starts")
        if (use.end or use.start or now) > now:
            raise InputError("recorded use cannot lie in the future")
        changes = field_changes(before, _values(use))
        if not changes:
            raise InputError(f"booking {booking_id}: nothing to change")
        use.recorded_at, use.recorded_by = now, actor.id
        session.add(use)
        if use.no_show:
            _set_status(session, booking, BookingStatus.CANCELLED)
        elif use.end is not None:
            _finish(session, booking, use.end)
        elif booking.status == BookingStatus.CANCELLED:  # a no-show taken back, still running
            _set_status(session, booking, BookingStatus.CONFIRMED)
        record(
            session,
            actor=actor.id,
            at=now,
            action="booking.use_correct",
            record_type="booking",
            record_id=booking_id,
            summary=note,
            changes=changes,
        )
        return use


def release_after(session: Session, booking: t.Booking, end: dt.datetime) -> None:
    """Shrink the booking's hold on its units (to ``end`` plus cleanup) and people (to
    ``end``) when its use ended before the plan said: the rest is free for others."""
    for held in session.exec(select(t.BookingUnit).where(t.BookingUnit.booking_id == booking.id)):
        cleanup = session.get_one(t.Equipment, held.equipment_id).cleanup
        _shrink(session, held, end + dt.timedelta(minutes=cleanup))
    for staffed in session.exec(
        select(t.BookingPerson).where(t.BookingPerson.booking_id == booking.id)
    ):
        _shrink(session, staffed, end)


def _shrink(session: Session, held, end: dt.datetime) -> None:
    new_end = max(held.busy_start, min(held.busy_end, end))
    if new_end != held.busy_end:
        held.busy_end = new_end
        session.add(held)


def _finish(session: Session, booking: t.Booking, end: dt.datetime) -> None:
    _set_status(session, booking, BookingStatus.DONE)
    release_after(session, booking, end)


def _set_status(session: Session, booking: t.Booking, status: BookingStatus) -> None:
    if booking.status != status:
        booking.status = status
        booking.sequence += 1  # calendars take the newer version
        session.add(booking)


def _booking(session: Session, booking_id: int) -> t.Booking:
    booking = session.get(t.Booking, booking_id)
    if booking is None:
        raise NotFound(f"no booking {booking_id}")
    return booking


def _values(use: Usage) -> dict:
    return {"start": use.start, "end": use.end, "no_show": use.no_show}


def _local(session: Session, instant: dt.datetime) -> str:
    return local_text(instant, platform_info(session).timezone) or ""


def _recorded(use: Usage, session: Session) -> str:
    if use.no_show:
        return "is recorded as a no-show"
    if use.end is not None:
        return f"was checked out at {_local(session, use.end)}"
    assert use.start is not None  # a use that is no no-show was checked in (correct_use, UsageSpec)
    return f"was checked in at {_local(session, use.start)}"
