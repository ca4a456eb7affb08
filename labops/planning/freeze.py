"""The freeze window: the next working days, whose bookings a re-plan does not move."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, select

from labops import tables as t
from labops.localtime import to_local, to_utc


def freeze_end(session: Session, now: dt.datetime, days: int, tz: str) -> dt.datetime:
    """``now`` plus ``days`` working days (days on which some site opens and is not
    closed), at the same local time: Friday 14:00 plus 2 is Tuesday 14:00."""
    if days <= 0:
        return now
    open_days: dict[str, set[int]] = defaultdict(set)
    for hours in session.exec(select(t.SiteHours)):
        open_days[hours.site_id].add(hours.weekday)
    closures = list(session.exec(select(t.SiteClosure)))
    local = to_local(now, tz)
    day = local.date()
    counted = 0
    for _ in range(366):
        if counted == days:
            break
        day += dt.timedelta(days=1)
        for site_id, weekdays in open_days.items():
            closed = any(
                c.site_id == site_id and c.first_day <= day <= c.last_day for c in closures
            )
            if day.weekday() in weekdays and not closed:
                counted += 1
                break
    return to_utc(dt.datetime.combine(day, local.time().replace(tzinfo=None)), tz)
