"""Planning: the plans committed, and the requests each left out."""

from __future__ import annotations

import datetime as dt

from sqlmodel import JSON, Column, Field, SQLModel

from labops.columns import int_fk, utc


class PlanRun(SQLModel, table=True):
    """A committed plan: when, by whom, over which window, and what it changed."""

    __tablename__ = "plan_run"
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    at: dt.datetime = utc(index=True)
    actor: str
    repair: bool = False
    start: dt.datetime = utc()  # the horizon: nothing new was placed before it
    end: dt.datetime = utc()
    frozen_until: dt.datetime = utc()  # bookings starting before it stayed as they were
    status: str  # the solver's: optimal, feasible or stopped
    seconds: float = 0.0
    created: int = 0
    moved: int = 0
    restaffed: int = 0
    cancelled: int = 0


class LeftOut(SQLModel, table=True):
    """A request a committed plan could not place, with each reason it gave."""

    __tablename__ = "left_out"
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    plan_run_id: int = int_fk("plan_run.id")
    request_id: int = int_fk("request.id")
    rule: str  # the solver's rule name (solver.rules.Rule)
    message: str
    task_key: str | None = None  # the request's task the reason is about, if one
    refs: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
