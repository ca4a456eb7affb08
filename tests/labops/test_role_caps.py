"""At most so many people of a role on a task: from the platform file to the plan."""

from __future__ import annotations

import tomllib

from labops.db import Database
from labops.planning.build import build_snapshot
from labops.platform.dump import export_platform, to_toml
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document, parse_platform_text
from solver.solve import SolveOptions, solve
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_errors import entry, problems

TINY = FIXTURES / "tiny.toml"


def tiny(at_most: dict[str, int]) -> dict:
    """The tiny platform with request 1 approved and a cap on its imaging task, which takes
    a microscopist (Ada, a source researcher, or Dara, an architect) and Cleo (a student)."""
    document = tomllib.loads(TINY.read_text())
    request = entry(document, "requests", 1)
    request["status"] = "approved"
    entry(request, "tasks", "image", field="key")["at_most"] = at_most
    return document


def test_a_cap_reaches_the_solver_and_the_plan_keeps_it(db: Database) -> None:
    load_platform(
        db,
        parse_platform_document(tiny({"source researcher": 0}), source="t"),
        actor=None,
        now=NOW,
    )
    with db.read() as session:
        problem = build_snapshot(session, now=NOW).problem
        text = to_toml(export_platform(session))
    image = next(t for t in problem.tasks if t.id.endswith(".image"))
    assert dict(image.at_most) == {"source researcher": 0}
    plan = solve(problem, SolveOptions(time_limit=5, deterministic=True))
    assert set(plan.assignments[image.id].people) == {"dara", "cleo"}  # never Ada
    exported = parse_platform_text(text)
    request = next(r for r in exported.requests if r.id == 1)
    task = next(t for t in request.tasks if t.key == "image")
    assert {role.value: cap for role, cap in task.at_most.items()} == {"source researcher": 0}


def test_a_cap_below_what_the_needs_ask_is_refused_in_the_file() -> None:
    found = problems(tiny({"student": 0}))
    assert (
        len(found) == 1
        and "its staff ask for 1 student, more than at_most allows (0)" in (found[0])
    )


def test_an_operator_of_the_platform_joins_the_team(db: Database, tmp_path) -> None:
    """Request 1's coating runs on the sputter coater, which needs a certified operator:
    its industry engineer Ben is one until 15 December. Asking for the platform's operator
    adds Dara (platform staff, certified) beside him."""
    document = tomllib.loads(TINY.read_text())
    request = entry(document, "requests", 1)
    request["status"] = "approved"
    coat = entry(request, "tasks", "coat", field="key")
    coat["operator"] = True
    load_platform(db, parse_platform_document(document, source="t"), actor=None, now=NOW)
    with db.read() as session:
        problem = build_snapshot(session, now=NOW).problem
        text = to_toml(export_platform(session))
    task = next(t for t in problem.tasks if t.id.endswith(".coat"))
    assert len(task.staff) == len(coat["staff"]) + 1
    assert task.staff[-1].among == frozenset({"dara"})  # the platform's certified staff
    plan = solve(problem, SolveOptions(time_limit=5, deterministic=True))
    assert "dara" in plan.assignments[task.id].people
    exported = next(r for r in parse_platform_text(text).requests if r.id == 1)
    assert next(t for t in exported.tasks if t.key == "coat").operator
