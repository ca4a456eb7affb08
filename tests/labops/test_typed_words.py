"""What people type and read in one line: a time without its leading zero, counted nouns."""

from __future__ import annotations

import pytest

from labops.errors import InputError
from labops.timeinput import parse_instant
from labops.views import plural


def test_an_hour_without_its_leading_zero_is_the_same_time() -> None:
    tz = "Europe/Berlin"
    assert parse_instant("2026-12-09 9:00", tz, "--from") == parse_instant(
        "2026-12-09 09:00", tz, "--from"
    )
    assert parse_instant("2026-12-09T9:30", tz, "--from").minute == 30
    with pytest.raises(InputError, match="--from: '2026-12-09 9' is not a date or time"):
        parse_instant("2026-12-09 9", tz, "--from")


def test_counted_nouns_agree_with_their_count() -> None:
    assert [plural(n, "booking") for n in (0, 1, 2)] == ["0 bookings", "1 booking", "2 bookings"]
