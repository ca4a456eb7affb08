"""Reports on the platform: computed as typed data (``weekly``), rendered by ``render_*``.

Faces (the CLI, the TUI) call ``weekly_report`` and pick a rendering; nothing here prints.
"""

from labops.reports.model import WeeklyReport
from labops.reports.output import Format, choose_format, render_text, write_report
from labops.reports.weekly import weekly_report

__all__ = [
    "Format",
    "WeeklyReport",
    "choose_format",
    "render_text",
    "weekly_report",
    "write_report",
]
