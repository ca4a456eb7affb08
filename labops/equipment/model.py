"""Equipment: kinds of units, the units themselves and their downtime."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from labops.columns import enum_type, fk, utc
from labops.vocabulary import DowntimeKind


class Kind(SQLModel, table=True):
    """An equipment kind (SEM, XRD, glovebox...): what requests and certifications name."""

    id: str = Field(primary_key=True)
    name: str
    description: str = ""


class Equipment(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("hourly_rate_cents >= 0", name="rate_not_negative"),
    )
    id: str = Field(primary_key=True)
    name: str
    site_id: str = fk("site.id", cascade=False)
    kind_id: str = fk("kind.id", cascade=False)
    capacity: int = 1
    hourly_rate_cents: int = 0  # per unit of capacity
    setup_minutes: int = 0
    cleanup_minutes: int = 0
    needs_certified: bool = False
    unattended_ok: bool = False
    notes: str = ""


class Downtime(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("start < end", name="ordered"),
        sa.Index("ix_downtime_equipment_time", "equipment_id", "start", "end"),
    )
    id: int | None = Field(default=None, primary_key=True)
    equipment_id: str = fk("equipment.id", index=False)
    start: dt.datetime = utc()
    end: dt.datetime = utc()
    kind: DowntimeKind = Field(sa_type=enum_type(DowntimeKind))
    reason: str = ""
