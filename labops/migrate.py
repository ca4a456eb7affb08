"""Schema migrations with Alembic, run from code so every command starts on the latest schema.

Alembic itself (a third of a second to import) is only loaded when the schema is not at
the newest revision already; the usual open reads the version row with plain SQL.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from labops.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).parent / "migrations" / "versions"
# Tables of the database that no model holds: PostgreSQL's index of the units live bookings
# hold, which enforces no double booking (migration 0020).
DATABASE_ONLY = frozenset({"unit_busy"})


def labops_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Whether Alembic's comparison of the schema with the models looks at this object
    (``include_object``): everything but the database-only tables."""
    return not (type_ == "table" and reflected and compare_to is None and name in DATABASE_ONLY)


def alembic_config(engine: sa.Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "labops:migrations")
    if engine is not None:
        # Alembic's options interpolate "%": a URL may hold it (an encoded password).
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
        config.attributes["engine"] = engine
    return config


@cache
def known_revisions() -> dict[str, str | None]:
    """Every revision among the migration files, with the one it revises."""
    revisions: dict[str, str | None] = {}
    pattern = re.compile(r'^(down_revision|revision)\b[^=]*=\s*(?:"([^"]*)"|None)', re.M)
    for path in VERSIONS.glob("*.py"):
        found = dict((key, value or None) for key, value in pattern.findall(path.read_text()))
        if "revision" in found:
            revisions[found["revision"]] = found.get("down_revision")
    return revisions


@cache
def head_revision() -> str | None:
    """The newest revision among the migration files (the one no other revises)."""
    revisions = known_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) > 1:
        raise StorageError(f"migrations have several heads: {', '.join(sorted(heads))}")
    return next(iter(heads), None)


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision the database is at; None for a database without one."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        row = connection.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def upgrade(engine: sa.Engine, *, read_only: bool = False) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    head = head_revision()
    where = engine.url.database or engine.url.render_as_string(hide_password=True)
    try:
        current = current_revision(engine)
    except sa.exc.DatabaseError as exc:
        raise StorageError(f"cannot read the database {where}: {exc.orig}") from exc
    if current == head:
        return
    if current is not None and current not in known_revisions():
        raise StorageError(
            f"the database {where} was made by a newer labops (schema revision {current}): "
            "upgrade labops to open it"
        )
    if read_only:
        raise StorageError(
            f"the database {where} needs its schema upgraded, but it is open read-only"
        )
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), "head")
    except sa.exc.OperationalError as exc:
        from labops.db import storage_error

        problem = storage_error(exc, where)
        if problem is None:
            raise
        raise problem from exc
