"""Projects: gap-bridging projects, their members and team rules.

One model family (see ``labops.equipment.model``): ``ProjectFields`` under the platform
file's names; the table and the file's entry (``labops.platform.file_schema.ProjectSpec``,
which adds members and team) derive from it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, reference
from labops.fields import Money, Name, Priority, Slug, Text
from labops.vocabulary import Role, Stage


class ProjectFields(SQLModel):
    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    source_technology: Text = Field(default="", title="Source technology")
    patent: Text = Field(default="", title="Patent")
    demand_partner: Text = Field(default="", title="Demand partner")
    stage: Stage = Field(default=Stage.PROOF_OF_CONCEPT, sa_type=enum_type(Stage), title="Stage")
    lead: Slug = reference("person", title="Lead")
    priority: Priority = Field(default=3, title="Priority", description="1 (lowest) to 5 (highest)")
    fund_pool: Slug = reference("fund_pool", title="Fund pool")
    budget: Money = Field(default=0, title="Budget")
    enforce_budget: bool = Field(
        default=True, title="Enforce budget", description="the plan keeps within the budget"
    )
    tier: Slug | None = Field(
        default=None,
        title="Rate tier",
        description="what its use is charged at (the platform's first tier when left out)",
    )
    cost_centre: Text = Field(
        default="", title="Cost centre", description="what finance books its charges to"
    )
    description: Text = Field(default="", title="Description")


class Project(ProjectFields, table=True):
    __table_args__ = (sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),)
    max_students_per_senior: int | None = None  # the team rule (ProjectSpec.team)


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
    role: Role = Field(primary_key=True, sa_type=enum_type(Role))
    count: int = 1
