"""The foundation's command line: init, load, list, show, export, schema, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

TINY = str(FIXTURES / "tiny.toml")


@pytest.fixture
def loaded(cli):
    assert cli("load", TINY).code == 0
    return cli


@pytest.fixture
def operator(loaded):
    """The CLI acting as dara, an operator of the tiny platform."""
    return lambda *args, **kwargs: loaded("--as", "dara", *args, **kwargs)


def test_list_equipment_filters_by_site_and_kind(loaded) -> None:
    result = loaded("list", "equipment", "--site", "matlab", "--json")
    assert result.code == 0
    assert [row["id"] for row in json.loads(result.out)] == ["hoods", "sem-1"]
    result = loaded("list", "equipment", "--kind", "sputter", "--json")
    assert [row["id"] for row in json.loads(result.out)] == ["sputter-1"]


def test_list_and_show_take_either_number(loaded) -> None:
    assert loaded("list", "site", "--json").out == loaded("list", "sites", "--json").out
    assert loaded("show", "sites", "matlab").out == loaded("show", "site", "matlab").out
    assert "Person ada" in loaded("show", "people", "ada").out
    assert loaded("list", "widgets").code == 2


def test_list_people_by_role_and_skill(loaded) -> None:
    rows = json.loads(loaded("list", "people", "--skill", "microscopy", "--json").out)
    assert {row["id"] for row in rows} == {"ada", "cleo", "dara"}
    rows = json.loads(loaded("list", "people", "--role", "student", "--json").out)
    assert [row["id"] for row in rows] == ["cleo"]


def test_list_requests_and_bookings(operator) -> None:
    loaded = operator
    rows = json.loads(loaded("list", "requests", "--status", "submitted", "--json").out)
    assert [(r["id"], r["tasks"], r["hours"]) for r in rows] == [(1, 2, 8.0)]
    rows = json.loads(loaded("list", "bookings", "--unit", "sem-1", "--json").out)
    assert [(r["request"], r["task"], r["start"], r["people"]) for r in rows] == [
        (2, "ref", "2026-11-30 09:00", "dara")
    ]
    assert json.loads(loaded("list", "bookings", "--person", "ada", "--json").out) == []
    rows = json.loads(loaded("list", "bookings", "--from", "2026-12-01", "--json").out)
    assert rows == []


def test_tables_for_people(loaded) -> None:
    result = loaded("list", "sites")
    assert result.code == 0
    assert "Advanced Materials Lab" in result.out
    assert "mon-thu 08:00-18:00, fri 08:00-16:00" in result.out


def test_show_person_flags_expired_certifications(loaded) -> None:
    result = loaded("show", "person", "ben", "--json")
    detail = json.loads(result.out)
    states = {row["kind"]: row["state"] for row in detail["Certifications"]}
    assert states == {"sem": "EXPIRED", "sputter": "valid"}


def test_show_request_lists_tasks_and_needs(operator) -> None:
    detail = json.loads(operator("show", "request", "1", "--json").out)
    tasks = {row["key"]: row for row in detail["Tasks"]}
    assert tasks["image"]["equipment"] == "sem-1, 2x any fume-hood"
    assert tasks["image"]["after"] == "coat +12h"
    assert tasks["coat"]["duration"] == "6h (staffed 1h)"


def test_show_project_names_its_fund_pool_and_kind(operator) -> None:
    fields = json.loads(operator("show", "project", "tandem", "--json").out)["fields"]
    assert (fields["fund pool"], fields["fund kind"]) == ("product", "product development")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "person", "nobody"), "no person 'nobody'"),
        (("show", "request", "abc"), "request ids are numbers"),
        (("show", "request", "99"), "no request 99"),
        (("list", "bookings", "--from", "someday"), "--from: 'someday' is not a date"),
        (("list", "requests", "--status", "submited"), "--status submited: choose one of draft,"),
        (("list", "bookings", "--status", "lockd"), "choose one of proposed, confirmed, locked"),
        (("list", "bookings", "--unit", "sem-9"), "--unit sem-9: no equipment unit 'sem-9'"),
        (("list", "bookings", "--person", "nobody"), "--person nobody: no person 'nobody'"),
        (("list", "requests", "--project", "nope"), "--project nope: no project 'nope'"),
        (("list", "equipment", "--kind", "semm"), "--kind semm: no equipment kind 'semm'"),
        (("list", "people", "--role", "boss"), "--role boss: choose one of source researcher"),
        (("list", "people", "--skill", "juggling"), "nobody has the skill 'juggling'"),
        (("list", "projects", "--pool", "nope"), "--pool nope: no fund pool 'nope'"),
        (("downtime", "add", "sem-1", "--as", "ada"), "--as goes before the command"),
        (("list", "sites", "--db", "x.db"), "--db goes before the command: labops --db ... list"),
    ],
)
def test_bad_arguments_get_one_line_and_an_exit_code(operator, args, message) -> None:
    result = operator(*args)
    assert result.code != 0
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.one_backend  # a file not there yet (PostgreSQL: tests/labops/test_postgres.py)
def test_commands_on_an_empty_database_say_what_to_do(cli) -> None:
    result = cli("list", "sites")  # no database yet: only init, load and demo create one
    assert result.code != 0
    assert "create one with 'labops init', 'labops load FILE' or 'labops demo'" in result.err
    assert cli("init").code == 0
    result = cli("list", "sites")
    assert result.code != 0
    assert "holds no platform yet" in result.err


def test_export_to_a_missing_folder_fails_cleanly(operator, tmp_path: Path) -> None:
    result = operator("export", str(tmp_path / "no" / "such" / "dir.toml"))
    assert result.code != 0
    assert "does not exist" in result.err


def test_export_writes_what_load_reads(operator, loaded, tmp_path: Path) -> None:
    out = tmp_path / "out.toml"
    assert operator("export", str(out)).code == 0
    other = tmp_path / "other.db"
    assert loaded("load", str(out), db=other).code == 0
    assert operator("export", "-", db=other).out == out.read_text()


@pytest.mark.parametrize("who", [(), ("--as", "ada"), ("--as", "cleo")])
def test_only_operators_export_the_platform(loaded, tmp_path: Path, who) -> None:
    # The file holds every booking with its people and every budget: a lead or a member
    # may not take it, and nobody anonymously.
    out = tmp_path / "out.toml"
    result = loaded(*who, "export", str(out))
    assert result.code != 0 and not out.exists()
    assert len(result.err.strip().splitlines()) == 1


def test_schema_is_json_schema_of_the_file(cli) -> None:
    schema = json.loads(cli("schema", db=None).out)
    assert schema["title"] == "PlatformFile"
    assert {"platform", "equipment", "requests", "bookings"} <= set(schema["properties"])


def test_database_from_environment(cli, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("LABOPS_DB", str(path))
    assert cli("load", TINY, db=None).code == 0
    assert path.exists()


def test_private_records_need_an_identity(loaded) -> None:
    result = loaded("list", "bookings")
    assert result.code == 4
    assert "who is acting?" in result.err
    assert loaded("--as", "nobody", "list", "bookings").err.strip() == (
        "unknown person 'nobody': not in this platform's people"
    )


def test_others_see_bookings_as_busy_time_only(loaded) -> None:
    rows = json.loads(loaded("--as", "ben", "list", "bookings", "--json").out)
    # ben is not on request 2's booking and does not lead tandem: busy time only.
    assert [(r["task"], r["project"], r["people"]) for r in rows] == [("busy", "", "")]
    rows = json.loads(loaded("--as", "ada", "list", "bookings", "--json").out)
    assert [(r["task"], r["people"]) for r in rows] == [("ref", "dara")]  # ada leads tandem
    denied = loaded("--as", "ben", "show", "project", "tandem")
    assert denied.code == 4
    assert "cannot see the bookings and costs of project 'tandem'" in denied.err
    assert json.loads(loaded("--as", "ben", "list", "requests", "--json").out) == []


def test_the_request_template_must_be_filled_in_before_submitting(loaded, tmp_path) -> None:
    form = tmp_path / "req.toml"
    assert loaded("--as", "ada", "request", "new", "--project", "tandem", "-o", str(form)).code == 0
    untouched = loaded("--as", "ada", "request", "submit", str(form))
    assert untouched.code != 0 and "title: still 'What this lab time is for'" in untouched.err
    form.write_text(form.read_text().replace("What this lab time is for", "Reference samples"))
    submitted = loaded("--as", "ada", "request", "submit", str(form))
    assert submitted.code == 0, submitted.err


# --- reads without identity see the least; private fields need rights --------------------


@pytest.fixture
def private(cli, tmp_path: Path):
    """Tiny, with ada's e-mail address and a note on her leave."""
    text = (
        Path(TINY)
        .read_text()
        .replace('access = "lead"\n', 'access = "lead"\nemail = "ada@lab.example"\n', 1)
        .replace('kind = "leave" }', 'kind = "leave", note = "surgery" }', 1)
    )
    path = tmp_path / "private.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0
    return cli


def _person(cli, *who: str) -> dict:
    result = cli(*who, "show", "person", "ada", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_nobody_named_sees_bookings_as_busy_time_only(private) -> None:
    detail = json.loads(private("show", "equipment", "sem-1", "--json").out)
    (booking,) = detail["Bookings from now"]
    assert (booking["project"], booking["request"], booking["task"], booking["people"]) == (
        "", None, "busy", ""
    )  # fmt: skip
    detail = json.loads(private("show", "person", "dara", "--json").out)
    assert [b["task"] for b in detail["Assignments from now"]] == ["busy"]


def test_e_mail_and_absence_notes_need_rights(private) -> None:
    for who in ((), ("--as", "cleo"), ("--as", "ben")):
        detail = _person(private, *who)
        assert detail["fields"]["email"] is None, who
        assert [a["note"] for a in detail["Absences"]] == [""], who
        assert [a["kind"] for a in detail["Absences"]] == ["leave"]  # the time stays visible
    for who in (("--as", "ada"), ("--as", "dara"), ("--as", "eve")):  # herself, staff
        detail = _person(private, *who)
        assert detail["fields"]["email"] == "ada@lab.example", who
        assert [a["note"] for a in detail["Absences"]] == ["surgery"], who
    assert "ada@lab.example" not in private("show", "person", "ada").out


def test_filtering_by_a_project_one_may_not_read_is_refused(private) -> None:
    for what in ("bookings", "requests"):
        result = private("--as", "cleo", "list", what, "--project", "tandem")
        assert result.code == 4, result
        assert "cannot see the bookings and costs of project 'tandem'" in result.err
        assert private("--as", "ada", "list", what, "--project", "tandem").code == 0
        assert private("--as", "dara", "list", what, "--project", "tandem").code == 0


def test_version_is_the_installed_packages(cli) -> None:
    from importlib.metadata import version

    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"labops {version('labops')}"


def test_a_plan_from_the_past_says_it_plans_from_now(operator) -> None:
    result = operator("schedule", "--from", "2026-11-02 09:00", "--time-limit", "1")
    assert result.code == 0, result.err
    assert "--from 2026-11-02 09:00 is in the past: planning from now (Wed 25 Nov" in result.err


def test_a_listing_sent_to_a_pipe_keeps_each_row_on_one_line(loaded, monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    rows = json.loads(loaded("list", "equipment", "--json").out)
    text = loaded("list", "equipment").out
    lines = [line for line in text.splitlines() if line.startswith("│")]
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):
        assert row["id"] in line and row["name"] in line
