"""A project's team counts the people of its history, even history that no longer fits.

Sara, the team's only source researcher, did the first step of request 1 yesterday; Ian does
the second tomorrow, inside the freeze window. Sara's sick leave for yesterday is recorded
afterwards, so her booking no longer fits today's calendars and the plan leaves it be as
history. The team still had its source researcher: the plan must keep tomorrow's booking as
it is and be valid (before, the team looked short of one, and no plan could be committed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from labops.db import Database
from labops.permissions import resolve_actor
from labops.planning.plans import commit, propose
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.records.person_edits import add_absence
from labops.vocabulary import AbsenceKind
from solver.validate import validate
from tests.conftest import NOW

POOLS = "".join(
    f'[[fund_pools]]\nid = "{i}"\nname = "{i}"\nkind = "{k}"\nbudget = 100000\n\n'
    for i, k in [
        ("assets", "asset operations"),
        ("product", "product development"),
        ("venture", "venture"),
        ("mna", "mergers & acquisitions"),
    ]
)

WEEKDAYS = ", ".join(f'{day} = "08:00-18:00"' for day in ("mon", "tue", "wed", "thu", "fri"))

PLATFORM = f"""
format = 1

[platform]
name = "Furnace Lab"
timezone = "Europe/Berlin"
anchor = 2026-11-23
identity = "open"

[[kinds]]
id = "furnace"
name = "Furnace"

[[sites]]
id = "lab"
name = "Lab"
hours = {{ {WEEKDAYS} }}

[[equipment]]
id = "furnace-1"
name = "Tube furnace"
site = "lab"
kind = "furnace"

[[people]]
id = "olga"
name = "Olga Operator"
role = "platform architect"
access = "admin"
platform_staff = true

[[people]]
id = "sara"
name = "Sara Source"
role = "source researcher"
access = "lead"

[[people]]
id = "ian"
name = "Ian Industry"
role = "industry engineer"

{POOLS}
[[projects]]
id = "alloys"
name = "Alloys"
lead = "sara"
priority = 3
fund_pool = "product"
members = ["sara", "ian"]
team = {{ min_roles = {{ "source researcher" = 1 }} }}

[[requests]]
id = 1
project = "alloys"
requester = "sara"
title = "Anneal and quench"
status = "scheduled"
submitted = 2026-11-16T09:00:00

[[requests.tasks]]
key = "anneal"
duration = "2h"
equipment = [{{ kind = "furnace" }}]
staff = [{{ role = "source researcher" }}]

[[requests.tasks]]
key = "quench"
duration = "2h"
equipment = [{{ kind = "furnace" }}]
staff = [{{ role = "industry engineer" }}]
after = [{{ task = "anneal" }}]

[[bookings]]
request = 1
task = "anneal"
start = 2026-11-24T09:00:00
end = 2026-11-24T11:00:00
units = ["furnace-1"]
people = ["sara"]
status = "confirmed"

[[bookings]]
request = 1
task = "quench"
start = 2026-11-26T09:00:00
end = 2026-11-26T11:00:00
units = ["furnace-1"]
people = ["ian"]
status = "confirmed"
"""


def test_history_that_no_longer_fits_keeps_its_people_on_the_team(tmp_path: Path) -> None:
    db = Database.open(str(tmp_path / "furnace.db"))
    load_platform(db, parse_platform_text(PLATFORM, source="furnace.toml"), actor=None, now=NOW)
    with db.read() as session:
        olga = resolve_actor(session, "olga")
    add_absence(
        db,
        actor=olga,
        now=NOW,
        person_id="sara",
        start=dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC),
        kind=AbsenceKind.SICK,
    )
    proposal = propose(db, actor=olga, now=NOW, time_limit=5, deterministic=True)
    problem = proposal.snapshot.problem
    assert "R1.anneal" not in problem.task  # history left be: it no longer fits
    (team,) = problem.teams
    assert team.members == {"sara"}
    assert not validate(problem, proposal.plan)
    assert not proposal.left_out and not proposal.changes
    commit(db, actor=olga, now=NOW, proposal=proposal)
