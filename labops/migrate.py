"""Schema migrations with Alembic, run from code so every command starts on the latest schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from labops.errors import StorageError


def alembic_config(engine: sa.Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "labops:migrations")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    head = head_revision()
    try:
        current = current_revision(engine)
    except sa.exc.DatabaseError as exc:
        raise StorageError(f"cannot read the database at {engine.url}: {exc.orig}") from exc
    if current == head:
        return
    if current is not None and not ScriptDirectory.from_config(alembic_config()).get_revision(
        current
    ):
        raise StorageError(
            f"the database is at schema revision {current}, newer than this labops knows"
        )
    command.upgrade(alembic_config(engine), "head")
