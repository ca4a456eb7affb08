"""Whose certificate ran out, for a refusal that no eligible person holds a valid one."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from labops import tables as t
from labops.planning.snapshot import Snapshot
from solver.plan import Reason
from solver.rules import Rule


def with_lapsed_certificates(
    session: Session, snapshot: Snapshot, reason: Reason, today: dt.date
) -> str:
    """The reason's message, naming the eligible people whose certificate for the units'
    kind has expired and when (the solver only knows that none is valid in time)."""
    if reason.rule != Rule.CERTIFIED_OPERATOR.value or reason.task is None:
        return reason.message
    task = snapshot.problem.task.get(reason.task)
    kinds = {unit.kind for unit in (snapshot.problem.unit.get(u) for u in reason.refs) if unit}
    if task is None or not kinds:
        return reason.message
    eligible = [p.id for p in snapshot.problem.people if any(need.admits(p) for need in task.staff)]
    lapsed = session.exec(
        select(t.Certification)
        .where(col(t.Certification.kind_id).in_(kinds))
        .where(col(t.Certification.person_id).in_(eligible))
        .order_by(col(t.Certification.expires), col(t.Certification.person_id))
    ).all()
    if not lapsed:
        return f"{reason.message}; none of the {len(eligible)} eligible ever held one"
    ran_out = ", ".join(
        f"{c.person_id}'s {'expired' if c.expires < today else 'expires'} "
        f"{c.expires.strftime('%a %d %b %Y')}"
        for c in lapsed[:3]
    )
    more = f" and {len(lapsed) - 3} more" if len(lapsed) > 3 else ""
    return f"{reason.message}: {ran_out}{more}"
