"""Fairness: a request left waiting weighs one priority step more for every ``ageing_weeks``
weeks since its approval (past the top priority), and one more while its pool or project is
short of its target share of booked hours, so a stream of higher-priority work cannot
starve it.

The platform has one oven, open 6 hours a week (Mondays 08:00-14:00), and two projects
asking for all of it: "slow" (priority 1) and "hot" (priority 4). In a one-week plan only one
6-hour bake fits, so the priority each request plans with decides which.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labops.db import Database
from labops.errors import FixtureError
from labops.permissions import resolve_actor
from labops.planning.plans import commit, propose
from labops.planning.settings import PlanningSettings
from labops.planning.shares import shares
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.requests.service import approve_request
from solver.problem import Standing
from tests.conftest import NOW

PLATFORM = """
format = 1

[platform]
name = "Oven Lab"
timezone = "Europe/Berlin"
anchor = 2026-11-30
identity = "open"

[planning]
ageing_weeks = {ageing}
shares = {{ {shares} }}
freeze_days = 0  # the oven opens one day a week: a freeze would hold every booking

[[kinds]]
id = "oven"
name = "Oven"

[[sites]]
id = "lab"
name = "Lab"
hours = {{ mon = "08:00-14:00" }}

[[equipment]]
id = "oven-1"
name = "Tube oven"
site = "lab"
kind = "oven"

[[people]]
id = "olga"
name = "Olga Operator"
role = "platform architect"
access = "operator"
platform_staff = true

[[people]]
id = "sam"
name = "Sam Slow"
role = "source researcher"
access = "lead"

[[people]]
id = "hana"
name = "Hana Hot"
role = "industry engineer"
access = "lead"

[[fund_pools]]
id = "assets"
name = "Asset operations"
kind = "asset operations"
budget = 100000

[[fund_pools]]
id = "product"
name = "Product development"
kind = "product development"
budget = 100000

[[fund_pools]]
id = "venture"
name = "Venture"
kind = "venture"
budget = 100000

[[fund_pools]]
id = "mna"
name = "M&A"
kind = "mergers & acquisitions"
budget = 100000

[[projects]]
id = "slow"
name = "Slow project"
lead = "sam"
priority = {slow}
fund_pool = "assets"

[[projects]]
id = "hot"
name = "Hot project"
lead = "hana"
priority = 4
fund_pool = "assets"

[[requests]]
id = 1
project = "slow"
requester = "sam"
title = "Bake the old batch"
status = "submitted"
submitted = 2026-10-01T09:00:00

[[requests.tasks]]
key = "bake"
duration = "6h"
equipment = [{{ kind = "oven" }}]

[[requests]]
id = 2
project = "hot"
requester = "hana"
title = "Bake the new batch"
status = "submitted"
submitted = 2026-11-20T09:00:00

[[requests.tasks]]
key = "bake"
duration = "6h"
equipment = [{{ kind = "oven" }}]
{history}"""

# The hot project had the oven to itself last Monday.
HISTORY = """
[[requests]]
id = 3
project = "hot"
requester = "hana"
title = "Last week's bake"
status = "scheduled"
submitted = 2026-11-16T09:00:00

[[requests.tasks]]
key = "bake"
duration = "6h"
equipment = [{ kind = "oven" }]

[[bookings]]
request = 3
task = "bake"
start = 2026-11-23T08:00:00
end = 2026-11-23T14:00:00
units = ["oven-1"]
status = "done"
"""


def platform(
    tmp_path: Path,
    ageing: int,
    old_approved: dt.datetime,
    *,
    slow: int = 1,
    shares: str = "",
    history: str = "",
) -> Database:
    """The oven lab; request 1 (of the "slow" project, priority ``slow``) approved at
    ``old_approved``, request 2 at NOW."""
    db = Database.open(str(tmp_path / "oven.db"))
    text = PLATFORM.format(ageing=ageing, slow=slow, shares=shares, history=history)
    data = parse_platform_text(text, source="oven.toml")
    load_platform(db, data, actor=None, now=old_approved)
    approve_request(db, actor=operator(db), request_id=1, now=old_approved)
    approve_request(db, actor=operator(db), request_id=2, now=NOW)
    return db


def operator(db: Database):
    with db.read() as session:
        return resolve_actor(session, "olga")


def plan(db: Database, now: dt.datetime = NOW):
    return propose(db, actor=operator(db), now=now, weeks=1, time_limit=5, deterministic=True)


def placed(proposal) -> set[int]:
    left = {r.request_id for r in proposal.left_out}
    return {1, 2} - left


def standing(proposal, request_id: int):
    (request,) = [r for r in proposal.snapshot.problem.requests if r.id == f"R{request_id}"]
    return request.standing, request.priority


def test_a_request_ranks_a_step_higher_for_each_period_it_waited() -> None:
    settings = PlanningSettings(ageing_weeks=2)
    assert settings.aged(1, NOW, NOW, short=True) == 2
    assert settings.aged(1, NOW - dt.timedelta(weeks=1, days=6), NOW) == 1
    assert settings.aged(1, NOW - dt.timedelta(weeks=2), NOW) == 2
    assert settings.aged(2, NOW - dt.timedelta(weeks=5), NOW) == 4
    assert settings.aged(2, NOW - dt.timedelta(weeks=40), NOW) == 22  # past the top: 5
    assert settings.aged(2, None, NOW) == 2
    assert PlanningSettings(ageing_weeks=0).aged(1, NOW - dt.timedelta(weeks=40), NOW) == 1


def test_without_ageing_the_higher_priority_takes_the_oven(tmp_path: Path) -> None:
    db = platform(tmp_path, ageing=0, old_approved=NOW - dt.timedelta(weeks=5))
    proposal = plan(db)
    assert placed(proposal) == {2}
    assert standing(proposal, 1) == (Standing.NEW, 1)


def test_a_request_waiting_five_weeks_outranks_a_fresh_higher_priority_one(
    tmp_path: Path,
) -> None:
    # Approved 5 weeks ago with ageing every week: priority 1 + 5 steps = 6 > 4.
    db = platform(tmp_path, ageing=1, old_approved=NOW - dt.timedelta(weeks=5))
    proposal = plan(db)
    assert standing(proposal, 1) == (Standing.NEW, 6)
    assert placed(proposal) == {1}
    assert [r.reasons for r in proposal.left_out if r.request_id == 2]


def test_a_left_out_request_whose_wait_raised_its_priority_competes_again(
    tmp_path: Path,
) -> None:
    # Both approved at NOW: the hot one takes the oven and the slow one is left out, so the
    # next plans give it only free room ...
    db = platform(tmp_path, ageing=1, old_approved=NOW)
    first = plan(db)
    assert placed(first) == {2}
    commit(db, actor=operator(db), now=NOW, proposal=first)
    assert standing(plan(db), 1) == (Standing.WAITING, 1)
    # ... until a week of waiting raises its priority: then it asks for room as a new one.
    later = plan(db, now=NOW + dt.timedelta(weeks=1, hours=1))
    assert standing(later, 1) == (Standing.NEW, 2)


@pytest.mark.parametrize("ageing", [0, 1])
def test_a_scheduled_request_keeps_its_projects_priority(tmp_path: Path, ageing: int) -> None:
    db = platform(tmp_path, ageing=ageing, old_approved=NOW - dt.timedelta(weeks=5))
    first = plan(db)
    commit(db, actor=operator(db), now=NOW, proposal=first)
    (winner,) = placed(first)
    project_priority = {1: 1, 2: 4}[winner]
    assert standing(plan(db), winner) == (Standing.SCHEDULED, project_priority)


def test_a_project_short_of_its_share_ranks_its_waiting_requests_a_step_higher(
    tmp_path: Path,
) -> None:
    # "slow" (priority 3) asks for half the oven's hours and got none of last week's.
    # Approved a week ago with ageing every week: 3 + 1 for the wait + 1 for the share = 5,
    # above the fresh priority-4 request, which wins with neither.
    week_ago = NOW - dt.timedelta(weeks=1)
    db = platform(tmp_path, 1, week_ago, slow=3, shares="slow = 50", history=HISTORY)
    proposal = plan(db)
    assert standing(proposal, 1) == (Standing.NEW, 5)
    assert placed(proposal) == {1}
    (tmp_path / "plain").mkdir()
    plain = platform(tmp_path / "plain", 0, week_ago, slow=3, history=HISTORY)
    assert standing(plan(plain), 1) == (Standing.NEW, 3)
    assert placed(plan(plain)) == {2}


@pytest.mark.parametrize(
    ("shares", "history", "slow_priority"),
    [
        ("slow = 50", "", 3),  # nothing booked lately: no one is short
        ("hot = 50", HISTORY, 3),  # the hot project got all of it: above its target
        ("assets = 10", HISTORY, 3),  # the pool got all of it
    ],
)
def test_a_share_met_or_unmeasured_changes_nothing(
    tmp_path: Path, shares: str, history: str, slow_priority: int
) -> None:
    db = platform(tmp_path, 0, NOW, slow=3, shares=shares, history=history)
    assert standing(plan(db), 1) == (Standing.NEW, slow_priority)


def test_the_shares_of_last_weeks_are_measured_in_booked_hours(tmp_path: Path) -> None:
    db = platform(tmp_path, 0, NOW, slow=3, history=HISTORY)
    with db.read() as session:
        got = {s.id: s for s in shares(session, {"slow": 50, "hot": 25, "assets": 100}, NOW, 4)}
    assert got["hot"].hours == 6 and got["hot"].share == 1 and not got["hot"].short
    assert got["slow"].hours == 0 and got["slow"].short
    assert got["assets"].kind == "fund pool" and got["assets"].share == 1


def test_a_share_names_a_pool_or_a_project_and_targets_add_up_to_100(tmp_path: Path) -> None:
    for shares_text, message in (
        ("nobody = 10", "planning: shares: 'nobody' is neither a fund pool nor a project"),
        ("slow = 60, hot = 50", "planning: shares: the project targets add up to 110%"),
    ):
        with pytest.raises(FixtureError, match=message):
            parse_platform_text(
                PLATFORM.format(ageing=0, slow=1, shares=shares_text, history=""), source="x"
            )
