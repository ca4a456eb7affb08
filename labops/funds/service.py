"""Money per fund pool and project: budget, committed (the plan: hours x rate of every live
booking), spent (the charges of recorded use, labops.charges) and remaining (against the
plan, as the scheduler keeps it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from labops import tables as t
from labops.bookings.costs import booking_costs
from labops.charges.service import month_statement, spent_cents
from labops.db import Database
from labops.fields import format_money
from labops.permissions import Action, Actor
from labops.views import Listing, columns


@dataclass(frozen=True)
class Funds:
    pools: Listing
    projects: Listing


def funds(db: Database, *, actor: Actor, month: str | None = None) -> Funds:
    """Budget, committed, spent and remaining per fund pool and per project; with ``month``
    the spent column is that month's charges (its statement's totals).

    Leads see only the projects they lead (and no pool totals)."""
    with db.read() as session:
        spent = booking_costs(session)
        if month is None:
            charged = spent_cents(session)
            pool_charged = None
        else:
            found = month_statement(session, month)
            charged, pool_charged = found.totals("project"), found.totals("pool")
        projects = list(session.exec(select(t.Project).order_by(t.Project.fund_pool, t.Project.id)))
        pools = list(session.exec(select(t.FundPool).order_by(t.FundPool.id)))
    see_all = actor.can(Action.READ_ALL)
    visible = [p for p in projects if see_all or actor.can(Action.READ_PROJECT, p.id)]
    project_rows = [
        {
            "project": p.id,
            "pool": p.fund_pool,
            "budget": format_money(p.budget),
            "committed": format_money(spent.get(p.id, 0)),
            "spent": format_money(charged.get(p.id, 0)),
            "remaining": format_money(p.budget - spent.get(p.id, 0)),
            "used": _percent(spent.get(p.id, 0), p.budget),
        }
        for p in visible
    ]
    pool_rows = []
    if see_all:
        for pool in pools:
            committed = sum(spent.get(p.id, 0) for p in projects if p.fund_pool == pool.id)
            allocated = sum(p.budget for p in projects if p.fund_pool == pool.id)
            paid = (
                pool_charged.get(pool.id, 0)
                if pool_charged is not None
                else sum(charged.get(p.id, 0) for p in projects if p.fund_pool == pool.id)
            )
            pool_rows.append(
                {
                    "pool": pool.id,
                    "kind": pool.kind.value,
                    "budget": format_money(pool.budget),
                    "allocated": format_money(allocated),
                    "committed": format_money(committed),
                    "spent": format_money(paid),
                    "remaining": format_money(pool.budget - committed),
                    "used": _percent(committed, pool.budget),
                }
            )
    spent_title = "Spent" if month is None else f"Spent in {month}"
    return Funds(
        pools=Listing(
            "Fund pools",
            columns(
                "pool:Pool",
                "kind:Kind",
                "budget:Budget#",
                "allocated:To projects#",
                "committed:Committed#",
                f"spent:{spent_title}#",
                "remaining:Remaining#",
                "used:Used#",
            ),
            pool_rows,
        ),
        projects=Listing(
            "Projects",
            columns(
                "project:Project",
                "pool:Pool",
                "budget:Budget#",
                "committed:Committed#",
                f"spent:{spent_title}#",
                "remaining:Remaining#",
                "used:Used#",
            ),
            project_rows,
        ),
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
