"""Writing files people asked for (exports, reports, calendars) without leaving half a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from labops.errors import InputError


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``path`` so that a crash leaves either the old file or the new one, never half."""
    path = path.expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a directory")
    if not path.parent.exists():
        raise InputError(f"folder {path.parent} does not exist")
    # A plain exclusive open, not mkstemp: the file gets the mode the user's umask gives
    # (mkstemp's are private to the owner).
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}"
    try:
        with open(tmp, "xb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
