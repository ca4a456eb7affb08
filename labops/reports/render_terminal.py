"""The report for the terminal (rich): tables, with bars for utilization and a sparkline trend.

A screen is for a glance, so three long lists are shortened here (the other formats carry
them whole): people only if over- or underloaded; each unit's projects as its top three in
the units table instead of a table of their own; the first WAITING_SHOWN waiting requests.
"""

from __future__ import annotations

from dataclasses import replace

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from labops.reports.figures import NUMERIC, Unit, text
from labops.reports.model import WeeklyReport
from labops.reports.sections import Column, Section, about, sections

BAR_WIDTH = 12
WAITING_SHOWN = 25
TOP_PROJECTS = 3
_SPARKS = "▁▂▃▄▅▆▇█"


def render_terminal(report: WeeklyReport) -> RenderableType:
    """The whole report as one rich renderable."""
    parts: list[RenderableType] = [
        Text(f"Weekly utilization report {report.week.label}", style="bold underline"),
        _about(report),
    ]
    for section in sections(report):
        parts.append(Text(""))
        if section.key == "unit_projects":
            continue
        if section.key == "summary":
            parts.append(_summary(section))
        elif section.key == "units":
            parts.append(_table(_with_top_projects(section, report)))
        elif section.key == "people":
            parts.append(_table(_flagged(section)))
        elif section.key == "waiting":
            parts.append(_table(_first(section, WAITING_SHOWN)))
        elif section.key == "trend":
            parts.append(_trend(section))
        else:
            parts.append(_table(section))
    return Group(*parts)


def utilization_bar(percent: float | None, width: int = BAR_WIDTH) -> Text:
    """A bar filled to ``percent`` of 100 %; beyond 100 % it is full, red, and says so."""
    if percent is None:
        return Text("")
    filled = round(min(percent, 100.0) / 100 * width)
    style = "red" if percent > 100 else "yellow" if percent < 25 else "green"
    bar = Text("█" * filled, style=style) + Text("·" * (width - filled), style="dim")
    return bar + Text("▶", style="bold red") if percent > 100 else bar


def sparkline(percents: list[float | None], top: float = 100.0) -> str:
    """One character per week, its height the share of ``top`` (higher values are capped)."""
    out = []
    for percent in percents:
        if percent is None:
            out.append(" ")
        else:
            level = min(max(percent, 0.0), top) / top
            out.append(_SPARKS[round(level * (len(_SPARKS) - 1))])
    return "".join(out)


def _about(report: WeeklyReport) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in about(report):
        grid.add_row(label, Text(value))
    return grid


def _summary(section: Section) -> Table:
    grid = Table(title=section.title, title_justify="left", show_header=False)
    grid.add_column(style="bold")
    grid.add_column(justify="right")
    for column, cell in zip(section.columns, section.texts()[0], strict=True):
        grid.add_row(column.title, Text(cell))
    return grid


# Columns a terminal leaves out to fit 120 characters; the file formats carry them all.
TERMINAL_HIDDEN = {"open_h", "outside_h", "no_show_h", "capacity"}


def _narrowed(section: Section) -> Section:
    hidden = TERMINAL_HIDDEN | ({"site"} if section.key == "units" else set())
    keep = [i for i, c in enumerate(section.columns) if c.key not in hidden]
    if len(keep) == len(section.columns):
        return section
    note = (
        f"{section.note} (Open h, No-show h, Outside h and Cap are in the md, csv, json and "
        "html formats.)"
    )
    return replace(
        section,
        columns=tuple(section.columns[i] for i in keep),
        rows=tuple(tuple(row[i] for i in keep) for row in section.rows),
        note=note.strip(),
    )


def _table(section: Section) -> RenderableType:
    if not section.rows:
        return Text(f"{section.title}: none")
    section = _narrowed(section)
    table = Table(title=section.title, title_justify="left", caption=section.note or None)
    table.caption_justify = "left"
    bar_at = next((i for i, c in enumerate(section.columns) if c.key == "utilization_pct"), None)
    texts = section.texts()
    for index, column in enumerate(section.columns):
        numeric = column.unit in NUMERIC
        # In a narrow terminal the names give way (capped, then wrapped onto more lines);
        # figures and the first column (what the row is) are never cut.
        keep = numeric or index == 0
        table.add_column(
            column.title,
            justify="right" if numeric else "left",
            no_wrap=keep,
            min_width=max((len(row[index]) for row in texts), default=1) if keep else None,
            max_width=None if numeric else 24,
            overflow="fold",
        )
        if index == bar_at:
            table.add_column("", no_wrap=True)
    for row, values in zip(texts, section.values(), strict=True):
        cells: list[RenderableType] = []
        for index, (column, cell) in enumerate(zip(section.columns, row, strict=True)):
            cells.append(Text(cell, style=_style(column.key, cell)))
            if index == bar_at:
                cells.append(utilization_bar(values[column.key]))
        table.add_row(*cells)
    return table


def _flagged(section: Section) -> Section:
    flag = [c.key for c in section.columns].index("flag")
    rows = tuple(row for row in section.rows if row[flag])
    return replace(
        section,
        title="People over or under their capacity",
        rows=rows,
        note=f"{section.note} {len(section.rows)} people in all; "
        "--format md, csv, json or html lists them all.",
    )


def _with_top_projects(section: Section, report: WeeklyReport) -> Section:
    tops = []
    for unit in report.units:
        ranked = sorted(unit.by_project.items(), key=lambda item: (-item[1], item[0]))
        shown = [f"{project} {text(Unit.HOURS, hours)}" for project, hours in ranked[:TOP_PROJECTS]]
        more = len(ranked) - TOP_PROJECTS
        tops.append(", ".join(shown) + (f" +{more} more" if more > 0 else ""))
    return replace(
        section,
        columns=(*section.columns, Column("projects", "Projects (h)")),
        rows=tuple((*row, top) for row, top in zip(section.rows, tops, strict=True)),
    )


def _first(section: Section, count: int) -> Section:
    if len(section.rows) <= count:
        return section
    return replace(
        section,
        rows=section.rows[:count],
        note=f"{section.note} The first {count} of {len(section.rows)}; "
        "--format md, csv, json or html lists them all.",
    )


def _trend(section: Section) -> Table:
    table = Table(title=section.title, title_justify="left")
    for column in section.columns:
        percent = column.unit is Unit.PERCENT
        table.add_column(column.title, justify="right" if percent else "left", no_wrap=percent)
    table.add_column("trend", no_wrap=True)
    weeks = [c.key for c in section.columns if c.unit is Unit.PERCENT]
    for texts, values in zip(section.texts(), section.values(), strict=True):
        table.add_row(*texts, Text(sparkline([values[w] for w in weeks]), style="cyan"))
    return table


def _style(key: str, cell: str) -> str:
    if key == "flag" and cell:
        return "bold red" if cell == "over" else "yellow"
    if key == "bottleneck" and cell == "yes":
        return "bold red"
    return ""
