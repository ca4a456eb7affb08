"""Requests for lab time and their tasks: equipment and staff needs, order."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, fk, int_fk, utc
from labops.vocabulary import RequestStatus, Role


class Request(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: str = fk("project.id", cascade=False)
    requester_id: str = fk("person.id", cascade=False)
    title: str
    status: RequestStatus = Field(
        default=RequestStatus.DRAFT, sa_type=enum_type(RequestStatus), index=True
    )
    created_at: dt.datetime = utc()
    submitted_at: dt.datetime | None = utc(nullable=True)
    decided_at: dt.datetime | None = utc(nullable=True)
    decided_by: str | None = fk("person.id", nullable=True, cascade=False, index=False)
    decision_note: str = ""
    note: str = ""


class Task(SQLModel, table=True):
    """A piece of work of a request. ``staff_minutes`` set means unattended after that setup."""

    __table_args__ = (
        sa.UniqueConstraint("request_id", "key", name="uq_task_request_key"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.Index("ix_task_duration", "duration_minutes"),  # the longest, for time windows
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = int_fk("request.id")
    key: str
    name: str = ""
    duration_minutes: int
    staff_minutes: int | None = None
    earliest: dt.datetime | None = utc(nullable=True)
    due: dt.datetime | None = utc(nullable=True)
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
    task_id: int = int_fk("task.id")
    equipment_id: str | None = fk("equipment.id", nullable=True, cascade=False)
    kind_id: str | None = fk("kind.id", nullable=True, cascade=False)
    site_id: str | None = fk("site.id", nullable=True, cascade=False, index=False)
    amount: int = 1


class TaskStaff(SQLModel, table=True):
    """People a task needs: ``count`` of them with ``role`` and/or ``skill`` >= ``min_level``."""

    __tablename__ = "task_staff"
    __table_args__ = (sa.CheckConstraint("count >= 1", name="count_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = int_fk("task.id")
    count: int = 1
    role: Role | None = Field(default=None, sa_type=enum_type(Role))
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
