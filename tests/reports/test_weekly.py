"""Every figure of the weekly report on a hand-made week (tests/reports/week.toml), worked
out by hand.

Week 2026-W47 is Mon 16 to Sun 22 November 2026; Berlin is UTC+1 throughout, and all
times below are Berlin times.

Opening hours: the lab 08-18 Mon-Fri (50 h a week) but closed Fri 20 Nov, so 40 h in W47;
the line 06-22 Mon-Fri, 80 h. Units: sem (lab, setup 15 min + cleanup 15 min, 100/h),
hoods (lab, 4 units of capacity, 10/h each), coater (line, setup 30 min, unattended, 50/h),
xrd (line, 80/h).

Bookings (task time; the units' busy spans add setup/cleanup):
- pre    (beta)  sem      Thu 12 Nov 10-13                 busy 09:45-13:15 (all in W46)
- early  (beta)  coater   Sun 15 Nov 22:00 - Mon 16 02:00 busy Sun 21:30 - Mon 02:00
- scan1  (alpha) sem      Mon 16 09-11                     busy 08:45-11:15
- scan2  (alpha) sem + 2 of 4 hoods, Tue 17 15-17           sem busy 14:45-17:15
- run    (alpha) coater   Wed 18 20:00 - Thu 19 08:00      busy Wed 19:30 - Thu 08:00
- hood   (beta)  4 of 4 hoods, Thu 19 08-18
- late   (beta)  coater   Sun 22 20:00 - Mon 23 04:00      busy Sun 19:30 - Mon 04:00
Downtime: sem Tue 17 16:00 - Wed 18 10:00 (hits scan2); xrd Mon 16 00:00 - Fri 20 12:00.
"""

from __future__ import annotations

import pytest

from labops.bookings.costs import booking_costs
from labops.db import Database
from labops.errors import InputError, NotFound, PermissionDenied
from labops.permissions import Actor
from labops.reports import WeeklyReport, weekly_report
from labops.reports.model import ALL_SITES
from labops.reports.sections import sections
from labops.vocabulary import Access
from tests.conftest import NOW
from tests.reports.conftest import LATEST_PLAN, XRD_REASON

approx = pytest.approx


def by(items, key: str) -> dict:
    return {getattr(item, key): item for item in items}


def test_equipment_per_unit(w47: WeeklyReport) -> None:
    units = by(w47.units, "unit")
    assert [u.unit for u in w47.units] == ["hoods", "sem", "coater", "xrd"]  # site, kind, id

    sem = units["sem"]
    # Open Mon-Thu 10 h = 40 h. The breakdown Tue 16:00 - Wed 10:00 takes Tue 16-18 and
    # Wed 08-10 out of opening hours: 4 h (its night hours were closed anyway).
    assert (sem.open_hours, sem.downtime_hours, sem.available_hours) == approx((40, 4, 36))
    # scan1 busy 08:45-11:15 = 2.5 h; scan2 busy 14:45-17:15 = 2.5 h, counted in full although
    # the breakdown began at 16:00: 16:00-17:15 = 1.25 h fall outside the available hours.
    assert (sem.booked_hours, sem.outside_hours) == approx((5, 1.25))
    assert sem.utilization == approx(5 / 36)
    assert sem.by_project == approx({"alpha": 5})

    hoods = units["hoods"]
    # scan2 holds 2 of 4 hoods for 2 h = 1 h of the bank; hood holds 4 of 4 for 10 h = 10 h.
    assert (hoods.available_hours, hoods.booked_hours, hoods.outside_hours) == approx((40, 11, 0))
    assert hoods.utilization == approx(11 / 40)
    assert hoods.by_project == approx({"alpha": 1, "beta": 10})

    coater = units["coater"]
    # early: busy from Sun 21:30 (W46) to Mon 02:00, clipped to Mon 00:00-02:00 = 2 h, all
    # before opening. run: busy Wed 19:30 - Thu 08:00 across midnight = 12.5 h; outside the
    # 06-22 opening hours Wed 22:00 - Thu 06:00 = 8 h. late: busy Sun 19:30 - Mon 04:00,
    # clipped to Sun 19:30-24:00 = 4.5 h, all on a closed Sunday.
    assert coater.booked_hours == approx(2 + 12.5 + 4.5)
    assert coater.outside_hours == approx(2 + 8 + 4.5)
    assert coater.utilization == approx(19 / 80)
    assert coater.by_project == approx({"alpha": 12.5, "beta": 6.5})

    xrd = units["xrd"]
    # Down Mon 00:00 - Fri 12:00: Mon-Thu 16 h each + Fri 06-12 = 70 h of the 80 open.
    assert (xrd.open_hours, xrd.downtime_hours, xrd.available_hours) == approx((80, 70, 10))
    assert (xrd.booked_hours, xrd.utilization, xrd.by_project) == (0, 0, {})


def test_equipment_per_site_and_kind(w47: WeeklyReport) -> None:
    sites = by(w47.sites, "name")
    # lab: sem 36 + hoods 40 available; 5 + 11 booked; 4 h downtime.
    assert (sites["lab"].available_hours, sites["lab"].booked_hours) == approx((76, 16))
    assert (sites["lab"].downtime_hours, sites["lab"].outside_hours) == approx((4, 1.25))
    assert sites["lab"].utilization == approx(16 / 76)
    # line: coater 80 + xrd 10 available; 19 booked; 70 h downtime.
    assert (sites["line"].available_hours, sites["line"].booked_hours) == approx((90, 19))
    assert sites["line"].utilization == approx(19 / 90)
    total = w47.total
    assert (total.name, total.units, total.open_hours) == (ALL_SITES, 4, approx(240))
    assert (total.available_hours, total.booked_hours, total.downtime_hours) == approx(
        (166, 35, 74)
    )
    assert total.outside_hours == approx(15.75)
    kinds = by(w47.kinds, "name")
    assert sorted(kinds) == ["fume-hood", "sem", "sputter", "xrd"]
    assert kinds["sputter"].booked_hours == approx(19)


def test_people_and_roles(w47: WeeklyReport) -> None:
    people = by(w47.people, "person")
    # olga: Mon-Fri 09-17 minus the lab's Friday closure = 32 h, under her 40: capacity 32.
    # Assigned scan1 2 h + scan2 2 h + hood 10 h = 14 h (two tasks on Tuesday/Thursday).
    olga = people["olga"]
    assert (olga.working_hours, olga.capacity_hours, olga.assigned_hours) == approx((32, 32, 14))
    assert (olga.load, olga.flag) == (approx(14 / 32), "")
    # pia: nothing assigned, 0 % of 32 h: underloaded.
    assert (people["pia"].assigned_hours, people["pia"].flag) == (0, "under")
    # max: Mon-Thu 07-15 = 32 h working but 10 h a week at most. Staffed only for the first
    # hour of unattended runs: run Wed 20-21 (1 h) + late Sun 20-21 (1 h; early's hour was
    # Sun 15 Nov, W46) + hood 10 h = 12 h: 120 %, overloaded.
    max_ = people["max"]
    assert (max_.working_hours, max_.capacity_hours, max_.assigned_hours) == approx((32, 10, 12))
    assert (max_.load, max_.flag) == (approx(1.2), "over")
    # sam: teaching Mon-Tue and Friday closed leave Wed-Thu = 16 h (under 20). scan2 put him
    # on Tuesday 15-17 during his teaching: 2 h assigned all the same, 12.5 %: underloaded.
    sam = people["sam"]
    assert (sam.working_hours, sam.capacity_hours, sam.assigned_hours) == approx((16, 16, 2))
    assert (sam.load, sam.flag) == (approx(0.125), "under")

    roles = by(w47.roles, "role")
    assert roles["industry engineer"].load == approx(1.2)
    assert (roles["student"].people, roles["student"].capacity_hours) == (1, approx(16))


def test_demand_served_and_unmet(w47: WeeklyReport) -> None:
    demand = w47.demand
    # Served (task time within W47): scan1 2 + scan2 2 + run 12 + hood 10 + early's Monday
    # 00-02 (2) + late's Sunday 20-24 (4) = 32 h. Unmet: xrd-scan 12 h (due Fri 20, not
    # booked) + coat2 3 h (no due date, submitted Wed 18) = 15 h. Not demand of W47: the
    # request due 10 December, and the draft due Thursday 19.
    assert (demand.served_hours, demand.unmet_hours, demand.demand_hours) == approx((32, 15, 47))
    assert demand.served_share == approx(32 / 47)
    kinds = by(demand.kinds, "kind")
    # Unit-hours: scan2 takes 2 of 4 hoods for 2 h = 1, hood 4 of 4 for 10 h = 10.
    assert (kinds["fume-hood"].demand_hours, kinds["fume-hood"].served_hours) == approx((11, 11))
    assert (kinds["sem"].demand_hours, kinds["sem"].unmet_hours) == approx((4, 0))
    # sputter: run 12 + early 2 + late 4 served, coat2 3 unmet, against 80 h available.
    sputter = kinds["sputter"]
    assert (sputter.served_hours, sputter.unmet_hours, sputter.bottleneck) == (18, 3, False)
    # xrd: 12 h asked, 10 h available: the bottleneck.
    xrd = kinds["xrd"]
    assert (xrd.available_hours, xrd.demand_hours, xrd.bottleneck) == (approx(10), 12, True)
    assert [k.kind for k in demand.kinds if k.bottleneck] == ["xrd"]


def test_waiting_requests_carry_the_last_plans_reasons(w47: WeeklyReport) -> None:
    waiting = by(w47.demand.waiting, "request")
    assert sorted(waiting) == [3, 4, 5]  # 1-2 scheduled, 6 a draft
    assert w47.demand.last_plan_at == LATEST_PLAN
    # The latest plan left request 3 out; the older one's reason for 4 is history.
    assert (waiting[3].left_out, waiting[3].reasons) == (True, (XRD_REASON,))
    assert (waiting[4].left_out, waiting[4].reasons) == (False, ("awaiting approval",))
    assert (waiting[3].hours, waiting[4].hours, waiting[5].hours) == (12, 3, 5)


def test_the_longest_waits_come_first(w47: WeeklyReport) -> None:
    (section,) = [s for s in sections(w47) if s.key == "waiting"]
    rows = section.values()
    # At NOW (Wed 25 Nov 09:00 UTC): request 3 approved as submitted on 12 Nov 08:00 UTC
    # (13 days), 4 and 5 awaiting approval since 18 Nov 09:00 and 10:00 UTC (7 and 6 days).
    assert [(r["request"], r["waited_days"]) for r in rows] == [(3, 13), (4, 7), (5, 6)]


def test_shares_of_booked_hours_against_their_targets(w47: WeeklyReport) -> None:
    # Booked in the 4 weeks to Mon 23 Nov 00:00: alpha scan1 2 h + scan2 2 h + run 12 h
    # = 16 h; beta pre 3 h + early 4 h + hood 10 h + late 4 h (of 8, to midnight) = 21 h.
    # alpha (target 50%) got 16/37 = 43.2%: short; the venture pool (beta's, 40%) 56.8%.
    got = {s.id: s for s in w47.shares}
    assert (got["alpha"].kind, got["alpha"].hours, got["alpha"].short) == ("project", 16, True)
    assert got["alpha"].share == pytest.approx(16 / 37)
    assert (got["venture"].kind, got["venture"].hours) == ("fund pool", 21)
    assert got["venture"].share == pytest.approx(21 / 37) and not got["venture"].short
    (section,) = [s for s in sections(w47) if s.key == "shares"]
    assert [r["id"] for r in section.values()] == ["alpha", "venture"]


def test_money_per_project_and_pool(w47: WeeklyReport) -> None:
    projects = by(w47.projects, "project")
    # alpha: scan1 2 h x 100 + scan2 (2 h x 100 + 2 h x 10 x 2 hoods) + run 12 h x 50
    # = 200 + 240 + 600 = 1,040.00, all of it in W47.
    alpha = projects["alpha"]
    assert (alpha.week_cents, alpha.committed_cents) == approx((104_000, 104_000))
    assert (alpha.budget_cents, alpha.remaining_cents, alpha.used) == approx(
        (1_000_000, 896_000, 0.104)
    )
    # beta in W47: early's 2 h x 50 + late's 4 h x 50 + hood 10 h x 10 x 4 = 700.00.
    # Committed: pre 3 h x 100 + early 4 h x 50 + late 8 h x 50 + hood 400 = 1,300.00.
    beta = projects["beta"]
    assert (beta.week_cents, beta.committed_cents) == approx((70_000, 130_000))
    assert beta.used == approx(130_000 / 200_000)
    pools = by(w47.pools, "pool")
    assert (pools["product"].week_cents, pools["product"].budget_cents) == (104_000, 25_000_000)
    assert (pools["venture"].week_cents, pools["venture"].committed_cents) == (70_000, 130_000)
    assert pools["assets"].week_cents == 0
    assert w47.week_cents == approx(174_000)


def test_committed_money_agrees_with_labops_funds(week_db: Database, w47: WeeklyReport) -> None:
    with week_db.read() as session:
        assert {p.project: p.committed_cents for p in w47.projects} == booking_costs(session)


def test_change_against_the_previous_week(w47: WeeklyReport) -> None:
    changes = by(w47.changes, "site")
    # W46 had no closure: lab 50 + 50 h available, 3.5 h booked (pre, busy 09:45-13:15).
    lab = changes["lab"]
    assert (lab.previous_utilization, lab.utilization) == approx((0.035, 16 / 76))
    assert lab.utilization_change == approx(16 / 76 - 0.035)
    assert (lab.previous_booked_hours, lab.booked_change) == approx((3.5, 12.5))
    # line in W46: 160 h available; early's Sunday 21:30-24:00 = 2.5 h.
    line = changes["line"]
    assert (line.previous_booked_hours, line.previous_utilization) == approx((2.5, 2.5 / 160))
    assert changes[ALL_SITES].previous_utilization == approx(6 / 260)


def test_trend_over_eight_weeks(w47: WeeklyReport) -> None:
    assert w47.trend_weeks == tuple(f"2026-W{n}" for n in range(40, 48))
    lab = by(w47.trend, "site")["lab"]
    assert lab.utilization == approx((0, 0, 0, 0, 0, 0, 0.035, 16 / 76))
    # The autumn switch in W43 changes nothing about 08-18 opening hours.
    assert lab.available_hours == approx((100,) * 7 + (76,))
    assert [t.site for t in w47.trend] == ["lab", "line", ALL_SITES]


def test_one_site_narrows_units_people_demand_and_money(week_db: Database) -> None:
    line = weekly_report(week_db, actor=Actor.system(), now=NOW, week="2026-W47", site="line")
    assert [u.unit for u in line.units] == ["coater", "xrd"]
    assert [p.person for p in line.people] == ["max"]
    # Served on the line: early 2 + run 12 + late 4; unmet: xrd-scan 12 + coat2 3.
    assert (line.demand.served_hours, line.demand.unmet_hours) == approx((18, 15))
    assert sorted(w.request for w in line.demand.waiting) == [3, 4]
    projects = by(line.projects, "project")
    assert (projects["alpha"].week_cents, projects["beta"].week_cents) == approx((60_000, 30_000))
    assert [c.site for c in line.changes] == ["line", ALL_SITES]


def test_the_default_week_is_the_last_full_one(week_db: Database, w47: WeeklyReport) -> None:
    default = weekly_report(week_db, actor=Actor.system(), now=NOW)
    assert default == w47


def test_refusals(week_db: Database) -> None:
    member = Actor(id="sam", access=Access.MEMBER)
    with pytest.raises(PermissionDenied, match="cannot read platform reports"):
        weekly_report(week_db, actor=member, now=NOW)
    viewer = Actor(id="pia", access=Access.VIEWER)
    with pytest.raises(NotFound, match="no site 'moon'"):
        weekly_report(week_db, actor=viewer, now=NOW, site="moon")
    with pytest.raises(InputError, match="not an ISO week"):
        weekly_report(week_db, actor=viewer, now=NOW, week="2026-W54")
