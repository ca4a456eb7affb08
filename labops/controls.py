"""Control characters in people's text: refused where text comes in, made harmless where it
is shown.

A terminal obeys escape sequences wherever they appear, so a request title holding
``ESC ]52;c;...`` could write to an operator's clipboard, retitle the window or hide what
follows. Text people type may hold tabs and newlines, nothing else below the space: not the
C0 controls, DEL or the C1 controls (U+0080-U+009F, which some terminals also obey).
"""

from __future__ import annotations

import re

from labops.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def refuse_controls(text: str) -> str:
    """``text`` unchanged, or ValueError naming the first control character."""
    found = _CONTROL.search(text)
    if found:
        raise ValueError(
            f"holds the control character {_visible(found)} (only tabs and newlines are allowed)"
        )
    return text


def check_text(text: str, what: str) -> str:
    """``text`` unchanged, or InputError naming the field (for CLI options, dialog fields)."""
    try:
        return refuse_controls(text)
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None


def printable(text: str) -> str:
    """``text`` with each control character shown as ``\\xNN`` instead of obeyed."""
    return _CONTROL.sub(_visible, text) if _CONTROL.search(text) else text


def stripped(text: str) -> str:
    """``text`` without its control characters (where the width is already laid out)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"
