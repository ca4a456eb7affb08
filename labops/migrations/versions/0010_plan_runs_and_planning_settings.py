"""plan runs with the requests each left out, and the platform's planning settings

The plan commits already in the audit trail become plan runs, with the requests they left
out and their reasons, so waiting requests keep saying why they wait.

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-07 18:00:00
"""

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import labops.tables

revision: str = "0010"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planning", sa.JSON(), server_default="{}", nullable=False))
    op.create_table(
        "plan_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("repair", sa.Boolean(), nullable=False),
        sa.Column("start", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("end", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("frozen_until", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("restaffed", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_run")),
    )
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_run_at"), ["at"], unique=False)
    op.create_table(
        "left_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("task_key", sa.String(), nullable=True),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_run.id"],
            name=op.f("fk_left_out_plan_run_id_plan_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["request.id"],
            name=op.f("fk_left_out_request_id_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_left_out")),
    )
    with op.batch_alter_table("left_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_left_out_plan_run_id"), ["plan_run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_left_out_request_id"), ["request_id"], unique=False)
    _runs_from_the_audit_trail()


_COUNTS = re.compile(r"(\d+) new, (\d+) moved, (\d+) re-staffed, (\d+) cancelled")
_REASON = re.compile(r"^([a-z_]+): (.*)$", re.S)


def _runs_from_the_audit_trail() -> None:
    connection = op.get_bind()
    requests = {row[0] for row in connection.execute(sa.text("SELECT id FROM request"))}
    events = connection.execute(
        sa.text(
            "SELECT at, actor, summary, changes FROM audit_event "
            "WHERE action = 'plan.commit' ORDER BY at, id"
        )
    ).all()
    for at, actor, summary, changes in events:
        data = json.loads(changes) if isinstance(changes, str) else (changes or {})
        counts = _COUNTS.search(summary or "")
        created, moved, restaffed, cancelled = (
            (int(n) for n in counts.groups()) if counts else (0,) * 4
        )
        run_id = connection.execute(
            sa.text(
                'INSERT INTO plan_run (at, actor, repair, start, "end", frozen_until, status, '
                "seconds, created, moved, restaffed, cancelled) VALUES (:at, :actor, :repair, "
                ":at, :at, :at, :status, 0, :created, :moved, :restaffed, :cancelled) "
                "RETURNING id"
            ),
            {
                "at": at,
                "actor": actor,
                "repair": bool(data.get("repair", False)),
                "status": str(data.get("status") or "feasible"),
                "created": created,
                "moved": moved,
                "restaffed": restaffed,
                "cancelled": cancelled,
            },
        ).scalar_one()
        for request_id, reasons in (data.get("left_out") or {}).items():
            if int(request_id) not in requests:
                continue
            for reason in reasons or ["not placed"]:
                found = _REASON.match(str(reason))
                rule, message = found.groups() if found else ("not_placed", str(reason))
                connection.execute(
                    sa.text(
                        "INSERT INTO left_out (plan_run_id, request_id, rule, message, refs) "
                        "VALUES (:run, :request, :rule, :message, '[]')"
                    ),
                    {"run": run_id, "request": int(request_id), "rule": rule, "message": message},
                )


def downgrade() -> None:
    with op.batch_alter_table("left_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_left_out_request_id"))
        batch_op.drop_index(batch_op.f("ix_left_out_plan_run_id"))
    op.drop_table("left_out")
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_run_at"))
    op.drop_table("plan_run")
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.drop_column("planning")
