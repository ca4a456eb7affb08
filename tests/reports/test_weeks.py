"""ISO weeks: parsing, local bounds across daylight saving, the default week."""

from __future__ import annotations

import datetime as dt

import pytest

from labops.errors import InputError
from labops.reports.weeks import last_full_week, parse_week, weeks_ending

BERLIN = "Europe/Berlin"


def test_a_week_runs_from_local_monday_to_local_monday() -> None:
    week = parse_week("2026-W47", BERLIN)
    assert week.label == "2026-W47"
    assert (week.monday, week.sunday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    # Berlin is UTC+1 in November.
    assert week.start == dt.datetime(2026, 11, 15, 23, 0, tzinfo=dt.UTC)
    assert week.end == dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC)


def test_the_week_of_the_autumn_switch_has_169_hours() -> None:
    # Clocks go back on Sunday 25 October 2026: Monday opens at UTC+2, the next at UTC+1.
    week = parse_week("2026-W43", BERLIN)
    assert week.start == dt.datetime(2026, 10, 18, 22, 0, tzinfo=dt.UTC)
    assert week.end - week.start == dt.timedelta(hours=169)


def test_week_53_exists_only_in_long_years() -> None:
    assert parse_week("2026-W53", BERLIN).monday == dt.date(2026, 12, 28)
    with pytest.raises(InputError, match=r"^--week 2025-W53: not an ISO week$"):
        parse_week("2025-W53", BERLIN)


@pytest.mark.parametrize("text", ["2026-W54", "2026-W00"])
def test_weeks_out_of_range_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(InputError) as error:
        parse_week(text, BERLIN)
    assert str(error.value) == f"--week {text}: not an ISO week"


def test_text_that_is_no_week_says_how_to_write_one() -> None:
    with pytest.raises(InputError, match=r"^--week last: not an ISO week \(write it like"):
        parse_week("last", BERLIN)


def test_the_default_is_the_last_full_week() -> None:
    # Wednesday 25 November: the week before, 16-22 November.
    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert last_full_week(now, BERLIN).label == "2026-W47"
    # Monday 00:30 local time: the week that ended half an hour ago is full.
    monday = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert last_full_week(monday, BERLIN).label == "2026-W47"


def test_weeks_ending_counts_back_across_the_new_year() -> None:
    weeks = weeks_ending(parse_week("2027-W02", BERLIN), 4, BERLIN)
    assert [w.label for w in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
