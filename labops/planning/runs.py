"""The committed plans and what they left out: one place that answers "why does it wait?".

Every commit records a plan run and a row per reason of each request it left out
(``labops.planning.commit``). A request waits with the reasons of the latest plan that left
it out; a repair, which plans only scheduled requests, does not erase them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t
from labops.planning.sentences import sentence
from labops.vocabulary import RequestStatus

NOT_PLACED = "not_placed"  # the rule of a left-out row whose plan gave no reason


def last_run(session: Session) -> t.PlanRun | None:
    """The most recent committed plan."""
    return session.exec(
        select(t.PlanRun).order_by(col(t.PlanRun.at).desc(), col(t.PlanRun.id).desc()).limit(1)
    ).first()


def waiting_reasons(
    session: Session, request_ids: Iterable[int] | None = None, *, rules: bool = True
) -> dict[int, tuple[str, ...]]:
    """For each approved request a committed plan left out (of ``request_ids``, or all), the
    reasons the latest such plan gave, as "rule: message" lines (without ``rules``: as
    sentences beside their request, labops.planning.sentences)."""
    query = (
        select(t.LeftOut)
        .join(t.Request, col(t.Request.id) == t.LeftOut.request_id)
        .where(t.Request.status == RequestStatus.APPROVED)
        .order_by(col(t.LeftOut.plan_run_id), col(t.LeftOut.id))
    )
    if request_ids is not None:
        query = query.where(col(t.LeftOut.request_id).in_(list(request_ids)))
    latest: dict[int, int] = {}
    reasons: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(query):
        if latest.get(row.request_id) != row.plan_run_id:
            latest[row.request_id] = row.plan_run_id
            reasons[row.request_id] = []
        if not rules:
            line = sentence(row.message)
        elif row.rule == NOT_PLACED:
            line = row.message
        else:
            line = f"{row.rule}: {row.message}"
        reasons[row.request_id].append(line)
    return {request_id: tuple(lines) for request_id, lines in reasons.items()}
