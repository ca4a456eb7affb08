"""Instrument logs: a CSV of what ran (unit, person, start, end), matched to bookings.

Each row checks in and out the live booking of that unit with that person whose planned
time overlaps the logged time most. The whole file is one transaction: a row that names
an unknown unit or person, has bad times, or matches no booking stops the import with one
line naming the row, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError, LabopsError
from labops.localtime import local_text
from labops.permissions import Action, Actor, current_actor
from labops.records.catalog import platform_info
from labops.timeinput import parse_instant
from labops.usage.service import CHECKABLE, record_in, record_out

COLUMNS = ("unit", "person", "start", "end")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class LogRow:
    line: int
    unit: str
    person: str
    start: dt.datetime
    end: dt.datetime


def import_log(
    db: Database, *, actor: Actor, text: str, source: str, now: dt.datetime
) -> list[int]:
    """Record the use in ``text`` (a CSV with a header naming ``COLUMNS``); returns the
    bookings checked in and out, in the file's order."""
    actor.require(Action.BOOK)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        tz = platform_info(session).timezone
        done: list[int] = []
        for row in read_rows(text, source, tz):
            where = f"{source} row {row.line}"
            try:
                booking = _match(session, row, where, tz)
                if booking.id in done:
                    raise InputError(f"{where}: booking {booking.id} is logged twice")
                record_in(session, booking, at=row.start, by=actor.id, now=now)
                record_out(session, booking, at=row.end, by=actor.id, now=now)
            except LabopsError as exc:
                message = str(exc)
                named = message if message.startswith(where) else f"{where}: {message}"
                raise type(exc)(named) from None
            done.append(booking.id)
        return done


def read_rows(text: str, source: str, tz: str) -> list[LogRow]:
    """The log's rows, checked one by one (line numbers as a spreadsheet shows them)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(
            f"{source}: the header must name {', '.join(COLUMNS)}; missing {', '.join(missing)}"
        )
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise InputError(f"{source}: more than {MAX_ROWS} rows; split the log")
        where = f"{source} row {number}"
        values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        for name in COLUMNS:
            if not values[name]:
                raise InputError(f"{where}: {name} is empty")
        start = parse_instant(values["start"], tz, f"{where}: start")
        end = parse_instant(values["end"], tz, f"{where}: end")
        if end <= start:
            raise InputError(f"{where}: end {values['end']} is not after start {values['start']}")
        rows.append(LogRow(number, values["unit"], values["person"], start, end))
    if not rows:
        raise InputError(f"{source}: no rows under the header")
    return rows


def _match(session: Session, row: LogRow, where: str, tz: str) -> t.Booking:
    """The live booking of the row's unit and person overlapping its time the most."""
    if session.get(t.Equipment, row.unit) is None:
        raise InputError(f"{where}: no equipment unit {row.unit!r}")
    if session.get(t.Person, row.person) is None:
        raise InputError(f"{where}: no person {row.person!r}")
    candidates = session.exec(
        select(t.Booking)
        .join(t.BookingUnit, col(t.BookingUnit.booking_id) == t.Booking.id)
        .join(t.BookingPerson, col(t.BookingPerson.booking_id) == t.Booking.id)
        .where(t.BookingUnit.equipment_id == row.unit, t.BookingPerson.person_id == row.person)
        .where(col(t.Booking.status).in_(CHECKABLE))
        .where(t.Booking.start < row.end, t.Booking.end > row.start)
    ).all()
    if not candidates:
        raise InputError(
            f"{where}: no booking of {row.unit} with {row.person} overlaps "
            f"{local_text(row.start, tz)} - {local_text(row.end, tz)}"
        )

    def overlap(booking: t.Booking) -> tuple[dt.timedelta, int]:
        return min(booking.end, row.end) - max(booking.start, row.start), -booking.id

    return max(candidates, key=overlap)
