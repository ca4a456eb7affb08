"""Times typed by people (CLI options, form fields), read in the platform's time zone."""

from __future__ import annotations

import datetime as dt
import re

from labops.db import Database
from labops.errors import InputError
from labops.fields import check_date_range
from labops.localtime import to_utc


def platform_timezone(db: Database) -> str:
    from labops.records.catalog import platform_info

    with db.read() as session:
        return platform_info(session).timezone


def typed_zone_note(db: Database) -> str:
    """What to tell a person whose times were just read, when a site keeps another time
    zone than the platform's ("" when none does)."""
    from labops.records.catalog import platform_info, zone_note

    with db.read() as session:
        return zone_note(session, platform_info(session).timezone)


_SHORT_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T])(\d)(:\d{2}.*)$")


def _two_digit_hour(text: str) -> str:
    """ "2026-12-09 9:00" as ISO 8601 wants it: "2026-12-09 09:00"."""
    return _SHORT_HOUR.sub(r"\g<1>0\2\3", text)


def parse_instant(text: str, tz: str, what: str, *, day_end: bool = False) -> dt.datetime:
    """An instant from "2026-12-01", "2026-12-01 09:30" or ISO 8601 with an offset. With
    ``day_end`` a bare date means the end of that day (an inclusive "--to 2026-12-04")."""
    try:
        value = dt.datetime.fromisoformat(_two_digit_hour(text.strip()))
        if day_end and len(text.strip()) == len("2026-12-01"):
            value += dt.timedelta(days=1)
    except ValueError:
        raise InputError(
            f"{what}: {text[:40]!r} is not a date or time like 2026-12-01 09:30"
        ) from None
    try:
        check_date_range(value)
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None
    return to_utc(value, tz)


def parse_local_instant(
    db: Database, text: str, what: str, *, day_end: bool = False
) -> dt.datetime:
    return parse_instant(text, platform_timezone(db), what, day_end=day_end)
