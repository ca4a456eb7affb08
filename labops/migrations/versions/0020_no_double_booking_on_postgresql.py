"""PostgreSQL refuses two live bookings of one unit at once (SQLite: the write path alone)

A unit of capacity 1 can hold one live booking (proposed, confirmed, locked or done) at a
time, setup and cleanup included. PostgreSQL keeps an index of what each such unit holds,
``unit_busy``, one row per booking unit, kept by triggers on booking_unit, booking (its
status) and equipment (its capacity), with an exclusion constraint over the busy time
ranges per unit (btree_gist). The constraint is checked when the transaction commits, so a
plan may move bookings past each other within its commit. Units of a larger capacity are
checked by the write path (the validator inside the serialized write transaction).

SQLite has no exclusion constraints; there the one-writer-at-a-time transaction and the
validator inside it keep the rule, as before. This migration does nothing on SQLite.

Revision ID: 0020
Revises: 0014
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "('proposed', 'confirmed', 'locked', 'done')"

# Rebuilds the unit_busy rows of one booking from booking_unit, booking and equipment.
SYNC = f"""
CREATE FUNCTION unit_busy_sync(of_booking integer) RETURNS void AS $$
BEGIN
    DELETE FROM unit_busy WHERE booking_id = of_booking;
    INSERT INTO unit_busy (booking_id, position, equipment_id, busy)
    SELECT bu.booking_id, bu.position, bu.equipment_id,
           tsrange(bu.busy_start, bu.busy_end, '[)')
    FROM booking_unit bu
    JOIN booking b ON b.id = bu.booking_id
    JOIN equipment e ON e.id = bu.equipment_id
    WHERE bu.booking_id = of_booking AND b.status IN {LIVE} AND e.capacity = 1;
END $$ LANGUAGE plpgsql
"""

TRIGGERS = {
    "booking_unit": (
        "AFTER INSERT OR UPDATE OR DELETE ON booking_unit",
        "PERFORM unit_busy_sync(CASE WHEN TG_OP = 'DELETE' THEN OLD.booking_id "
        "ELSE NEW.booking_id END); "
        "IF TG_OP = 'UPDATE' AND OLD.booking_id <> NEW.booking_id THEN "
        "PERFORM unit_busy_sync(OLD.booking_id); END IF;",
    ),
    "booking": (
        "AFTER UPDATE OF status ON booking",
        "IF OLD.status IS DISTINCT FROM NEW.status THEN PERFORM unit_busy_sync(NEW.id); END IF;",
    ),
    "equipment": (
        "AFTER UPDATE OF capacity ON equipment",
        "IF OLD.capacity IS DISTINCT FROM NEW.capacity THEN "
        "PERFORM unit_busy_sync(booking_id) FROM "
        "(SELECT DISTINCT booking_id FROM booking_unit WHERE equipment_id = NEW.id) held; "
        "END IF;",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "CREATE TABLE unit_busy ("
        " booking_id integer NOT NULL,"
        " position integer NOT NULL,"
        " equipment_id varchar NOT NULL,"
        " busy tsrange NOT NULL,"
        " CONSTRAINT pk_unit_busy PRIMARY KEY (booking_id, position),"
        " CONSTRAINT unit_busy_no_overlap EXCLUDE USING gist"
        " (equipment_id WITH =, busy WITH &&) DEFERRABLE INITIALLY DEFERRED)"
    )
    op.execute(SYNC)
    for table, (when, body) in TRIGGERS.items():
        op.execute(
            f"CREATE FUNCTION unit_busy_on_{table}() RETURNS trigger AS $$ "
            f"BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER unit_busy_on_{table} {when} "
            f"FOR EACH ROW EXECUTE FUNCTION unit_busy_on_{table}()"
        )
    # The bookings already there (a clash among them refuses the upgrade: resolve it first).
    op.execute("SELECT unit_busy_sync(id) FROM booking")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS unit_busy_on_{table} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS unit_busy_on_{table}()")
    op.execute("DROP FUNCTION IF EXISTS unit_busy_sync(integer)")
    op.execute("DROP TABLE IF EXISTS unit_busy")
