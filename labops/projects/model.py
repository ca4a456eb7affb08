"""Projects: gap-bridging projects, their members and team rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from labops.columns import enum_type, fk
from labops.vocabulary import Role, Stage


class Project(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("priority BETWEEN 1 AND 5", name="priority_range"),)
    id: str = Field(primary_key=True)
    name: str
    source_technology: str = ""
    patent: str = ""
    demand_partner: str = ""
    stage: Stage = Field(default=Stage.PROOF_OF_CONCEPT, sa_type=enum_type(Stage))
    lead_id: str = fk("person.id", cascade=False)
    priority: int = 3
    fund_pool_id: str = fk("fund_pool.id", cascade=False)
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
    role: Role = Field(primary_key=True, sa_type=enum_type(Role))
    count: int = 1
