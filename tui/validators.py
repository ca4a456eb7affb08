"""Field checks for form inputs, using labops' own parsers so a form says what a file would."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from textual.validation import ValidationResult, Validator

from labops.fields import SLUG_PATTERN, check_date_range, parse_cents, parse_minutes

LOCAL_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_local_time(text: str) -> dt.datetime:
    """A wall-clock time from "2026-12-01 09:30" (or a day, meaning its start)."""
    for fmt in LOCAL_TIME_FORMATS:
        try:
            value = dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        check_date_range(value)
        return value
    raise ValueError(f"{text.strip()[:30]!r} is not a time like 2026-12-01 09:30")


def parse_day(text: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()[:30]!r} is not a day like 2026-12-31") from None
    check_date_range(value)
    return value


def _slug(text: str) -> str:
    if not re.match(SLUG_PATTERN, text.strip()):
        raise ValueError("use lower-case letters, digits, '.', '_' or '-' (at most 64)")
    return text.strip()


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"{text.strip()[:20]!r} is not a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise ValueError(f"{text.strip()[:20]!r} is not a number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}")
        return value

    return parse


class Parses(Validator):
    """Valid when ``parse`` accepts the text; its ValueError is the message shown."""

    def __init__(self, parse: Callable[[str], Any], *, required: bool = False) -> None:
        super().__init__()
        self.parse = parse
        self.required = required

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("is required") if self.required else self.success()
        try:
            self.parse(value)
        except ValueError as exc:
            return self.failure(str(exc).removeprefix("Value error, "))
        return self.success()


class Required(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure("is required")


def duration(required: bool = True) -> Parses:
    return Parses(parse_minutes, required=required)


def slug(required: bool = True) -> Parses:
    return Parses(_slug, required=required)


def local_time(required: bool = False) -> Parses:
    return Parses(parse_local_time, required=required)


def day(required: bool = True) -> Parses:
    return Parses(parse_day, required=required)


def money(required: bool = False) -> Parses:
    return Parses(parse_cents, required=required)


def whole(low: int, high: int, required: bool = False) -> Parses:
    return Parses(_whole(low, high), required=required)


def number(low: float, high: float, required: bool = False) -> Parses:
    return Parses(_number(low, high), required=required)
