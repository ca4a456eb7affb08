"""Reading a platform file: TOML syntax, each entry's fields, then the entries together.

Every problem becomes one line ``FILE: ENTRY: FIELD: what is wrong``; a file with problems
raises ``FixtureError`` carrying all of them: the problems of single entries first, then
those between the entries that parse (see ``labops.platform.partial``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from labops.errors import FixtureError, InputError
from labops.files import read_limited
from labops.platform.checks import check_platform
from labops.platform.file_schema import PlatformFile
from labops.platform.partial import read_what_parses

MAX_FILE_BYTES = 50 * 1024 * 1024

# Section of the file -> how one of its entries is named in messages, and its id field.
_ENTRY_NAMES = {
    "kinds": ("kind", "id"),
    "sites": ("site", "id"),
    "travel": ("travel", "between"),
    "equipment": ("equipment", "id"),
    "people": ("person", "id"),
    "fund_pools": ("fund pool", "id"),
    "projects": ("project", "id"),
    "requests": ("request", "id"),
    "tasks": ("task", "key"),
    "bookings": ("booking", "task"),
    "downtime": ("downtime", None),
    "absences": ("absence", None),
    "closures": ("closure", None),
    "staff": ("staff need", None),
    "after": ("after", None),
}


def read_platform_file(path: Path | str) -> PlatformFile:
    path = Path(path)
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except InputError as exc:
        raise FixtureError([str(exc)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FixtureError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    return parse_platform_text(text, source=str(path))


def parse_platform_text(text: str, *, source: str = "<text>") -> PlatformFile:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FixtureError([f"{source}: not valid TOML: {exc}"]) from None
    return parse_platform_document(document, source=source)


def parse_platform_document(document: dict[str, Any], *, source: str) -> PlatformFile:
    try:
        data = PlatformFile.model_validate(document)
    except ValidationError as exc:
        problems = [describe_error(document, error) for error in exc.errors()]
        # The entries that parse are still checked together, so one run lists everything.
        partial, unread = read_what_parses(document)
        problems += check_platform(partial, unread)
        raise FixtureError([f"{source}: {problem}" for problem in problems]) from None
    problems = check_platform(data)
    if problems:
        raise FixtureError([f"{source}: {problem}" for problem in problems])
    return data


def describe_error(document: Any, error: Mapping[str, Any]) -> str:
    """``equipment 'sem-2': capacity: Input should be ...`` from a pydantic error."""
    parts: list[str] = []
    node = document
    section = None
    fields: list[str] = []
    for step in error["loc"]:
        if isinstance(step, int) and isinstance(node, list):
            item = node[step] if step < len(node) else None
            parts.append(_entry_label(section, step, item))
            fields = []
            node = item
        elif isinstance(step, str):
            section = step
            fields.append(step)
            node = node.get(step) if isinstance(node, dict) else None
        # Other steps (validator names of unions, tagged tuples) say nothing to a person.
    if fields:
        parts.append(".".join(fields))
    return ": ".join([*parts, _message(error)]) if parts else _message(error)


def _entry_label(section: str | None, index: int, item: Any) -> str:
    what, id_field = _ENTRY_NAMES.get(section or "", (section or "entry", None))
    key = item.get(id_field) if isinstance(item, dict) and id_field else None
    if isinstance(key, str) and key:
        return f"{what} {key[:64]!r}"
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{what} {key}"
    if isinstance(key, list) and all(isinstance(k, str) for k in key):
        return f"{what} {'/'.join(k[:64] for k in key[:3])}"  # hostile ids stay short
    return f"{what} #{index + 1}"


_DAY = "is not a date (written like 2026-12-24)"
_INSTANT = "is not a date and time (written like 2026-12-01T09:00:00)"

# Pydantic error types -> a plain message; ``{given}`` is the value found, ``{ctx}`` keys
# are pydantic's details (limits, expected values).
_PLAIN = {
    "missing": "is required",
    "extra_forbidden": "unknown field",
    "enum": "unknown value {given} (expected {expected})",
    "literal_error": "unknown value {given} (expected {expected})",
    "string_pattern_mismatch": (
        "{given} is not a valid id (lower-case letters, digits, '.', '_', '-'; at most 64)"
    ),
    "int_type": "{given} is not a whole number",
    "int_parsing": "{given} is not a whole number",
    "int_from_float": "{given} is not a whole number",
    "float_type": "{given} is not a number",
    "float_parsing": "{given} is not a number",
    "finite_number": "must be a finite number",
    "bool_type": "{given} is not true or false",
    "bool_parsing": "{given} is not true or false",
    "date_type": f"{{given}} {_DAY}",
    "date_parsing": f"{{given}} {_DAY}",
    "date_from_datetime_parsing": f"{{given}} {_DAY}",
    "date_from_datetime_inexact": f"{{given}} {_DAY}",
    "datetime_type": f"{{given}} {_INSTANT}",
    "datetime_parsing": f"{{given}} {_INSTANT}",
    "datetime_from_date_parsing": f"{{given}} {_INSTANT}",
    "string_type": "{given} is not text (text goes in quotes)",
    "string_too_short": "must not be empty",
    "string_too_long": "is longer than {max_length} characters",
    "list_type": "{given} is not a list (written like [...])",
    "tuple_type": "{given} is not a list (written like [...])",
    "dict_type": "{given} is not a table (written like {{ key = value }})",
    "model_type": "{given} is not a table (written like {{ key = value }})",
    "too_short": "needs at least {min_length} entries, not {actual_length}",
    "too_long": "has more than {max_length} entries",
    "greater_than_equal": "must be at least {ge}, not {given}",
    "greater_than": "must be more than {gt}, not {given}",
    "less_than_equal": "must be at most {le}, not {given}",
    "less_than": "must be less than {lt}, not {given}",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    template = _PLAIN.get(kind)
    if kind == "too_short" and error.get("ctx", {}).get("min_length") == 1:
        template = "needs at least one entry"
    if template is not None:
        details = {key: _show(value, quote=False) for key, value in error.get("ctx", {}).items()}
        try:
            return template.format_map({**details, "given": _short(error.get("input"))})
        except (KeyError, IndexError, ValueError):
            pass  # pydantic left out a detail: its own words then
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _short(value: Any) -> str:
    return _show(value, quote=True)


def _show(value: Any, *, quote: bool) -> str:
    """A value as the file writes it, cut short: dates and times in ISO form, text quoted."""
    if isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str) and not quote:
        text = value
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + ("...'" if text.endswith("'") else "...")
