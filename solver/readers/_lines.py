"""Shared line handling for the benchmark readers: errors that name file and line."""

from __future__ import annotations

from pathlib import Path


class ReaderError(ValueError):
    """A malformed benchmark file; the message is one line naming file and line."""


class Lines:
    """The lines of a text file, with errors that point at a line number (1-based)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise ReaderError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        self.lines = text.splitlines()

    def error(self, index: int | None, message: str) -> ReaderError:
        """An error at line ``index`` (0-based), or about the whole file when None."""
        where = f"{self.path}" if index is None else f"{self.path}:{index + 1}"
        return ReaderError(f"{where}: {message}")

    def find(self, start: int, *markers: str) -> int:
        """The index of the first line at or after ``start`` containing one of ``markers``."""
        for index in range(start, len(self.lines)):
            upper = self.lines[index].upper()
            if any(marker in upper for marker in markers):
                return index
        raise self.error(None, f"missing section {markers[0]!r}")

    def ints(self, index: int, tokens: list[str] | None = None) -> list[int]:
        """The whitespace-separated integers of line ``index``."""
        words = self.lines[index].split() if tokens is None else tokens
        try:
            return [int(word) for word in words]
        except ValueError:
            raise self.error(
                index, f"expected integers, got {self.lines[index].strip()!r}"
            ) from None


def is_rule(line: str) -> bool:
    """True for the ``*****`` / ``=====`` lines that close a section."""
    stripped = line.strip()
    return len(stripped) >= 3 and set(stripped) <= {"*", "="}
