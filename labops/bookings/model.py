"""Bookings: tasks placed in time on units, with their people."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, fk, int_fk, utc
from labops.vocabulary import BookingStatus


class Booking(SQLModel, table=True):
    """A task placed in time on units, with its people."""

    __table_args__ = (
        sa.CheckConstraint("start < end", name="ordered"),
        sa.Index("ix_booking_time", "start", "end"),
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    task_id: int = int_fk("task.id")
    start: dt.datetime = utc()
    end: dt.datetime = utc()
    # No index on status: nearly every booking is live, and with one SQLite would read a
    # year of bookings through it instead of using the time-range index.
    status: BookingStatus = Field(default=BookingStatus.PROPOSED, sa_type=enum_type(BookingStatus))
    created_at: dt.datetime = utc()
    created_by: str = "system"
    # Raised on every change of time, units, people or status: iCalendar's SEQUENCE, so a
    # calendar program takes the newer version of an event it has seen.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class BookingUnit(SQLModel, table=True):
    """A unit a booking occupies, from setup to cleanup (so wider than the booking)."""

    __tablename__ = "booking_unit"
    __table_args__ = (
        sa.Index("ix_booking_unit_time", "equipment_id", "busy_start", "busy_end"),
        sa.Index("ix_booking_unit_start", "busy_start"),  # windows over every unit
    )
    booking_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)  # which of the task's equipment needs it serves
    equipment_id: str = fk("equipment.id", cascade=False, index=False)
    amount: int = 1
    busy_start: dt.datetime = utc()
    busy_end: dt.datetime = utc()


class BookingPerson(SQLModel, table=True):
    """A person on a booking, busy over its staffed part; on a task in shifts, one row per
    shift (numbered from 1, in time order), busy over that shift."""

    __tablename__ = "booking_person"
    __table_args__ = (
        sa.Index("ix_booking_person_time", "person_id", "busy_start", "busy_end"),
        sa.Index("ix_booking_person_start", "busy_start"),  # windows over everyone
    )
    booking_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
        )
    )
    person_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True
        )
    )
    shift: int = Field(
        default=0,
        sa_column=Column(sa.Integer, primary_key=True, server_default="0"),
    )  # 0: the whole staffed part; 1, 2...: the shifts of a task in shifts
    busy_start: dt.datetime = utc()
    busy_end: dt.datetime = utc()
