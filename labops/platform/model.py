"""The platform record: its name, home time zone, reference week and settings."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel


class PlatformInfo(SQLModel, table=True):
    """One row: the platform's name, home time zone, reference week and settings."""

    __tablename__ = "platform"
    id: int = Field(default=1, primary_key=True)
    name: str
    timezone: str
    anchor: dt.date  # Monday of the week the platform's data starts from
    slot_minutes: int = 30
    # labops.planning.settings.PlanningSettings as JSON; {} means every default.
    planning: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # labops.usage.model.UsageSettings as JSON; {} means every default.
    usage: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # labops.charges.settings.ChargeSettings as JSON; {} means every default.
    charges: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # Whether an operator may approve a request they submitted or whose project they lead;
    # off, a second operator must (separation of duties).
    self_approval: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Who acts: "login" (the person whose login runs labops; --as is impersonation, admins
    # only) or "open" (--as names anyone). None: "login" on a server, "open" on SQLite.
    identity: str | None = None
