"""The report as JSON for scripts: what it covers, then each section as a list of rows.

Rows are ``{column key: figure}`` with the same rounded figures as every other format:
hours as hours, ``*_pct`` as percent, ``*_pt`` as percentage points, money in the
currency; ``null`` where a ratio has nothing to divide by.
"""

from __future__ import annotations

import json
from typing import Any

from labops.reports.model import WeeklyReport
from labops.reports.sections import about, sections


def report_json(report: WeeklyReport) -> dict[str, Any]:
    week = report.week
    return {
        "report": {
            **{label.replace(" ", "_"): text for label, text in about(report)},
            "week": week.label,
            "first_day": week.monday.isoformat(),
            "last_day": week.sunday.isoformat(),
            "site": report.site,
            "trend_weeks": list(report.trend_weeks),
            "notes": {s.key: s.note for s in sections(report) if s.note},
        },
        **{section.key: section.values() for section in sections(report)},
    }


def render_json(report: WeeklyReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
