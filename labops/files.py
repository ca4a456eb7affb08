"""Writing files people asked for (exports, reports, calendars) without leaving half a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from labops.errors import InputError, StorageError


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, or InputError if it holds more than ``limit``. Reads at most
    ``limit + 1`` bytes: a device or a pipe has no size to check beforehand."""
    try:
        with open(path.expanduser(), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} kB"
        raise InputError(f"{path}: larger than {size}, more than labops reads")
    return data


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
    except OSError as exc:  # a folder we may not write, a full disk
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
