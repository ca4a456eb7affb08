"""Record ids on the command line: checked by a callback rather than typer's min/max, whose
help read `REQUEST <int range> [1<=x<=9223372036854775807]`."""

from __future__ import annotations

import typer

from labops.fields import MAX_ID


def check_ids(value: int | list[int]) -> int | list[int]:
    """Refuse an id outside 1..MAX_ID in one line, before any is looked up."""
    for one in value if isinstance(value, list) else [value]:
        if not 1 <= one <= MAX_ID:
            raise typer.BadParameter(f"{one} is not an id (ids are whole numbers from 1)")
    return value
