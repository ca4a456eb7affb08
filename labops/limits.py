"""Bounds on what people may ask labops to take in or to do, so that no file, form or
option can make it run out of memory or run forever. Each refusal is one line."""

from __future__ import annotations

import datetime as dt
import math

from labops.errors import InputError

MAX_TIME_LIMIT = 86_400.0  # a solve may take at most a day
MAX_WORKERS = 64
# Bookings and task dates lie at most this far after now: a plan's time grid spans every
# live booking, so one in a far year would make the next solve build years of slots.
MAX_AHEAD = dt.timedelta(days=731)
MAX_FORM_BYTES = 1024 * 1024  # a request form (200 tasks take about 100 kB)


def check_time_limit(seconds: float, what: str = "--time-limit") -> float:
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIME_LIMIT):
        raise InputError(
            f"{what} {seconds}: give a number of seconds above 0 and at most {MAX_TIME_LIMIT:g}"
        )
    return seconds


def check_workers(workers: int, what: str = "--workers") -> int:
    if not 1 <= workers <= MAX_WORKERS:
        raise InputError(f"{what} {workers}: give between 1 and {MAX_WORKERS} workers")
    return workers


def too_far_ahead(instant: dt.datetime, now: dt.datetime) -> bool:
    return instant > now + MAX_AHEAD


def check_ahead(instant: dt.datetime, now: dt.datetime, what: str) -> None:
    if too_far_ahead(instant, now):
        raise InputError(
            f"{what} {instant.date().isoformat()} is more than two years ahead: "
            "labops plans at most two years ahead"
        )
