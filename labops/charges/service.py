"""Monthly charge statements per project and fund pool, and closing a month.

An open month's statement is computed from what is recorded now; closing it stores its
lines (one transaction, audited), and from then on its statement is those lines, whatever
is corrected, re-rated or re-tiered later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import record
from labops.charges.lines import Line, charge_lines
from labops.db import Database
from labops.errors import Conflict, InputError
from labops.localtime import day_start
from labops.permissions import Action, Actor, current_actor
from labops.records.catalog import platform_info

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Statement:
    month: str
    lines: list[Line]
    closed_at: dt.datetime | None = None
    closed_by: str | None = None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def totals(self, key: str) -> dict[str, int]:
        """Cents per ``pool`` or ``project``, in the lines' order."""
        out: dict[str, int] = defaultdict(int)
        for line in self.lines:
            out[getattr(line, key)] += line.amount
        return dict(out)


def month_span(month: str, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a local calendar month ("2027-01") begins and ends."""
    match = _MONTH.match(month.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2199:
        raise InputError(f"--month: {month[:20]!r} is not a month like 2027-01")
    year, number = int(match[1]), int(match[2])
    first = dt.date(year, number, 1)
    after = dt.date(year + number // 12, number % 12 + 1, 1)
    return day_start(first, tz), day_start(after, tz)


def statement(
    db: Database,
    *,
    actor: Actor,
    month: str,
    project: str | None = None,
    pool: str | None = None,
) -> Statement:
    """The month's charge lines (stored, once closed) that ``actor`` may see: every project
    for those who see all money, a lead's own projects otherwise."""
    with db.read() as session:
        found = month_statement(session, month)
    see_all = actor.can(Action.READ_ALL)
    if not see_all and not actor.leads:
        actor.require(Action.READ_ALL)
    lines = [
        line
        for line in found.lines
        if (see_all or actor.can(Action.READ_PROJECT, line.project))
        and (project is None or line.project == project)
        and (pool is None or line.pool == pool)
    ]
    return Statement(month, lines, found.closed_at, found.closed_by)


def month_statement(session: Session, month: str) -> Statement:
    """Every line of ``month``: the stored ones of a closed month, else computed now."""
    start, end = month_span(month, platform_info(session).timezone)
    closed = session.get(t.ChargeMonth, month)
    if closed is None:
        return Statement(month, charge_lines(session, start, end))
    stored = session.exec(
        select(t.ChargeLine).where(t.ChargeLine.month == month).order_by(col(t.ChargeLine.position))
    )
    lines = [Line(**row.model_dump(exclude={"month", "position"})) for row in stored]
    return Statement(month, lines, closed.closed_at, closed.closed_by)


def spent_cents(session: Session) -> dict[str, int]:
    """Cents charged per project for everything recorded: the stored lines of closed
    months, and the lines computed now of every other month."""
    closed = set(session.exec(select(t.ChargeMonth.month)))
    far = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
    spent: dict[str, int] = defaultdict(int)
    for line in charge_lines(session, *far):
        if line.month not in closed:
            spent[line.project] += line.amount
    for project, amount in session.exec(
        select(t.ChargeLine.project, t.ChargeLine.amount).where(col(t.ChargeLine.month).in_(closed))
    ):
        spent[project] += amount
    return dict(spent)


def close_month(db: Database, *, actor: Actor, month: str, now: dt.datetime) -> Statement:
    """Store the month's lines as they are now; its statement never changes afterwards."""
    actor.require(Action.MANAGE)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.MANAGE)
        _, end = month_span(month, platform_info(session).timezone)
        if end > now:
            raise Conflict(f"{month} is not over yet: it can be closed from its last day's end")
        closed = session.get(t.ChargeMonth, month)
        if closed is not None:
            raise Conflict(
                f"{month} was closed on {closed.closed_at:%Y-%m-%d} by {closed.closed_by}"
            )
        found = month_statement(session, month)
        session.add(
            t.ChargeMonth(month=month, closed_at=now, closed_by=actor.id, total=found.total)
        )
        session.flush()
        session.add_all(
            t.ChargeLine(month=month, position=i, **vars(line))
            for i, line in enumerate(found.lines, start=1)
        )
        record(
            session,
            actor=actor.id,
            at=now,
            action="charges.close",
            record_type="charge_month",
            record_id=month,
            summary=f"{len(found.lines)} lines",
            changes={"total": found.total, "pools": found.totals("pool")},
        )
        return Statement(month, found.lines, now, actor.id)
