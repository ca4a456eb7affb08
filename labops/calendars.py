"""When sites are open, units usable and people at work, as UTC instants.

One place turns weekly local hours, closures, downtime and absences into windows, so the
scheduler, the free-window search and the utilization report agree on what "open" means.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t
from labops.localtime import days, to_local, weekly_windows

Span = tuple[dt.datetime, dt.datetime]


class Calendars:
    """Calendars of the whole platform for windows within ``[start, end)``."""

    def __init__(self, session: Session, start: dt.datetime, end: dt.datetime) -> None:
        self.start, self.end = start, end
        self.platform_tz = session.get_one(t.PlatformInfo, 1).timezone
        self.sites = {site.id: site for site in session.exec(select(t.Site))}
        self.units = {unit.id: unit for unit in session.exec(select(t.Equipment))}
        self.people = {person.id: person for person in session.exec(select(t.Person))}
        self._site_hours = _group(session.exec(select(t.SiteHours)), "site_id")
        self._closed: dict[str, set[dt.date]] = defaultdict(set)
        for closure in session.exec(select(t.SiteClosure)):
            self._closed[closure.site_id].update(days(closure.first_day, closure.last_day))
        self._person_hours = _group(session.exec(select(t.PersonHours)), "person_id")
        self.downtime = _group(
            session.exec(
                select(t.Downtime)
                .where(t.Downtime.end > start, t.Downtime.start < end)
                .order_by(col(t.Downtime.start))
            ),
            "equipment_id",
        )
        self.absences = _group(
            session.exec(
                select(t.Absence)
                .where(t.Absence.end > start, t.Absence.start < end)
                .order_by(col(t.Absence.start))
            ),
            "person_id",
        )
        self._site_cache: dict[str, list[Span]] = {}

    def _weekly(self, rows: Iterable, opens: str, closes: str, tz: str, closed: set) -> list[Span]:
        hours: dict[int, list] = defaultdict(list)
        for row in sorted(rows, key=lambda r: getattr(r, opens)):
            hours[row.weekday].append((getattr(row, opens), getattr(row, closes)))
        # A day earlier than the range: a local day can start before it in UTC.
        first = to_local(self.start, tz).date() - dt.timedelta(days=1)
        last = to_local(self.end, tz).date()
        return clip(weekly_windows(hours, tz, first, last, closed), self.start, self.end)

    def site_open(self, site_id: str) -> list[Span]:
        """Opening hours of a site, closures taken out."""
        if site_id not in self._site_cache:
            site = self.sites[site_id]
            self._site_cache[site_id] = self._weekly(
                self._site_hours[site_id], "opens", "closes", site.timezone, self._closed[site_id]
            )
        return self._site_cache[site_id]

    def unit_down(self, unit_id: str) -> list[Span]:
        return merge((d.start, d.end) for d in self.downtime[unit_id])

    def unit_open(self, unit_id: str) -> list[Span]:
        """When attended work can use a unit: its site's opening hours minus its downtime."""
        return subtract(self.site_open(self.units[unit_id].site), self.unit_down(unit_id))

    def person_timezone(self, person_id: str) -> str:
        site = self.sites.get(self.people[person_id].home_site or "")
        return site.timezone if site else self.platform_tz

    def person_available(self, person_id: str) -> list[Span]:
        """Working hours, minus their home site's closures and their absences."""
        home = self.people[person_id].home_site
        working = self._weekly(
            self._person_hours[person_id],
            "starts",
            "ends",
            self.person_timezone(person_id),
            self._closed[home] if home else set(),
        )
        return subtract(working, [(a.start, a.end) for a in self.absences[person_id]])


def hours(spans: Iterable[Span]) -> float:
    return sum((b - a).total_seconds() for a, b in spans) / 3600


def clip(spans: Iterable[Span], start: dt.datetime, end: dt.datetime) -> list[Span]:
    return [(max(a, start), min(b, end)) for a, b in spans if b > start and a < end]


def merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(s for s in spans if s[0] < s[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def subtract(spans: Iterable[Span], holes: Iterable[Span]) -> list[Span]:
    """``spans`` minus ``holes``; both any iterables of ``(start, end)``."""
    holes = merge(holes)
    result: list[Span] = []
    for a, b in spans:
        cursor = a
        for hole_a, hole_b in holes:
            if hole_b <= cursor or hole_a >= b:
                continue
            if hole_a > cursor:
                result.append((cursor, hole_a))
            cursor = max(cursor, hole_b)
        if cursor < b:
            result.append((cursor, b))
    return result


def _group(rows: Iterable, key: str) -> dict:
    groups: dict = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups
