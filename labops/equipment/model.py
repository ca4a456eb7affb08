"""Equipment: kinds of units, the units themselves and their downtime, one model family each.

``...Fields`` holds a record's fields under the names the platform file uses, with their
checks and what a form calls them; the table (``table=True``) and the platform file's entry
(``...Spec``, also the edit form) derive from it, so a new field is written once. Table
rows are built from a checked entry's values (``row(spec)``) and read back through their
JSON form (``spec(row)``): money is cents and durations minutes in both.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

import sqlalchemy as sa
from pydantic import model_validator
from sqlmodel import Field, SQLModel

from labops.columns import enum_type, fk, reference, utc
from labops.fields import (
    ENTRY,
    Count,
    Instant,
    Minutes,
    Money,
    Name,
    Slug,
    Text,
    format_cents,
    ordered,
)
from labops.vocabulary import DowntimeKind


class KindFields(SQLModel):
    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    description: Text = Field(default="", title="Description")


class Kind(KindFields, table=True):
    """An equipment kind (SEM, XRD, glovebox...): what requests and certifications name."""


class KindSpec(KindFields):
    model_config = ENTRY


class EquipmentFields(SQLModel):
    """A unit (one of a bank of 6 fume hoods is capacity 6 of one unit)."""

    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    site: Slug = reference("site", title="Site")
    kind: Slug = reference("kind", title="Kind")
    capacity: Count = Field(default=1, title="Capacity", description="parallel units of capacity")
    hourly_rate: Money = Field(default=0, title="Rate per hour", description="per unit of capacity")
    setup: Minutes = Field(default=0, title="Setup", description="occupied before each task")
    cleanup: Minutes = Field(default=0, title="Cleanup", description="occupied after each task")
    certified_operator: bool = Field(
        default=False,
        title="Needs a certified operator",
        description="only people certified for its kind may run it",
    )
    unattended: bool = Field(
        default=False,
        title="May run unattended",
        description="outside the site's hours, once set up",
    )
    room: Text = Field(default="", title="Room", description="where it stands: building, room")
    notes: Text = Field(default="", title="Notes")


class Equipment(EquipmentFields, table=True):
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("hourly_rate >= 0", name="rate_not_negative"),
    )


class DowntimeFields(SQLModel):
    start: dt.datetime = Field(title="Start")
    end: dt.datetime = Field(title="End")
    kind: DowntimeKind = Field(
        default=DowntimeKind.MAINTENANCE, sa_type=enum_type(DowntimeKind), title="Kind"
    )
    reason: Text = Field(default="", title="Reason")


class Downtime(DowntimeFields, table=True):
    """A unit out of use from ``start`` to ``end`` (UTC instants)."""

    __table_args__ = (
        sa.CheckConstraint("start < end", name="ordered"),
        sa.Index("ix_downtime_equipment_time", "equipment_id", "start", "end"),
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    equipment_id: str = fk("equipment.id", index=False)
    start: dt.datetime = utc()
    end: dt.datetime = utc()


class DowntimeSpec(DowntimeFields):
    """Downtime in the platform file: wall-clock times in the platform's zone, or with an
    offset."""

    model_config = ENTRY
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not ordered(self.start, self.end):
            raise ValueError(
                f"ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )
        return self


class EquipmentSpec(EquipmentFields):
    """A unit in the platform file (and in the edit form, where downtime is left out)."""

    model_config = ENTRY
    downtime: list[DowntimeSpec] = []
    rates: dict[Slug, Money] = {}  # hourly rate per rate tier ([charges] tiers)


def unit_row(spec: EquipmentSpec) -> Equipment:
    """The table row of a checked unit."""
    return Equipment(**{name: getattr(spec, name) for name in EquipmentFields.model_fields})


def unit_spec(
    row: Equipment, downtime: list[DowntimeSpec] | None = None, rates: dict[str, int] | None = None
) -> EquipmentSpec:
    """A unit's row as the platform file writes it (``rates`` in cents)."""
    fields = row.model_dump(mode="json", include=set(EquipmentFields.model_fields))
    return EquipmentSpec.model_validate(
        {
            **fields,
            "downtime": downtime or [],
            "rates": {tier: format_cents(cents) for tier, cents in (rates or {}).items()},
        }
    )
