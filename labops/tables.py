"""The platform's tables (SQLModel). Pydantic models for the edges live elsewhere.

Catalogue records (kinds, sites, equipment, people, pools, projects) are keyed by short,
human-chosen slugs, which the CLI and the fixture files use. Requests, tasks, bookings and
audit events get integer ids. Money is integer cents; durations are minutes; instants are
timezone-aware UTC in Python and naive UTC in the database (see UTCDateTime).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Column, Field, SQLModel

from labops.vocabulary import (
    AbsenceKind,
    Access,
    BookingStatus,
    DowntimeKind,
    PoolKind,
    RequestStatus,
    Role,
    Stage,
)

# Stable constraint names, so Alembic's batch migrations on SQLite can find them again.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the database")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def _enum(enum: type[StrEnum]) -> sa.Enum:
    """Store an enum's values (not its member names) with a CHECK constraint."""
    return sa.Enum(
        enum,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        length=32,
        name=enum.__name__.lower(),
    )


def _utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _fk(target: str, *, nullable: bool = False, index: bool = True, cascade: bool = True) -> Any:
    on_delete = "CASCADE" if cascade else "RESTRICT"
    return Field(
        sa_column=Column(
            sa.String,
            sa.ForeignKey(target, ondelete=on_delete, onupdate="CASCADE"),
            nullable=nullable,
            index=index,
        )
    )


def _int_fk(target: str, *, index: bool = True) -> Any:
    return Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, index=index
        )
    )


# --- platform -----------------------------------------------------------------------------


class PlatformInfo(SQLModel, table=True):
    """One row: the platform's name, home time zone, reference week and settings."""

    __tablename__ = "platform"
    id: int = Field(default=1, primary_key=True)
    name: str
    timezone: str
    anchor: dt.date  # Monday of the week the platform's data starts from
    slot_minutes: int = 30
    # labops.scheduling.settings.PlanningSettings as JSON; {} means every default.
    planning: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # Whether an operator may approve a request they submitted or whose project they lead;
    # off, a second operator must (separation of duties).
    self_approval: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Kind(SQLModel, table=True):
    """An equipment kind (SEM, XRD, glovebox...): what requests and certifications name."""

    id: str = Field(primary_key=True)
    name: str
    description: str = ""


class Site(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    timezone: str
    description: str = ""


class SiteHours(SQLModel, table=True):
    """One opening window of a site on a weekday (0 = Monday), local time."""

    __tablename__ = "site_hours"
    __table_args__ = (
        sa.CheckConstraint("opens < closes", name="opens_before_closes"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: str = _fk("site.id")
    weekday: int
    opens: dt.time
    closes: dt.time


class SiteClosure(SQLModel, table=True):
    """Days a site is closed (holidays), first and last day inclusive."""

    __tablename__ = "site_closure"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="ordered"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: str = _fk("site.id")
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


# --- equipment ----------------------------------------------------------------------------


class Equipment(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("hourly_rate_cents >= 0", name="rate_not_negative"),
    )
    id: str = Field(primary_key=True)
    name: str
    site_id: str = _fk("site.id", cascade=False)
    kind_id: str = _fk("kind.id", cascade=False)
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
    equipment_id: str = _fk("equipment.id", index=False)
    start: dt.datetime = _utc()
    end: dt.datetime = _utc()
    kind: DowntimeKind = Field(sa_type=_enum(DowntimeKind))
    reason: str = ""


# --- people -------------------------------------------------------------------------------


class Person(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    email: str = ""
    role: Role = Field(sa_type=_enum(Role))
    access: Access = Field(default=Access.MEMBER, sa_type=_enum(Access))
    home_site_id: str | None = _fk("site.id", nullable=True, cascade=False)
    weekly_hours: float = 40.0
    platform_staff: bool = False  # serves every project, not only the ones they are a member of


class PersonHours(SQLModel, table=True):
    """One working window of a person on a weekday (0 = Monday), in their home site's time."""

    __tablename__ = "person_hours"
    __table_args__ = (
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = _fk("person.id")
    weekday: int
    starts: dt.time
    ends: dt.time


class Skill(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),)
    person_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
        )
    )
    skill: str = Field(primary_key=True)
    level: int


class Certification(SQLModel, table=True):
    """A person may operate equipment of a kind until the end of ``expires``."""

    person_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
        )
    )
    kind_id: str = Field(
        sa_column=Column(sa.String, sa.ForeignKey("kind.id", ondelete="RESTRICT"), primary_key=True)
    )
    expires: dt.date


class Absence(SQLModel, table=True):
    """A time a person cannot be scheduled: leave, teaching, sickness."""

    __table_args__ = (
        sa.CheckConstraint("start < end", name="ordered"),
        sa.Index("ix_absence_person_time", "person_id", "start", "end"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = _fk("person.id", index=False)
    start: dt.datetime = _utc()
    end: dt.datetime = _utc()
    kind: AbsenceKind = Field(sa_type=_enum(AbsenceKind))
    note: str = ""


# --- money and projects -------------------------------------------------------------------


class FundPool(SQLModel, table=True):
    __tablename__ = "fund_pool"
    id: str = Field(primary_key=True)
    name: str
    kind: PoolKind = Field(sa_type=_enum(PoolKind), sa_column_kwargs={"unique": True})
    budget_cents: int = 0


class Project(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),)
    id: str = Field(primary_key=True)
    name: str
    source_technology: str = ""
    patent: str = ""
    demand_partner: str = ""
    stage: Stage = Field(default=Stage.PROOF_OF_CONCEPT, sa_type=_enum(Stage))
    lead_id: str = _fk("person.id", cascade=False)
    priority: int = 3
    fund_pool_id: str = _fk("fund_pool.id", cascade=False)
    budget_cents: int = 0
    enforce_budget: bool = True
    max_students_per_senior: int | None = None
    description: str = ""


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"
    project_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
        )
    )
    person_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
        )
    )


class ProjectRoleMinimum(SQLModel, table=True):
    """Team composition: at least ``count`` people of ``role`` on the project's bookings."""

    __tablename__ = "project_role_minimum"
    project_id: str = Field(
        sa_column=Column(
            sa.String, sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
        )
    )
    role: Role = Field(primary_key=True, sa_type=_enum(Role))
    count: int = 1


# --- requests and tasks -------------------------------------------------------------------


class Request(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: str = _fk("project.id", cascade=False)
    requester_id: str = _fk("person.id", cascade=False)
    title: str
    status: RequestStatus = Field(
        default=RequestStatus.DRAFT, sa_type=_enum(RequestStatus), index=True
    )
    created_at: dt.datetime = _utc()
    submitted_at: dt.datetime | None = _utc(nullable=True)
    decided_at: dt.datetime | None = _utc(nullable=True)
    decided_by: str | None = _fk("person.id", nullable=True, cascade=False, index=False)
    decision_note: str = ""
    note: str = ""


class Task(SQLModel, table=True):
    """A piece of work of a request. ``staff_minutes`` set means unattended after that setup."""

    __table_args__ = (
        sa.UniqueConstraint("request_id", "key", name="uq_task_request_key"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = _int_fk("request.id")
    key: str
    name: str = ""
    duration_minutes: int
    staff_minutes: int | None = None
    earliest: dt.datetime | None = _utc(nullable=True)
    due: dt.datetime | None = _utc(nullable=True)
    due_hard: bool = False
    note: str = ""


class TaskEquipment(SQLModel, table=True):
    """A unit a task holds: a specific one, or any unit of a kind (optionally at a site)."""

    __tablename__ = "task_equipment"
    __table_args__ = (
        sa.CheckConstraint("amount >= 1", name="amount_positive"),
        sa.CheckConstraint(
            "(equipment_id IS NOT NULL) <> (kind_id IS NOT NULL)", name="unit_or_kind"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = _int_fk("task.id")
    equipment_id: str | None = _fk("equipment.id", nullable=True, cascade=False)
    kind_id: str | None = _fk("kind.id", nullable=True, cascade=False)
    site_id: str | None = _fk("site.id", nullable=True, cascade=False, index=False)
    amount: int = 1


class TaskStaff(SQLModel, table=True):
    """People a task needs: ``count`` of them with ``role`` and/or ``skill`` >= ``min_level``."""

    __tablename__ = "task_staff"
    __table_args__ = (sa.CheckConstraint("count >= 1", name="count_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = _int_fk("task.id")
    count: int = 1
    role: Role | None = Field(default=None, sa_type=_enum(Role))
    skill: str | None = None
    min_level: int = 1


class TaskPrecedence(SQLModel, table=True):
    """``after`` starts at least ``lag_minutes`` after ``before`` ends (same request)."""

    __tablename__ = "task_precedence"
    __table_args__ = (sa.CheckConstraint("before_id <> after_id", name="not_self"),)
    before_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    after_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    lag_minutes: int = 0


# --- bookings -----------------------------------------------------------------------------


class Booking(SQLModel, table=True):
    """A task placed in time on units, with its people."""

    __table_args__ = (
        sa.CheckConstraint("start < end", name="ordered"),
        sa.Index("ix_booking_time", "start", "end"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = _int_fk("task.id")
    start: dt.datetime = _utc()
    end: dt.datetime = _utc()
    # No index on status: nearly every booking is live, and with one SQLite would read a
    # year of bookings through it instead of using the time-range index.
    status: BookingStatus = Field(default=BookingStatus.PROPOSED, sa_type=_enum(BookingStatus))
    created_at: dt.datetime = _utc()
    created_by: str = "system"


class BookingUnit(SQLModel, table=True):
    """A unit a booking occupies, from setup to cleanup (so wider than the booking)."""

    __tablename__ = "booking_unit"
    __table_args__ = (sa.Index("ix_booking_unit_time", "equipment_id", "busy_start", "busy_end"),)
    booking_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)  # which of the task's equipment needs it serves
    equipment_id: str = _fk("equipment.id", cascade=False, index=False)
    amount: int = 1
    busy_start: dt.datetime = _utc()
    busy_end: dt.datetime = _utc()


class BookingPerson(SQLModel, table=True):
    """A person on a booking, busy over its staffed part."""

    __tablename__ = "booking_person"
    __table_args__ = (sa.Index("ix_booking_person_time", "person_id", "busy_start", "busy_end"),)
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
    busy_start: dt.datetime = _utc()
    busy_end: dt.datetime = _utc()


# --- plan runs ----------------------------------------------------------------------------


class PlanRun(SQLModel, table=True):
    """A committed plan: when, by whom, over which window, and what it changed."""

    __tablename__ = "plan_run"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _utc(index=True)
    actor: str
    repair: bool = False
    start: dt.datetime = _utc()  # the horizon: nothing new was placed before it
    end: dt.datetime = _utc()
    frozen_until: dt.datetime = _utc()  # bookings starting before it stayed as they were
    status: str  # the solver's: optimal, feasible or stopped
    seconds: float = 0.0
    created: int = 0
    moved: int = 0
    restaffed: int = 0
    cancelled: int = 0


class LeftOut(SQLModel, table=True):
    """A request a committed plan could not place, with each reason it gave."""

    __tablename__ = "left_out"
    id: int | None = Field(default=None, primary_key=True)
    plan_run_id: int = _int_fk("plan_run.id")
    request_id: int = _int_fk("request.id")
    rule: str  # the solver's rule name (solver.rules.Rule)
    message: str
    task_key: str | None = None  # the request's task the reason is about, if one
    refs: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# --- audit --------------------------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """Who did what, when, to which record; ``changes`` holds before/after of fields."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_record", "record_type", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _utc(index=True)
    actor: str = Field(index=True)
    action: str
    record_type: str
    record_id: str
    summary: str = ""
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
