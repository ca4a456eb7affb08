"""Alembic environment: labops's tables, batch mode for SQLite's limited ALTER TABLE."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import labops.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from labops.db import WRITE_LOCK
from labops.migrate import labops_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine") or create_engine(
        config.get_main_option("sqlalchemy.url", "")
    )
    with engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            # Two processes upgrading one server at once: the second waits for the first,
            # then sees the schema at the head and has nothing to do.
            connection = connection.execution_options(isolation_level="READ COMMITTED")
        if connection.dialect.name == "sqlite":
            # Batch migrations copy and drop tables; with foreign keys on, dropping a parent
            # table would cascade-delete its children's rows. Set on the raw connection,
            # before any transaction begins (inside one, SQLite ignores this pragma).
            raw = connection.connection.driver_connection
            assert raw is not None  # an open connection has its driver's
            raw.execute("PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=labops_object,
        )
        with context.begin_transaction():
            if postgresql:
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            context.run_migrations()
        connection.commit()
        if connection.dialect.name == "sqlite":
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = ON")


run_migrations()
