"""The last guard against terminal escape injection: every line the app draws loses any
control character left in its text.

Cells and details already show control characters as ``\\xNN`` (tui.text.plain); this
catches text drawn any other way (labels, titles, messages). Control characters take no
width on screen, so dropping them leaves the layout as it was.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from labops.controls import has_controls, stripped


class NoControlCodes(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(has_controls(segment.text) for segment in segments):
            return segments
        return [
            segment
            if segment.control
            else Segment(stripped(segment.text), segment.style, segment.control)
            for segment in segments
        ]
