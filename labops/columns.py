"""What every kind's tables share: column types and helpers, and stable constraint names.

Catalogue records (kinds, sites, equipment, people, pools, projects) are keyed by short,
human-chosen slugs, which the CLI and the platform files use. Requests, tasks, bookings and
audit events get integer ids. Money is integer cents; durations are minutes; instants are
timezone-aware UTC in Python and naive UTC in the database (see UTCDateTime).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, SQLModel

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


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """Store an enum's values (not its member names) with a CHECK constraint."""
    return sa.Enum(
        enum,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        length=32,
        name=enum.__name__.lower(),
    )


def utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def fk(target: str, *, nullable: bool = False, index: bool = True, cascade: bool = True) -> Any:
    on_delete = "CASCADE" if cascade else "RESTRICT"
    return Field(
        sa_column=Column(
            sa.String,
            sa.ForeignKey(target, ondelete=on_delete, onupdate="CASCADE"),
            nullable=nullable,
            index=index,
        )
    )


def int_fk(target: str, *, index: bool = True) -> Any:
    return Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, index=index
        )
    )


def reference(
    target: str, *, title: str, nullable: bool = False, description: str = "", index: bool = True
) -> Any:
    """A field holding the id of a record of ``target`` (a kind's table): a foreign key that
    follows renames and refuses deletion, indexed unless told; forms offer the records of
    ``target``."""
    return Field(
        default=None if nullable else ...,
        title=title,
        description=description or None,
        index=index,
        nullable=nullable,
        sa_column_args=[sa.ForeignKey(f"{target}.id", ondelete="RESTRICT", onupdate="CASCADE")],
        schema_extra={"json_schema_extra": {"references": target}},
    )


def references(field: Any) -> str | None:
    """The kind a field refers to (see ``reference``), or None."""
    extra = getattr(field, "json_schema_extra", None)
    return extra.get("references") if isinstance(extra, dict) else None


def self_references(table: sa.Table) -> list[str]:
    """The columns of ``table`` that name a row of the same table (a student's supervisor):
    they refuse the deletion of the row they name, so a bulk delete clears them first."""
    return [key.parent.name for key in table.foreign_keys if key.column.table is table]


def table(name: str) -> type[SQLModel]:
    """The table class of a table name ("site" -> Site)."""
    for mapper in SQLModel._sa_registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_
    raise KeyError(name)
