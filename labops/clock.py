"""The current time, fixed by ``$LABOPS_NOW`` for tests, demos and reproducible reports."""

from __future__ import annotations

import datetime as dt
import os

from labops.errors import InputError

ENV_NOW = "LABOPS_NOW"


def now() -> dt.datetime:
    """Aware UTC now, or the instant in ``$LABOPS_NOW`` (ISO 8601, with an offset)."""
    fixed = os.environ.get(ENV_NOW)
    if not fixed:
        return dt.datetime.now(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(fixed)
    except ValueError:
        raise InputError(f"{ENV_NOW}={fixed!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise InputError(f"{ENV_NOW}={fixed!r} needs an offset, like +00:00")
    return value.astimezone(dt.UTC)
