"""How times and values read on screen. Text built here is never parsed as markup, and
shows control characters as ``\\xNN`` instead of sending them to the terminal."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from labops.controls import printable


def plain(value: Any) -> Text:
    """A cell or label from any value; user text stays text."""
    if value is None:
        return Text("")
    if value is True:
        return Text("yes")
    if value is False:
        return Text("")
    return Text(printable(str(value)))


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def rendered(renderable: RenderableType, width: int) -> Text:
    """``renderable`` laid out once at ``width``, as styled text. A long report drawn as text
    costs Textual little on each refresh, where its tables would be laid out anew each time
    (seconds for the report of a large platform)."""
    console = Console(
        width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    return Text("\n").join(
        Text.assemble(
            *((segment.text, segment.style or "") for segment in line if not segment.control)
        )
        for line in lines
    )
