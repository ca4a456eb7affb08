"""The report as Markdown, for e-mail: a heading, what it covers, then one table per section."""

from __future__ import annotations

from labops.reports.figures import NUMERIC
from labops.reports.model import WeeklyReport
from labops.reports.sections import Section, about, sections


def render_markdown(report: WeeklyReport) -> str:
    lines = [f"# Weekly utilization report {report.week.label}", ""]
    lines += [f"- **{label}**: {_escape(text)}" for label, text in about(report)]
    summary, *tables = sections(report)
    lines += ["", *markdown_figures(summary)]
    for section in tables:
        lines += ["", *markdown_table(section)]
    return "\n".join(lines) + "\n"


def markdown_table(section: Section) -> list[str]:
    """A section as a heading, its note, and a pipe table (numbers right-aligned)."""
    lines = [f"## {section.title}", ""]
    if section.note:
        lines += [f"_{_escape(section.note)}_", ""]
    if not section.rows:
        return [*lines, "None."]
    lines.append("| " + " | ".join(_escape(c.title) for c in section.columns) + " |")
    lines.append(
        "|" + "|".join("---:" if c.unit in NUMERIC else "---" for c in section.columns) + "|"
    )
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in section.texts()]
    return lines


def markdown_figures(section: Section) -> list[str]:
    """A one-row section as a heading and a two-column table, a figure a line."""
    (cells,) = section.texts()
    lines = [f"## {section.title}", "", "| Figure | Value |", "|---|---:|"]
    lines += [
        f"| {_escape(column.title)} | {_escape(cell)} |"
        for column, cell in zip(section.columns, cells, strict=True)
    ]
    return lines


# A pipe would end the cell, a newline the row; asterisks, underscores and backticks would
# style it; brackets would make links or images (``[x](javascript:...)``), angle brackets
# HTML (``<script>``, ``<img onerror>``) or autolinks, ampersands entities.
_MARKDOWN = str.maketrans(
    {
        **{c: "\\" + c for c in "\\|*_`[]"},
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "\n": " ",
        "\r": " ",
    }
)


def _escape(text: str) -> str:
    return text.translate(_MARKDOWN)
