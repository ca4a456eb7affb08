"""Writing files people asked for (exports, reports, calendars) without leaving half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from labops.errors import InputError


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``path`` so that a crash leaves either the old file or the new one, never half."""
    path = path.expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a directory")
    if not path.parent.exists():
        raise InputError(f"folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
