"""What if (``labops.planning.whatif``): the scenario's problem is the one a copy of the
platform with the change would give, its figures are that copy's plan's, and the live
database is never written."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest

from labops.bookings.service import add_downtime
from labops.db import Database
from labops.errors import InputError, PermissionDenied
from labops.planning import whatif
from labops.planning.build import build_snapshot
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document
from labops.records import edit
from labops.vocabulary import DowntimeKind
from solver.solve import SolveOptions, solve
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_errors import entry
from tests.labops.test_fixture_io import db_digest
from tests.tui import conftest as tui
from tests.tui.conftest import actor

# The demo platform, copied for each test from one load (the UI tests' fixtures).
demo_template, demo = tui.demo_template, tui.demo

OPERATOR = "aylin-demir"
FURNACE_DOWN = whatif.Outage(
    unit="furnace-1", start=NOW + dt.timedelta(days=7), end=NOW + dt.timedelta(days=21)
)


def live(tmp_path: Path) -> Path:
    return tmp_path / "platform.db"  # where the ``demo`` fixture keeps its database


def copy_of(db: Database, tmp_path: Path) -> Database:
    db.dispose()  # folds the WAL into the file, so the copy is the whole platform
    path = tmp_path / "copy.db"
    shutil.copyfile(live(tmp_path), path)
    return Database.open(str(path))


def copied_with_a_sem(db: Database, tmp_path: Path) -> Database:
    copy = copy_of(db, tmp_path)
    values = edit.record_values(copy, kind="equipment", record_id="sem-1")
    values = {**values, "id": "what-if-sem-1", "name": "what-if " + values["name"]}
    admin = actor(copy, "katrin-vogel")
    edit.save_record(copy, actor=admin, now=NOW, kind="equipment", values=values, new=True)
    return copy


def copied_with_the_furnace_down(db: Database, tmp_path: Path) -> Database:
    copy = copy_of(db, tmp_path)
    add_downtime(
        copy,
        actor=actor(copy, OPERATOR),
        unit_id="furnace-1",
        start=FURNACE_DOWN.start,
        end=FURNACE_DOWN.end,
        kind=DowntimeKind.MAINTENANCE,
        reason="what-if",
        now=NOW,
    )
    return copy


@pytest.mark.parametrize(
    ("scenario", "make_copy"),
    [
        (whatif.Scenario(new_units=(whatif.NewUnit("sem", "materials-lab"),)), copied_with_a_sem),
        (whatif.Scenario(outages=(FURNACE_DOWN,)), copied_with_the_furnace_down),
    ],
    ids=["one more SEM", "furnace down two weeks"],
)
def test_the_scenario_is_the_platform_with_the_change(demo, tmp_path, scenario, make_copy):
    before = db_digest(live(tmp_path))
    today, changed = whatif.problems(demo, actor=actor(demo, OPERATOR), now=NOW, scenario=scenario)
    assert db_digest(live(tmp_path)) == before  # nothing written, not even for a moment's read
    copy = make_copy(demo, tmp_path)
    with copy.read() as session:
        expected = build_snapshot(session, now=NOW).problem
    assert changed.problem == expected
    assert today.problem != expected


def test_one_more_sem_figures_are_those_of_the_copy_with_one(demo, tmp_path) -> None:
    scenario = whatif.Scenario(new_units=(whatif.NewUnit("sem", "materials-lab"),))
    before = db_digest(live(tmp_path))
    result = whatif.compare(
        demo, actor=actor(demo, OPERATOR), now=NOW, scenario=scenario, time_limit=5
    )
    assert db_digest(live(tmp_path)) == before
    with copied_with_a_sem(demo, tmp_path).read() as session:
        problem = build_snapshot(session, now=NOW).problem
    plan = solve(problem, SolveOptions(time_limit=5, deterministic=True))
    placed = {
        int(r.id.removeprefix("R"))
        for r in problem.requests
        if ":" not in r.id and all(t.id in plan.assignments for t in problem.request_tasks[r.id])
    }
    if plan.repeatable:  # a run the clock cut short is not comparable (a loaded machine)
        assert set(result.changed.placed) == placed
    assert result.changed.new_units["what-if-sem-1"] > 0  # the unit bought is used
    assert result.unblocked == sorted(set(result.changed.placed) - set(result.baseline.placed))
    listing = {row["figure"]: row for row in result.listing().rows}
    assert listing["requests placed"]["whatif"] == len(result.changed.placed)


def test_whatif_is_for_those_who_read_reports_and_refuses_a_bad_change(demo, tmp_path) -> None:
    lead = actor(demo, "elena-marchetti")
    with pytest.raises(PermissionDenied):
        whatif.problems(demo, actor=lead, now=NOW, scenario=whatif.Scenario(weeks=6))
    operator = actor(demo, OPERATOR)
    bad = [
        (whatif.Scenario(new_units=(whatif.NewUnit("teleporter"),)), "no equipment of kind"),
        (whatif.Scenario(new_units=(whatif.NewUnit("sem", "mars"),)), "no site 'mars'"),
        (whatif.Scenario(outages=(whatif.Outage("nothing", NOW, NOW),)), "no equipment"),
        (whatif.Scenario(weeks=40), "between 1 and 26 weeks"),
    ]
    before = db_digest(live(tmp_path))
    for scenario, message in bad:
        with pytest.raises(InputError, match=message):
            whatif.problems(demo, actor=operator, now=NOW, scenario=scenario)
    assert db_digest(live(tmp_path)) == before


def test_the_cli_names_a_bad_change_in_one_line(cli, tmp_path) -> None:
    assert cli("demo").code == 0
    result = cli("--as", OPERATOR, "whatif", "--down", "furnace-1@2026-12-14")
    assert result.code != 0 and "write UNIT@FROM..TO" in result.err
    assert len(result.err.strip().splitlines()) == 1
    result = cli("--as", OPERATOR, "whatif")
    assert result.code != 0 and "name a change" in result.err


def test_money_per_pool_is_what_the_planned_units_cost(db: Database) -> None:
    """The tiny platform, request 1 approved: its coating (6 h on the sputter coater at
    95.00), its SEM (2 h at 120.00 and 2 fume hoods for 2 h at 8.50) and request 2's
    reference SEM (1.5 h at 120.00), all drawn on the product-development pool."""
    document = tomllib.loads((FIXTURES / "tiny.toml").read_text())
    entry(document, "requests", 1)["status"] = "approved"
    load_platform(db, parse_platform_document(document, source="t"), actor=None, now=NOW)
    result = whatif.compare(
        db, actor=actor(db, "eve"), now=NOW, scenario=whatif.Scenario(weeks=5), time_limit=3
    )
    expected = 6 * 9500 + 2 * 12000 + 2 * 2 * 850 + 1.5 * 12000
    assert result.baseline.placed == [1, 2]
    assert result.baseline.money == {"product": expected} == result.changed.money
    rows = {row["figure"]: row for row in result.listing().rows}
    assert rows["product spends"]["today"] == "1,024.00"
