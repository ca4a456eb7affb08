"""Who supervises a student: the platform's supervising roles, and a student's named
supervisor, from the platform file through the database to the solver's people."""

from __future__ import annotations

import tomllib

import pytest

from labops import tables as t
from labops.db import Database
from labops.planning.build import build_snapshot
from labops.platform.dump import export_platform, to_toml
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_document, parse_platform_text, read_platform_file
from labops.records import edit
from solver.solve import SolveOptions, solve
from tests.conftest import FIXTURES, NOW
from tests.labops.test_fixture_errors import entry, problems
from tests.tui.conftest import actor

TINY = FIXTURES / "tiny.toml"


def tiny(**cleo: object) -> dict:
    """The tiny platform with request 1 (coat, then image with Cleo) approved."""
    document = tomllib.loads(TINY.read_text())
    entry(document, "people", "cleo").update(cleo)
    entry(document, "requests", 1)["status"] = "approved"
    return document


def solver_people(db: Database, document: dict) -> dict:
    load_platform(db, parse_platform_document(document, source="tiny.toml"), actor=None, now=NOW)
    with db.read() as session:
        snapshot = build_snapshot(session, now=NOW)
    return snapshot, {p.id: p for p in snapshot.problem.people}


def test_default_roles_supervise_and_a_named_supervisor_reaches_the_solver(db: Database) -> None:
    document = tiny(supervisor="eve")
    entry(document, "people", "eve")["role"] = "investor"
    _, people = solver_people(db, document)
    assert people["dara"].supervises and people["ada"].supervises  # architect, researcher
    assert not people["eve"].supervises  # an investor does not, by role
    assert people["cleo"].supervisor == "eve"
    assert people["eve"].can_supervise(people["cleo"])  # but does as Cleo's named one


def test_the_platform_chooses_the_supervising_roles_and_the_plan_follows(
    db: Database, tmp_path
) -> None:
    """Request 1's imaging task takes Cleo (the student) and a microscopist (Ada or Dara):
    with only industry engineers supervising, it cannot run until Cleo names Dara."""
    only_engineers = {"supervising_roles": ["industry engineer"]}
    document = tiny()
    document["planning"] = {**document.get("planning", {}), **only_engineers}
    snapshot, people = solver_people(db, document)
    assert not people["dara"].supervises and not people["ada"].supervises
    plan = solve(snapshot.problem, SolveOptions(time_limit=5, deterministic=True))
    image = next(t for t in snapshot.problem.tasks if t.id.endswith(".image"))
    assert image.id not in plan.assignments
    assert plan.unplaced[image.request][0].rule == "student_supervision"

    named = tiny(supervisor="dara")
    named["planning"] = {**named.get("planning", {}), **only_engineers}
    snapshot, _ = solver_people(Database.open(str(tmp_path / "named.db")), named)
    plan = solve(snapshot.problem, SolveOptions(time_limit=5, deterministic=True))
    assert set(plan.assignments[image.id].people) == {"cleo", "dara"}


@pytest.mark.parametrize(
    ("who", "supervisor", "message"),
    [
        (
            "ada",
            "dara",
            "person 'ada': only a student has a supervisor (this is a source researcher)",
        ),
        ("cleo", "cleo", "person 'cleo': a student cannot be their own supervisor"),
        ("cleo", "zoe", "person 'cleo': supervisor 'zoe' does not exist"),
    ],
)
def test_a_supervisor_that_cannot_be_is_refused(who: str, supervisor: str, message: str) -> None:
    document = tomllib.loads(TINY.read_text())
    entry(document, "people", who)["supervisor"] = supervisor
    assert problems(document) == [message]


def test_a_student_cannot_supervise_a_student() -> None:
    document = tiny(supervisor="ada")
    entry(document, "people", "ada")["role"] = "student"
    entry(document, "people", "ada").pop("access", None)
    assert "person 'cleo': supervisor 'ada' is a student" in problems(document)


def test_the_supervisor_survives_an_export(db: Database) -> None:
    load_platform(
        db, parse_platform_document(tiny(supervisor="dara"), source="t"), actor=None, now=NOW
    )
    with db.read() as session:
        text = to_toml(export_platform(session))
    people = {p.id: p for p in parse_platform_text(text).people}
    assert people["cleo"].supervisor == "dara" and people["ada"].supervisor is None


@pytest.mark.parametrize(
    ("who", "supervisor", "error"),
    [
        ("cleo", "ben", None),
        ("cleo", "cleo", "a student cannot be their own supervisor"),
        ("ada", "dara", "only a student has a supervisor (this is a source researcher)"),
        ("cleo", "zoe", "no person 'zoe'"),
    ],
)
def test_an_edit_names_a_supervisor_only_where_one_can_be(
    db: Database, who: str, supervisor: str, error: str | None
) -> None:
    load_platform(db, read_platform_file(TINY), actor=None, now=NOW)
    eve = actor(db, "eve")
    values = {**edit.record_values(db, kind="person", record_id=who), "supervisor": supervisor}
    if error is None:
        edit.save_record(db, actor=eve, now=NOW, kind="person", values=values, new=False)
        assert edit.record_values(db, kind="person", record_id=who)["supervisor"] == supervisor
        return
    with pytest.raises(edit.FieldErrors) as refused:
        edit.save_record(db, actor=eve, now=NOW, kind="person", values=values, new=False)
    assert refused.value.errors == {"supervisor": error}


def test_the_migration_keeps_every_person_and_what_points_at_them(db: Database) -> None:
    """0015 copies the person table on SQLite (a batch): going back before it and up again
    keeps the people, their skills and their bookings, and the supervisor comes back."""
    from alembic import command

    from labops.migrate import alembic_config, head_revision

    load_platform(
        db, parse_platform_document(tiny(supervisor="dara"), source="t"), actor=None, now=NOW
    )
    counts = (
        "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM skill), "
        "(SELECT count(*) FROM booking_person)"
    )
    with db.engine.connect() as connection:
        before = connection.exec_driver_sql(counts).one()
    config = alembic_config(db.engine)
    command.downgrade(config, "0014")
    command.upgrade(config, head_revision())
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql(counts).one() == before
        assert before[0] == 5 and before[2] > 0
        connection.exec_driver_sql("UPDATE person SET supervisor = 'dara' WHERE id = 'cleo'")
        connection.commit()
    with db.read() as session:
        assert session.get(t.Person, "cleo").supervisor == "dara"


def test_a_platform_with_supervisors_restores_and_reloads(cli, tmp_path) -> None:
    """A student naming a supervisor is a row naming another of its table: bulk deletes
    (a restore, a reload) clear that reference before the row it names goes."""
    text = TINY.read_text().replace(
        'id = "cleo"\nname = "Cleo Marsh"', 'id = "cleo"\nname = "Cleo Marsh"\nsupervisor = "dara"'
    )
    assert 'supervisor = "dara"' in text
    platform = tmp_path / "supervised.toml"
    platform.write_text(text)
    assert cli("load", str(platform)).code == 0
    backup = tmp_path / "backup.db"
    assert cli("--as", "dara", "backup", str(backup)).code == 0
    result = cli("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    result = cli("--as", "eve", "load", str(platform), "--replace")
    assert result.code == 0, result.err
    shown = cli("--as", "eve", "show", "person", "cleo")
    assert "dara" in shown.out
