"""Recorded use: what really ran of a booking (actual start and end, or a no-show).

One model family (see ``labops.equipment.model``): ``UsageFields`` under the names the
platform file uses (a booking's ``use = { start, end }`` or ``use = { no_show = true }``);
the table adds the booking and who recorded it, the file's entry checks the times.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, model_validator
from sqlmodel import Column, Field, SQLModel

from labops.columns import utc
from labops.fields import ENTRY, Instant, Minutes, format_minutes, ordered
from labops.localtime import local_text


class UsageFields(SQLModel):
    no_show: bool = Field(
        default=False, title="No-show", description="not checked in within the grace period"
    )


class Usage(UsageFields, table=True):
    """A booking's recorded use: checked in at ``start``, out at ``end`` (None while it
    runs); a no-show has neither."""

    __tablename__ = "booking_use"
    __table_args__ = (
        sa.CheckConstraint('"end" IS NULL OR start IS NULL OR start < "end"', name="ordered"),
        sa.CheckConstraint("NOT no_show OR start IS NULL", name="no_show_unused"),
    )
    booking_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
        )
    )
    start: dt.datetime | None = utc(nullable=True)
    end: dt.datetime | None = utc(nullable=True)
    recorded_at: dt.datetime = utc()
    recorded_by: str = "system"

    @property
    def minutes(self) -> int:
        """Minutes used; 0 until checked out."""
        if self.start is None or self.end is None:
            return 0
        return int((self.end - self.start).total_seconds() // 60)


class UsageSpec(UsageFields):
    """A booking's ``use`` in the platform file: times or a no-show."""

    model_config = ENTRY
    start: Instant | None = None
    end: Instant | None = None

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.no_show and (self.start or self.end):
            raise ValueError("a no-show has no start or end")
        if not self.no_show and self.start is None:
            raise ValueError("use needs a start (checked in), or no_show = true")
        if self.end is not None and self.start is not None and not ordered(self.start, self.end):
            raise ValueError(
                f"use ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )
        return self


class UsageSettings(BaseModel):
    """The platform file's ``[usage]`` section (a JSON column of the platform row)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A booking nobody checked in to this long after its start is a no-show.
    no_show_after: Minutes = 30


def use_text(use: Usage | None, tz: str) -> str | None:
    """What really ran of a booking, when recorded (labops.usage)."""
    if use is None:
        return None
    if use.no_show:
        return "no-show"
    checked_in = f"checked in {local_text(use.start, tz)}"
    if use.end is None:
        return f"{checked_in}, running"
    return f"{checked_in}, out {local_text(use.end, tz)} ({format_minutes(use.minutes)})"
