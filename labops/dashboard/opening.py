"""Start-up identity: who the TUI opens as and on which platform."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from labops import tables as t
from labops.db import Database
from labops.errors import PermissionDenied
from labops.permissions import Actor, resolve_actor
from labops.records.catalog import platform_info
from labops.vocabulary import Access


@dataclass(frozen=True)
class Opening:
    platform: str
    timezone: str
    actor: Actor


def opening(db: Database, *, person_id: str | None) -> Opening:
    """The platform and the person a UI opens for. Refuses nobody (naming who operates the
    platform, to help), an unknown person, or a database without a platform."""
    with db.read() as session:
        info = platform_info(session)
        if not person_id:
            operators = session.exec(
                select(t.Person.id)
                .where(col(t.Person.access).in_((Access.OPERATOR, Access.ADMIN)))
                .order_by(t.Person.id)
            ).all()
            hint = f" (operators here: {', '.join(operators[:6])})" if operators else ""
            raise PermissionDenied(f"who is acting? give --as PERSON or set LABOPS_USER{hint}")
        return Opening(info.name, info.timezone, resolve_actor(session, person_id))
