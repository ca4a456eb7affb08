"""Money: hours x rate of every live booking, charged to its project and fund pool."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from labops import tables as t
from labops.bookings.costs import booking_costs
from labops.db import Database
from labops.fields import format_money
from labops.permissions import Action, Actor
from labops.views import Listing, columns


@dataclass(frozen=True)
class Funds:
    pools: Listing
    projects: Listing


def funds(db: Database, *, actor: Actor) -> Funds:
    """Budget, committed and remaining per fund pool and per project.

    Leads see only the projects they lead (and no pool totals)."""
    with db.read() as session:
        spent = booking_costs(session)
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
            pool_rows.append(
                {
                    "pool": pool.id,
                    "kind": pool.kind.value,
                    "budget": format_money(pool.budget),
                    "allocated": format_money(allocated),
                    "committed": format_money(committed),
                    "remaining": format_money(pool.budget - committed),
                    "used": _percent(committed, pool.budget),
                }
            )
    return Funds(
        pools=Listing(
            "Fund pools",
            columns(
                "pool:Pool",
                "kind:Kind",
                "budget:Budget#",
                "allocated:To projects#",
                "committed:Committed#",
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
                "remaining:Remaining#",
                "used:Used#",
            ),
            project_rows,
        ),
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
