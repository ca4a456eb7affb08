"""Requests for lab time and their tasks: equipment and staff needs, order.

A request and its equipment and staff needs are a model family each (see
``labops.equipment.model``): ``...Fields`` under the platform file's names; the table and
the file's entry (``labops.platform.file_schema.RequestSpec``, which adds the tasks,
``EquipmentNeedSpec``, ``StaffNeedSpec``) derive from it, and ``need_values`` carries a
need from one to the other. A request's decision (``decided_at``, ``decided_by``) is the
table's alone: the file does not hold it. A task keeps its columns and its entry apart: an
entry lists its family's fields first, and the file writes a task's needs between its
duration and its times, which an export would reorder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, fk, int_fk, reference, utc
from labops.fields import Count, Level, Name, Slug, Text
from labops.vocabulary import RequestStatus, Role


class RequestFields(SQLModel):
    id: int = Field(default=None, primary_key=True, title="Id")  # None only until flushed
    project: Slug = reference("project", title="Project")
    requester: Slug = reference("person", title="Requester", description="who submitted it")
    title: Name = Field(title="Title")
    status: RequestStatus = Field(
        default=RequestStatus.DRAFT, sa_type=enum_type(RequestStatus), index=True, title="Status"
    )
    created: dt.datetime | None = Field(default=None, title="Created")
    submitted: dt.datetime | None = Field(default=None, title="Submitted")
    note: Text = Field(default="", title="Note")
    decision_note: Text = Field(default="", title="Decision note")


class Request(RequestFields, table=True):
    created: dt.datetime = utc()
    submitted: dt.datetime | None = utc(nullable=True)
    decided_at: dt.datetime | None = utc(nullable=True)
    decided_by: str | None = fk("person.id", nullable=True, cascade=False, index=False)


class Task(SQLModel, table=True):
    """A piece of work of a request. ``staff_for`` set means unattended after that setup;
    ``operator``: the platform provides a certified operator beside the request's team."""

    __table_args__ = (
        sa.UniqueConstraint("request_id", "key", name="uq_task_request_key"),
        sa.CheckConstraint("duration > 0", name="duration_positive"),
        sa.Index("ix_task_duration", "duration"),  # the longest, for time windows
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    request_id: int = int_fk("request.id")
    key: str
    name: str = ""
    duration: int
    staff_for: int | None = None
    earliest: dt.datetime | None = utc(nullable=True)
    due: dt.datetime | None = utc(nullable=True)
    due_hard: bool = False
    operator: bool = False
    shifts: bool = False  # staffed throughout in shifts, by one person of its need at a time
    note: str = ""


class EquipmentNeedFields(SQLModel):
    """A specific ``unit``, or any unit of ``kind`` (at ``site`` if given)."""

    unit: Slug | None = reference("equipment", title="Unit", nullable=True)
    kind: Slug | None = reference("kind", title="Kind", nullable=True)
    site: Slug | None = reference("site", title="Site", nullable=True, index=False)
    amount: Count = Field(default=1, title="Amount", description="units of capacity held")


class TaskEquipment(EquipmentNeedFields, table=True):
    """A unit a task holds: a specific one, or any unit of a kind (optionally at a site)."""

    __tablename__ = "task_equipment"
    __table_args__ = (
        sa.CheckConstraint("amount >= 1", name="amount_positive"),
        sa.CheckConstraint("(unit IS NOT NULL) <> (kind IS NOT NULL)", name="unit_or_kind"),
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    task_id: int = int_fk("task.id")


class StaffNeedFields(SQLModel):
    """People a task needs: ``count`` of them with ``role`` and/or ``skill`` >= ``level``."""

    count: Count = Field(default=1, title="Count")
    role: Role | None = Field(default=None, sa_type=enum_type(Role), title="Role")
    skill: Slug | None = Field(default=None, title="Skill")
    level: Level = Field(default=1, title="Level", description="at least this skill level")


class TaskStaff(StaffNeedFields, table=True):
    __tablename__ = "task_staff"
    __table_args__ = (sa.CheckConstraint("count >= 1", name="count_positive"),)
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    task_id: int = int_fk("task.id")


class TaskRoleCap(SQLModel, table=True):
    """At most ``count`` people of ``role`` on a task ("at most 2 students"), whichever of
    its staff needs they fill."""

    __tablename__ = "task_role_cap"
    __table_args__ = (sa.CheckConstraint("count >= 0", name="count_not_negative"),)
    task_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    role: Role = Field(sa_column=Column(enum_type(Role), primary_key=True))
    count: int


def need_values(need: EquipmentNeedFields | StaffNeedFields) -> dict[str, Any]:
    """An equipment or staff need's fields (of a table row or the platform file's entry),
    to build the other from."""
    family = EquipmentNeedFields if isinstance(need, EquipmentNeedFields) else StaffNeedFields
    return {name: getattr(need, name) for name in family.model_fields}


class TaskPrecedence(SQLModel, table=True):
    """``after`` starts at least ``lag`` after ``before`` ends (same request)."""

    __tablename__ = "task_precedence"
    __table_args__ = (sa.CheckConstraint("before_id <> after_id", name="not_self"),)
    before_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    after_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    lag: int = 0
