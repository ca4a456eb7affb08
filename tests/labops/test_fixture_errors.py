"""A bad platform file: every problem in one run, each in plain words."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from labops.errors import FixtureError
from labops.platform.read import parse_platform_document
from tests.conftest import FIXTURES
from tests.labops.test_fixture_io import db_digest

TINY = FIXTURES / "tiny.toml"


def tiny() -> dict[str, Any]:
    return tomllib.loads(TINY.read_text())


def entry(document: dict[str, Any], section: str, key: object, field: str = "id") -> dict:
    return next(item for item in document[section] if item[field] == key)


def problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(FixtureError) as caught:
        parse_platform_document(document, source="x.toml")
    lines = caught.value.problems
    assert all(line.startswith("x.toml: ") for line in lines)
    return [line.removeprefix("x.toml: ") for line in lines]


def test_a_file_with_several_problems_reports_all_of_them_in_one_run(
    cli, db_path: Path, tmp_path: Path
) -> None:
    text = TINY.read_text()
    edits = [
        # Problems of single entries.
        ("capacity = 6\nhourly_rate = 8.5", 'capacity = "six"\nhourly_rate = "five"'),
        ("weekly_hours = 32\n", 'weekly_hours = "lots"\n'),
        ("certifications = { sem = 2027-06-30 }", 'certifications = { sem = "next june" }'),
        ("kind = \"sem\"\nhourly_rate = 120", 'kind = "sem"\nhourly_rate = 120\ncolour = "red"'),
        ('platform_staff = true\n', 'platform_staff = "maybe"\n'),
        # Problems between entries.
        ('id = "sputter-1"\nname = "Magnetron sputter coater"\nsite = "pilot"',
         'id = "sputter-1"\nname = "Magnetron sputter coater"\nsite = "nowhere-lab"'),
        ('[[kinds]]\nid = "sputter"',
         '[[kinds]]\nid = "sem"\nname = "again"\n\n[[kinds]]\nid = "sputter"'),
        ('requester = "ada"\ntitle = "Reference', 'requester = "zoe"\ntitle = "Reference'),
    ]  # fmt: skip
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    assert cli("init").code == 0
    before = db_digest(db_path)

    result = cli("load", str(bad))

    assert result.code != 0
    assert db_digest(db_path) == before
    assert result.err.splitlines() == [
        f"{bad}: equipment 'sem-1': colour: unknown field",
        f"{bad}: equipment 'hoods': capacity: 'six' is not a whole number",
        f"{bad}: equipment 'hoods': hourly_rate: 'five' is not an amount of money",
        f"{bad}: person 'ada': weekly_hours: 'lots' is not a number",
        f"{bad}: person 'ada': certifications.sem: 'next june' is not a date"
        " (written like 2026-12-24)",
        f"{bad}: person 'dara': platform_staff: 'maybe' is not true or false",
        f"{bad}: kind 'sem': defined 2 times",
        f"{bad}: equipment 'sputter-1': site 'nowhere-lab' does not exist",
        # True of the file as written: the only sputter coater is not at 'pilot'.
        f"{bad}: request 1: task 'coat': no unit of kind 'sputter' at site 'pilot'",
        f"{bad}: request 2: requester 'zoe' does not exist",
    ]
    # The entries with problems of their own (sem-1, hoods, ada, dara) are referred to
    # elsewhere; those references are not reported as unknown.


def test_a_duplicate_of_an_entry_with_problems_is_still_found() -> None:
    document = tiny()
    entry(document, "equipment", "hoods")["hourly_rate"] = "five"
    entry(document, "equipment", "sputter-1")["id"] = "hoods"
    assert problems(document) == [
        "equipment 'hoods': hourly_rate: 'five' is not an amount of money",
        "equipment 'hoods': defined 2 times",
    ]


def test_a_problem_in_a_downtime_leaves_its_unit_checked() -> None:
    document = tiny()
    sem = entry(document, "equipment", "sem-1")
    sem["downtime"][0]["start"] = "monday"
    sem["site"] = "bio-lab"
    assert problems(document) == [
        "equipment 'sem-1': downtime #1: start: 'monday' is not a date and time"
        " (written like 2026-12-01T09:00:00)",
        "equipment 'sem-1': site 'bio-lab' does not exist",
    ]


def test_entries_referring_to_a_request_with_problems_are_not_blamed() -> None:
    document = tiny()
    entry(document, "requests", 2)["tasks"][0]["duration"] = "soon"
    entry(document, "requests", 2)["project"] = "nowhere"  # not checked: the request is out
    entry(document, "bookings", 2, "request")["people"] = ["zoe"]  # nor its booking
    assert problems(document) == [
        "request 2: task 'ref': duration: duration 'soon' is not like '45m', '2h' or '1h30m'"
    ]


def test_a_fund_pool_with_a_bad_kind_does_not_make_its_kind_missing() -> None:
    document = tiny()
    entry(document, "fund_pools", "venture")["kind"] = "ventures"
    lines = problems(document)
    assert len(lines) == 1
    assert lines[0].startswith("fund pool 'venture': kind: unknown value 'ventures'")


def test_a_section_that_is_not_a_list_silences_references_to_it() -> None:
    document = tiny()
    document["equipment"] = "sem-1"
    assert problems(document) == ["equipment: 'sem-1' is not a list (written like [...])"]


def test_a_problem_outside_the_entries_still_checks_the_entries() -> None:
    document = tiny()
    document["platform"]["timezone"] = "Mars/Olympus"
    entry(document, "people", "cleo")["home_site"] = "moon-base"
    assert problems(document) == [
        "platform.timezone: unknown time zone 'Mars/Olympus'",
        "person 'cleo': home_site 'moon-base' does not exist",
    ]


PLAIN_MESSAGES = {
    "integer": (
        ("equipment", "hoods", "capacity", "six"),
        "equipment 'hoods': capacity: 'six' is not a whole number",
    ),
    "integer with a fraction": (
        ("equipment", "hoods", "capacity", 2.5),
        "equipment 'hoods': capacity: 2.5 is not a whole number",
    ),
    "integer out of range": (
        ("equipment", "hoods", "capacity", 0),
        "equipment 'hoods': capacity: must be at least 1, not 0",
    ),
    "number": (
        ("people", "cleo", "weekly_hours", "half"),
        "person 'cleo': weekly_hours: 'half' is not a number",
    ),
    "boolean": (
        ("equipment", "sem-1", "certified_operator", "maybe"),
        "equipment 'sem-1': certified_operator: 'maybe' is not true or false",
    ),
    "date": (
        ("people", "ada", "certifications", {"sem": "next june"}),
        "person 'ada': certifications.sem: 'next june' is not a date (written like 2026-12-24)",
    ),
    "date and time": (
        ("requests", 1, "submitted", "yesterday"),
        "request 1: submitted: 'yesterday' is not a date and time"
        " (written like 2026-12-01T09:00:00)",
    ),
    "text": (
        ("equipment", "sem-1", "name", 42),
        "equipment 'sem-1': name: 42 is not text (text goes in quotes)",
    ),
    "unknown field": (
        ("people", "ben", "colour", "red"),
        "person 'ben': colour: unknown field",
    ),
}


@pytest.mark.parametrize("case", sorted(PLAIN_MESSAGES))
def test_plain_messages_for_common_types(case: str) -> None:
    (section, key, field, value), expected = PLAIN_MESSAGES[case]
    document = tiny()
    entry(document, section, key)[field] = value
    assert problems(document) == [expected]


def test_a_missing_field_is_named() -> None:
    document = tiny()
    del entry(document, "people", "eve")["role"]
    assert problems(document) == ["person 'eve': role: is required"]


def test_raw_pydantic_wording_does_not_reach_the_person() -> None:
    document = tiny()
    hoods = entry(document, "equipment", "hoods")
    hoods.update(capacity="x", setup=[1], unattended=2.5, notes=5)
    entry(document, "people", "ada")["certifications"] = {"sem": 2027}
    entry(document, "requests", 1)["tasks"] = []
    lines = problems(document)
    assert lines
    assert not [line for line in lines if "Input should" in line or "valid " in line], lines


def test_locked_bookings_that_cannot_all_hold_are_refused_one_line_per_clash() -> None:
    import datetime as dt

    document = tiny()
    entry(document, "requests", 1)["status"] = "scheduled"
    (ref,) = document["bookings"]
    ref["status"] = "locked"  # sem-1 and dara, Mon 30 Nov 09:00-10:30
    coat = {"request": 1, "task": "coat", "units": ["sputter-1"], "people": ["ben"],
            "start": dt.datetime(2026, 11, 30, 7, 0), "end": dt.datetime(2026, 11, 30, 13, 0),
            "status": "locked"}  # fmt: skip
    image = {"request": 1, "task": "image", "units": ["sem-1", "hoods"],
             "people": ["dara", "cleo"], "start": dt.datetime(2026, 11, 30, 10, 30),
             "end": dt.datetime(2026, 11, 30, 12, 30), "status": "locked"}  # fmt: skip
    document["bookings"] += [coat, image]
    # sem-1's cleanup after ref (15 min) and setup before image (15 min) overlap; dara is
    # free again at 10:30, when image starts.
    assert problems(document) == [
        "booking 1/image: locked, and so is booking 2/ref: both hold unit 'sem-1' at "
        "2026-11-30 10:15"
    ]
    image["start"], image["end"] = (
        dt.datetime(2026, 11, 30, 10, 0),
        dt.datetime(2026, 11, 30, 12, 0),
    )
    assert problems(document) == [
        "booking 1/image: locked, and so is booking 2/ref: both hold unit 'sem-1' at "
        "2026-11-30 09:45",
        "booking 1/image: locked, and so is booking 2/ref: both hold person 'dara' at "
        "2026-11-30 10:00",
    ]
    # Confirmed, not locked, the same bookings load: a plan may move one of them.
    image["status"] = "confirmed"
    parse_platform_document(document, source="x.toml")
