"""Change against the previous week and the trend over the last weeks, per site."""

from __future__ import annotations

from collections.abc import Sequence

from labops.reports.equipment import total, totals_by
from labops.reports.model import ALL_SITES, SiteChange, SiteTrend, UnitWeek, UsageTotal


def site_totals(units: Sequence[UnitWeek]) -> dict[str, UsageTotal]:
    """Each site's total, then the platform's under ALL_SITES."""
    totals = {s.name: s for s in totals_by(units, lambda u: u.site)}
    totals[ALL_SITES] = total(ALL_SITES, units)
    return totals


def site_changes(this: Sequence[UnitWeek], previous: Sequence[UnitWeek]) -> list[SiteChange]:
    """Each site (and the platform) this week against the week before."""
    now, before = site_totals(this), site_totals(previous)
    changes = []
    for site, current in now.items():
        last = before.get(site)
        last_booked = last.booked_hours if last else 0.0
        last_utilization = last.utilization if last else None
        changes.append(
            SiteChange(
                site=site,
                utilization=current.utilization,
                previous_utilization=last_utilization,
                utilization_change=(
                    current.utilization - last_utilization
                    if current.utilization is not None and last_utilization is not None
                    else None
                ),
                booked_hours=current.booked_hours,
                previous_booked_hours=last_booked,
                booked_change=current.booked_hours - last_booked,
            )
        )
    return changes


def site_trends(weeks: Sequence[Sequence[UnitWeek]]) -> list[SiteTrend]:
    """Each site's (and the platform's) utilization in each of ``weeks``, oldest first."""
    per_week = [site_totals(units) for units in weeks]
    sites = list(per_week[-1]) if per_week else []
    empty = UsageTotal("", 0, 0.0, 0.0, 0.0, 0.0, 0.0, None)
    return [
        SiteTrend(
            site=site,
            utilization=tuple(w.get(site, empty).utilization for w in per_week),
            booked_hours=tuple(w.get(site, empty).booked_hours for w in per_week),
            available_hours=tuple(w.get(site, empty).available_hours for w in per_week),
        )
        for site in sites
    ]
