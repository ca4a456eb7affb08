"""Charging's tables: units' rates per tier, and the stored lines of closed months.

A closed month's statement is read from ``charge_line`` as it was when closed, so later
corrections, rate changes or new tiers never change it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import utc


class UnitRate(SQLModel, table=True):
    """A unit's hourly rate for one tier (per unit of capacity, in cents)."""

    __tablename__ = "unit_rate"
    __table_args__ = (sa.CheckConstraint("hourly_rate >= 0", name="rate_not_negative"),)
    equipment_id: str = Field(
        sa_column=Column(
            sa.String,
            sa.ForeignKey("equipment.id", ondelete="CASCADE", onupdate="CASCADE"),
            primary_key=True,
        )
    )
    tier: str = Field(primary_key=True)
    hourly_rate: int


class ChargeMonth(SQLModel, table=True):
    """A closed month: its statement is its stored lines."""

    __tablename__ = "charge_month"
    month: str = Field(primary_key=True)  # "2027-01"
    closed_at: dt.datetime = utc()
    closed_by: str
    total: int = Field(sa_type=sa.BigInteger)  # cents, the sum of its lines


class ChargeLine(SQLModel, table=True):
    """One line of a closed month's statement, as a finance office reads it."""

    __tablename__ = "charge_line"
    month: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("charge_month.month", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)
    day: dt.date
    pool: str
    project: str
    cost_centre: str
    booking_id: int | None = None
    what: str  # "unit", "staff", "no-show", "late cancellation"
    unit: str
    person: str
    basis: str  # "actual", "planned", "fee"
    minutes: int  # billed minutes
    rate: int = Field(sa_type=sa.BigInteger)  # cents an hour, or the fee
    amount: int = Field(sa_type=sa.BigInteger)  # cents
