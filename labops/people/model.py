"""People: who they are, their working hours, skills, certifications and absences.

One model family (see ``labops.equipment.model``): ``PersonFields`` under the platform
file's names; the table and the file's entry (``labops.platform.file_schema.PersonSpec``,
which adds hours, skills, certifications and absences) derive from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, fk, reference, utc
from labops.fields import Email, Login, Name, Slug, WeeklyHours
from labops.vocabulary import AbsenceKind, Access, Role


class PersonFields(SQLModel):
    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    email: Email = Field(default="", title="E-mail")
    # Who this person is to the machine: their OS user name (and, on PostgreSQL, their
    # database role). A platform with login identity acts as the person whose login runs it.
    login: Login | None = Field(
        default=None,
        title="Login",
        description="OS user name or database role; who acts on a platform with login identity",
    )
    role: Role = Field(sa_type=enum_type(Role), title="Role")
    access: Access = Field(default=Access.MEMBER, sa_type=enum_type(Access), title="Access")
    home_site: Slug | None = reference("site", title="Home site", nullable=True)
    weekly_hours: WeeklyHours = Field(default=40.0, title="Hours a week")
    platform_staff: bool = Field(
        default=False, title="Platform staff", description="serves every project, not only its own"
    )
    supervisor: Slug | None = reference(
        "person",
        title="Supervisor",
        nullable=True,
        description="a student's named supervisor, who may supervise them whatever their role",
    )


class Person(PersonFields, table=True):
    __table_args__ = (sa.Index("ix_person_login", "login", unique=True),)


def person_row(spec: PersonFields, **values: object) -> Person:
    """The table row of a checked person (``values`` override fields)."""
    return Person(**{**{name: getattr(spec, name) for name in PersonFields.model_fields}, **values})


def person_fields(row: Person) -> dict[str, Any]:
    """A person's row as the platform file's entry writes its fields."""
    return row.model_dump(mode="json", include=set(PersonFields.model_fields))


class PersonHours(SQLModel, table=True):
    """One working window of a person on a weekday (0 = Monday), in their home site's time."""

    __tablename__ = "person_hours"
    __table_args__ = (
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    person_id: str = fk("person.id")
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
    id: int = Field(default=None, primary_key=True)  # None only until flushed
    person_id: str = fk("person.id", index=False)
    start: dt.datetime = utc()
    end: dt.datetime = utc()
    kind: AbsenceKind = Field(sa_type=enum_type(AbsenceKind))
    note: str = ""


def supervisor_problem(person: PersonFields, supervisor_role: Role | None) -> str | None:
    """What is wrong with a person's named supervisor, or None: only a student names one,
    it is someone else, and not a student (``supervisor_role`` None: not known here)."""
    named = person.supervisor
    if named is None:
        return None
    if person.role != Role.STUDENT:
        return f"only a student has a supervisor (this is a {person.role.value})"
    if named == person.id:
        return "a student cannot be their own supervisor"
    if supervisor_role == Role.STUDENT:
        return f"supervisor '{named}' is a student"
    return None
