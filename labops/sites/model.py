"""Sites: labs and pilot lines, their opening hours, closures and travel between them.

One model family (see ``labops.equipment.model``): ``SiteFields`` under the platform
file's names; the table and the file's entry (``labops.platform.file_schema.SiteSpec``,
which adds hours and closures) derive from it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import fk
from labops.fields import Name, Slug, Text, TimeZoneName


class SiteFields(SQLModel):
    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    timezone: TimeZoneName = Field(title="Time zone", description="like Europe/Berlin")
    description: Text = Field(default="", title="Description")


class Site(SiteFields, table=True):
    pass


class SiteHours(SQLModel, table=True):
    """One opening window of a site on a weekday (0 = Monday), local time."""

    __tablename__ = "site_hours"
    __table_args__ = (
        sa.CheckConstraint("opens < closes", name="opens_before_closes"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    site_id: str = fk("site.id")
    weekday: int
    opens: dt.time
    closes: dt.time


class SiteClosure(SQLModel, table=True):
    """Days a site is closed (holidays), first and last day inclusive."""

    __tablename__ = "site_closure"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="ordered"),)
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    site_id: str = fk("site.id")
    first_day: dt.date
    last_day: dt.date
    reason: str = ""


class Travel(SQLModel, table=True):
    """Minutes a person needs between two sites (stored once per pair, a < b)."""

    __table_args__ = (sa.CheckConstraint("site_a < site_b", name="ordered_pair"),)
    site_a: str = Field(
        sa_column=Column(sa.String, sa.ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    )
    site_b: str = Field(
        sa_column=Column(sa.String, sa.ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    )
    minutes: int
