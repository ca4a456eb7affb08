"""Field types for the edges (fixture files, request forms, CLI options).

Each parses what a person writes ("1h30m", "08:00-12:00, 13:00-17:00", 85.50) into what
the tables store (minutes, time windows, cents), and formats it back the same way, so an
exported file reads like the one that was imported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from sqlmodel._compat import SQLModelConfig

from labops.controls import refuse_controls
from labops.vocabulary import WEEKDAYS

MAX_ID = 2**63 - 1
"""The largest record number the database can hold."""

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
"""An id people type: lower-case letters, digits, '.', '_' and '-', at most 64 characters."""

# Text people write: no control characters but tabs and newlines (labops.controls).
Text = Annotated[str, StringConstraints(max_length=2000), AfterValidator(refuse_controls)]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(refuse_controls)
]
Email = Annotated[str, StringConstraints(max_length=200), AfterValidator(refuse_controls)]
Login = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,62}$")]
"""An OS user name or a database role: letters, digits, '_', '.', '@' and '-'."""

Priority = Annotated[int, Field(ge=1, le=5)]
"""A project's priority: 1 (lowest) to 5 (highest)."""

MAX_MINUTES = 366 * 24 * 60
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")


def parse_minutes(value: Any) -> int:
    """Minutes from "2h", "90m", "1h30m", "1d" or a whole number of minutes."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of minutes or text like '1h30m'")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"duration {value} is not a whole number of minutes")
        minutes = int(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not value.strip() or not match or not any(match.groups()):
            raise ValueError(f"duration {value[:40]!r} is not like '45m', '2h' or '1h30m'")
        days, hours, mins = (int(group or 0) for group in match.groups())
        minutes = days * 1440 + hours * 60 + mins
    else:
        raise ValueError("a duration is a number of minutes or text like '1h30m'")
    if minutes < 0:
        raise ValueError("a duration must not be negative")
    if minutes > MAX_MINUTES:
        raise ValueError("a duration must be at most a year")
    return minutes


def format_minutes(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours}h{mins}m"
    return f"{hours}h" if hours else f"{mins}m"


Minutes = Annotated[
    int,
    BeforeValidator(parse_minutes),
    PlainSerializer(format_minutes),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d+d)?(\d+h)?(\d+m(in)?)?$"},
                {"type": "integer", "minimum": 0},
            ],
            "description": "a duration: minutes, or text like '45m', '2h', '1h30m'",
        }
    ),
]
"""A duration in minutes, written as "1h30m" in files."""

MAX_MONEY_CENTS = 10**14


def parse_cents(value: Any) -> int:
    """Cents from an amount of money (85, 85.5, "85.50"); never negative, NaN or absurd."""
    if isinstance(value, bool):
        raise ValueError("an amount of money is a number")
    try:
        amount = Decimal(str(value).strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{str(value)[:40]!r} is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError("an amount of money must be a finite number")
    if amount < 0:
        raise ValueError("an amount of money must not be negative")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} has more than two decimals")
    if cents > MAX_MONEY_CENTS:
        raise ValueError(f"{value} is too large an amount")
    return int(cents)


def format_cents(cents: int) -> float | int:
    return cents // 100 if cents % 100 == 0 else cents / 100


Money = Annotated[
    int,
    BeforeValidator(parse_cents),
    PlainSerializer(format_cents),
    WithJsonSchema({"type": "number", "minimum": 0, "description": "an amount of money"}),
]
"""Money in cents, written as a plain number of currency units in files."""


def format_money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def parse_timezone(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("a time zone is a name like 'Europe/Berlin'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value[:60]!r}") from None
    return value


TimeZoneName = Annotated[
    str,
    BeforeValidator(parse_timezone),
    WithJsonSchema({"type": "string", "description": "an IANA time zone like 'Europe/Berlin'"}),
]

Window = tuple[dt.time, dt.time]
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_windows(value: Any) -> list[Window]:
    """Time windows of a day from "08:00-12:00, 13:00-17:00"; "24:00" closes at midnight."""
    if not isinstance(value, str):
        raise ValueError("hours are text like '08:00-12:00, 13:00-17:00'")
    windows: list[Window] = []
    for part in value.split(","):
        match = _WINDOW.match(part)
        if not match:
            raise ValueError(f"{part.strip()[:40]!r} is not a window like '08:00-17:00'")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"{part.strip()!r} is not a time of day")
        start = dt.time(h1, m1)
        end = dt.time.max if h2 == 24 else dt.time(h2, m2)
        if end <= start:
            raise ValueError(f"window {part.strip()!r} ends before it starts")
        if windows and start < windows[-1][1]:
            raise ValueError(f"windows in {value!r} overlap or are out of order")
        windows.append((start, end))
    return windows


def format_windows(windows: list[Window]) -> str:
    def clock(t: dt.time) -> str:
        return "24:00" if t == dt.time.max else t.strftime("%H:%M")

    return ", ".join(f"{clock(start)}-{clock(end)}" for start, end in windows)


_DAYS = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(.+)$")


def parse_hours_text(value: Any) -> dict[str, list[Window]]:
    """Weekly hours from "mon-fri 08:00-18:00; sat 09:00-13:00" (a missing day is closed)."""
    if not isinstance(value, str):
        raise ValueError("hours are text like 'mon-fri 08:00-18:00; sat 09:00-13:00'")
    hours: dict[str, list[Window]] = {}
    for part in filter(str.strip, value.lower().split(";")):
        match = _DAYS.match(part)
        if not match or match.group(1) not in WEEKDAYS or (match.group(2) or "mon") not in WEEKDAYS:
            raise ValueError(f"{part.strip()[:40]!r} is not like 'mon-fri 08:00-18:00'")
        first = WEEKDAYS.index(match.group(1))
        last = WEEKDAYS.index(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"{part.strip()[:40]!r}: the days run backwards")
        windows = parse_windows(match.group(3))
        for day in WEEKDAYS[first : last + 1]:
            if day in hours:
                raise ValueError(f"{day} is given twice")
            hours[day] = windows
    return hours


def format_hours_text(hours: Mapping[int, list[Window]]) -> str:
    """The text form of weekly hours (weekday 0 = Monday), runs of equal days joined."""
    parts: list[tuple[int, int, str]] = []
    for weekday in sorted(hours):
        text = format_windows(hours[weekday])
        if parts and parts[-1][2] == text and parts[-1][1] == weekday - 1:
            parts[-1] = (parts[-1][0], weekday, text)
        else:
            parts.append((weekday, weekday, text))
    return "; ".join(
        f"{WEEKDAYS[a]}-{WEEKDAYS[b]} {text}" if a != b else f"{WEEKDAYS[a]} {text}"
        for a, b, text in parts
    )


def parse_week_hours(value: Any) -> dict[str, list[Window]]:
    """Opening or working hours per weekday: {mon = "08:00-18:00", ...}, or as one line
    (a form's "mon-fri 08:00-18:00; sat 09:00-13:00"); a missing day is closed."""
    if isinstance(value, str):
        return parse_hours_text(value)
    if not isinstance(value, dict):
        raise ValueError("hours are a table like { mon = '08:00-17:00', tue = ... }")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekday {sorted(unknown)[0]!r}: use {', '.join(WEEKDAYS)}")
    return {day: parse_windows(value[day]) for day in WEEKDAYS if day in value}


def format_week_hours(hours: dict[str, list[Window]]) -> dict[str, str]:
    return {day: format_windows(hours[day]) for day in WEEKDAYS if hours.get(day)}


WeekHours = Annotated[
    dict[str, list[Window]],
    BeforeValidator(parse_week_hours),
    PlainSerializer(format_week_hours),
    WithJsonSchema(
        {
            "type": "object",
            "properties": {
                day: {"type": "string", "description": "like '08:00-12:00, 13:00-17:00'"}
                for day in WEEKDAYS
            },
            "additionalProperties": False,
            "description": "hours per weekday, local time; a missing day is closed",
        }
    ),
]

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)


def check_date_range(value: dt.date | dt.datetime) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the years {MIN_DATE.year}-{MAX_DATE.year}"
        )


# --- what the platform file and forms share --------------------------------------------


def _in_range(value: Any) -> Any:
    check_date_range(value)
    return value


def _reject_date_only(value: Any) -> Any:
    # TOML dates are datetime.date; a datetime field given a bare date would silently
    # mean midnight, which is rarely what a person meant for a start or an end.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} needs a time of day, like {value.isoformat()}T09:00")
    if isinstance(value, bool | int | float):  # pydantic would read a number as Unix time
        raise ValueError("a time is written like 2026-12-01T09:00:00, not as a number")
    return value


def ordered(first: dt.datetime, second: dt.datetime) -> bool:
    """Whether ``first`` is before ``second``; refuses to mix times with and without an
    offset, whose order depends on a time zone not known here."""
    if (first.tzinfo is None) != (second.tzinfo is None):
        raise ValueError("give both times with an offset, or neither")
    return first < second


Instant = Annotated[dt.datetime, BeforeValidator(_reject_date_only), AfterValidator(_in_range)]
Day = Annotated[dt.date, AfterValidator(_in_range)]
Count = Annotated[int, Field(ge=1, le=10_000)]
WeeklyHours = Annotated[float, Field(ge=0, le=80, allow_inf_nan=False)]
"""The hours a person works in a week."""
Level = Annotated[int, Field(ge=1, le=3)]


# A SQLModelConfig (a ConfigDict with SQLModel's table keys, a plain dict at run time) so that
# mypy accepts it on SQLModel classes too; SQLModel exports the type only from _compat.
ENTRY = SQLModelConfig(extra="forbid", str_strip_whitespace=True, frozen=True)
"""How an entry of the platform file or a form is read: every field known, text trimmed."""


class Entry(BaseModel):
    model_config = ENTRY
