"""Ids on the command line: help without typer's integer range, and an id out of range
refused in one line before the database is read."""

from __future__ import annotations

import pytest


def test_help_shows_an_id_not_an_integer_range(cli) -> None:
    result = cli("booking", "add", "--help", db=None)
    assert result.code == 0
    assert "9223372036854775807" not in result.out and "int range" not in result.out
    assert "The request's id." in result.out


@pytest.mark.parametrize("bad", ["0", "99999999999999999999"])
def test_an_id_out_of_range_is_one_line(cli, bad) -> None:
    result = cli("--as", "dara", "booking", "lock", "1", bad)
    assert result.code == 2
    assert f"{bad} is not an id (ids are whole numbers from 1)" in result.err
