"""A list filter that does not apply to what is listed is refused, not ignored (ignoring
it listed every record as if each had matched)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def dara(cli):
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    return lambda *args: cli("--as", "dara", *args)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("requests", "--person", "nobody"), "--person does not filter requests, only bookings"),
        (("sites", "--kind", "sem"), "--kind does not filter sites, only equipment"),
        (
            ("bookings", "--requester", "ada"),
            "--requester does not filter bookings, only requests",
        ),
    ],
)
def test_a_filter_of_another_kind_is_refused(dara, args, line) -> None:
    result = dara("list", *args)
    assert result.code == 1
    assert result.err.strip() == line
    assert result.out == ""


def test_filters_of_the_kind_still_filter(dara) -> None:
    result = dara("list", "bookings", "--person", "dara", "--status", "confirmed", "--json")
    assert result.code == 0, result.err
    assert [row["id"] for row in json.loads(result.out)] == [1]
