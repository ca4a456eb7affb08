"""Shares of booked hours: what each fund pool and project got of the platform lately,
against the targets of the platform's ``[planning] shares``.

A share is the hours of a pool's (or project's) live and done bookings in the last
``share_weeks`` weeks, divided by the hours of every booking then; a booking that straddles
the window counts its hours inside it. Planning reads the shortfalls
(``PlanningSettings.shares``); the weekly report shows each target against what was got.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import longest_hold, overlapping
from labops.vocabulary import ACTIVE_BOOKING


@dataclass(frozen=True, slots=True)
class Share:
    """What a pool or project with a target got of the hours booked in the period."""

    kind: str  # "fund pool" or "project"
    id: str
    target: float  # the share asked for, 0-1
    hours: float
    share: float  # of every booked hour in the period, 0-1
    period_hours: float  # every booked hour in the period

    @property
    def short(self) -> bool:
        """Below its target, in a period in which anything was booked."""
        return self.period_hours > 0 and self.share < self.target


def booked_hours(
    session: Session, start: dt.datetime, end: dt.datetime
) -> tuple[dict[str, float], dict[str, float]]:
    """Hours booked in ``[start, end)`` per project and per fund pool."""
    b = t.Booking
    rows = session.exec(
        select(b.start, b.end, t.Request.project)
        .join(t.Task, col(t.Task.id) == b.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(col(b.status).in_(ACTIVE_BOOKING))
        .where(overlapping(b.start, b.end, start, end, longest=longest_hold(session)))
    )
    projects: dict[str, float] = defaultdict(float)
    for first, last, project in rows:
        inside = min(last, end) - max(first, start)
        projects[project] += inside.total_seconds() / 3600
    pool_of = {p: pool for p, pool in session.exec(select(t.Project.id, t.Project.fund_pool))}
    pools: dict[str, float] = defaultdict(float)
    for project, hours in projects.items():
        pools[pool_of[project]] += hours
    return dict(projects), dict(pools)


def shares(
    session: Session, targets: Mapping[str, int], now: dt.datetime, weeks: int
) -> list[Share]:
    """Each target of ``targets`` (percent, by fund pool or project id) against the share of
    hours booked in the ``weeks`` weeks before ``now``."""
    if not targets:
        return []
    projects, pools = booked_hours(session, now - dt.timedelta(weeks=weeks), now)
    total = sum(projects.values())
    pool_ids = set(session.exec(select(t.FundPool.id)))
    out = []
    for key, percent in sorted(targets.items()):
        kind, got = ("fund pool", pools) if key in pool_ids else ("project", projects)
        hours = got.get(key, 0.0)
        out.append(
            Share(
                kind=kind,
                id=key,
                target=percent / 100,
                hours=hours,
                share=hours / total if total else 0.0,
                period_hours=total,
            )
        )
    return out
