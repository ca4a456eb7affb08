"""How figures are rounded and written: the one place every rendering goes through.

``value`` gives the rounded number that CSV and JSON carry; ``text`` gives what a person
reads (terminal, Markdown, HTML), made from that same rounded number, so every format shows
the same figures.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Unit(StrEnum):
    """What a column holds, which decides its rounding and its look."""

    TEXT = "text"
    COUNT = "count"
    HOURS = "hours"  # float hours, 2 decimals
    HOURS_CHANGE = "hours change"  # signed hours
    PERCENT = "percent"  # a ratio (1.0 = 100 %), shown as a percentage with 1 decimal
    POINTS = "points"  # a difference of two ratios, in percentage points
    MONEY = "money"  # cents, shown in the currency with 2 decimals
    FLAG = "flag"  # a bool


HOURS_DECIMALS = 2
PERCENT_DECIMALS = 1
NUMERIC = {Unit.COUNT, Unit.HOURS, Unit.HOURS_CHANGE, Unit.PERCENT, Unit.POINTS, Unit.MONEY}


def value(unit: Unit, raw: Any) -> Any:
    """The figure as CSV and JSON carry it: rounded; None where a number has none (a ratio
    of nothing), "" where a text has none (a request without a due date)."""
    if raw is None:
        return None if unit in NUMERIC else ""
    if unit in (Unit.HOURS, Unit.HOURS_CHANGE):
        return _clean(round(raw, HOURS_DECIMALS))
    if unit in (Unit.PERCENT, Unit.POINTS):
        return _clean(round(raw * 100, PERCENT_DECIMALS))
    if unit is Unit.MONEY:
        return _clean(round(raw / 100, 2))
    if unit is Unit.COUNT:
        return int(raw)
    if unit is Unit.FLAG:
        return bool(raw)
    return str(raw)


def text(unit: Unit, raw: Any) -> str:
    """The figure as a person reads it; "-" where there is none (a ratio of nothing)."""
    shown = value(unit, raw)
    if shown is None:
        return "-"
    if unit is Unit.HOURS:
        return f"{shown:,.{HOURS_DECIMALS}f}"
    if unit is Unit.HOURS_CHANGE:
        return f"{shown:+,.{HOURS_DECIMALS}f}"
    if unit is Unit.PERCENT:
        return f"{shown:,.{PERCENT_DECIMALS}f}%"
    if unit is Unit.POINTS:
        return f"{shown:+,.{PERCENT_DECIMALS}f} pt"
    if unit is Unit.MONEY:
        return f"{shown:,.2f}"
    if unit is Unit.COUNT:
        return f"{shown:,d}"
    if unit is Unit.FLAG:
        return "yes" if shown else "no"
    return shown


def parse_text(unit: Unit, shown: str) -> Any:
    """Read back what ``text`` wrote (for checking renderings against the data)."""
    shown = shown.strip()
    if unit is Unit.FLAG:
        return shown == "yes"
    if unit not in NUMERIC:
        return shown
    if shown in ("-", ""):
        return None
    number = shown.removesuffix(" pt").removesuffix("%").replace(",", "")
    return int(number) if unit is Unit.COUNT else float(number)


def _clean(number: float) -> float:
    return 0.0 if number == 0 else number  # no "-0.00"
