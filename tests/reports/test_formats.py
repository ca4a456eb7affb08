"""Every format carries the same figures: Markdown, CSV and JSON are parsed back and
compared with the report's dataclasses, table by table and cell by cell."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from labops.permissions import Actor
from labops.reports import Format, WeeklyReport, render_text, weekly_report, write_report
from labops.reports.figures import NUMERIC, Unit, parse_text, text, value
from labops.reports.render_csv import csv_files
from labops.reports.render_terminal import render_terminal, sparkline, utilization_bar
from labops.reports.sections import Section, sections
from tests.conftest import NOW


def expected(section: Section) -> list[dict]:
    return section.values()


def test_sections_carry_the_dataclasses_figures(w47: WeeklyReport) -> None:
    """The tables are made of the dataclasses' figures, rounded once."""
    tables = {s.key: s.values() for s in sections(w47)}
    sem = next(row for row in tables["units"] if row["unit"] == "sem")
    assert sem["booked_h"] == value(Unit.HOURS, 5.0) == 5.0
    assert sem["utilization_pct"] == 13.9  # 5 / 36
    assert tables["summary"][0]["served_pct"] == 68.1  # 32 / 47
    assert tables["summary"][0]["bottlenecks"] == "xrd"
    assert tables["summary"][0]["week_cost"] == 1740.0
    max_ = next(row for row in tables["people"] if row["person"] == "max")
    assert (max_["load_pct"], max_["flag"]) == (120.0, "over")
    lab = next(row for row in tables["changes"] if row["site"] == "lab")
    assert lab["utilization_change_pt"] == 17.6  # 21.05 % - 3.5 %
    assert tables["unit_projects"] == [
        {"unit": u.unit, "project": p, "booked_h": round(h, 2)}
        for u in w47.units
        for p, h in u.by_project.items()
    ]
    assert tables["trend"][0]["2026-W47"] == round(100 * 16 / 76, 1)


def test_json_parses_back_to_the_same_figures(w47: WeeklyReport) -> None:
    data = json.loads(render_text(w47, Format.JSON))
    assert data["report"]["week"] == "2026-W47"
    assert data["report"]["first_day"] == "2026-11-16"
    for section in sections(w47):
        assert data[section.key] == expected(section), section.key
    pools = {row["pool"]: row for row in data["pools"]}
    assert pools["venture"]["committed"] == w47.pools[3].committed_cents / 100 == 1300.0


def test_csv_parses_back_to_the_same_figures(w47: WeeklyReport) -> None:
    files = csv_files(w47)
    assert sorted(files) == sorted(f"{s.key}.csv" for s in sections(w47))
    for section in sections(w47):
        rows = list(csv.reader(io.StringIO(files[f"{section.key}.csv"])))
        assert rows[0] == [c.title for c in section.columns]
        parsed = [
            {c.key: _from_csv(c.unit, cell) for c, cell in zip(section.columns, row, strict=True)}
            for row in rows[1:]
        ]
        assert parsed == expected(section), section.key


def test_markdown_parses_back_to_the_same_figures(w47: WeeklyReport) -> None:
    markdown = render_text(w47, Format.MD)
    assert markdown.startswith("# Weekly utilization report 2026-W47\n")
    summary, *tables = sections(w47)
    # The summary is a figure a line: transpose it back.
    figures = _markdown_table(markdown, summary.title)
    assert figures[0] == ["Figure", "Value"]
    assert [title for title, _ in figures[1:]] == [c.title for c in summary.columns]
    rows = zip(summary.columns, figures[1:], strict=True)
    parsed = {column.key: parse_text(column.unit, cell) for column, (_, cell) in rows}
    assert [parsed] == expected(summary)
    for section in tables:
        cells = _markdown_table(markdown, section.title)
        assert cells[0] == [c.title for c in section.columns]
        parsed = [
            {c.key: parse_text(c.unit, cell) for c, cell in zip(section.columns, row, strict=True)}
            for row in cells[1:]
        ]
        assert parsed == expected(section), section.key


def test_html_shows_the_same_cells_and_three_charts(w47: WeeklyReport) -> None:
    page = render_text(w47, Format.HTML)
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 3
    # Self-contained: nothing to fetch, no script (SVG namespaces are names, not links).
    assert not re.search(r"<script|<link|src=|url\(http", page)
    assert "http" not in re.sub(r'xmlns(:\w+)?="http://www.w3.org/[^"]*"', "", page)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for section in sections(w47):
        # The summary is shown as tiles, every other section as a table.
        shape = '<div class="figure">{}</div>' if section.key == "summary" else ">{}</td>"
        for row in section.texts():
            for cell in row:
                assert shape.format(_html(cell)) in page, (section.key, cell)
    assert 'class="over"' in page  # max's row


def test_text_figures_round_the_same_numbers() -> None:
    assert text(Unit.HOURS, 1234.5678) == "1,234.57"
    assert text(Unit.PERCENT, 0.1388) == "13.9%"
    assert text(Unit.PERCENT, None) == "-"
    assert text(Unit.POINTS, -0.0042) == "-0.4 pt"
    assert text(Unit.MONEY, 123456.4) == "1,234.56"
    assert text(Unit.HOURS_CHANGE, 2.5) == "+2.50"
    assert text(Unit.HOURS, -0.001) == "0.00"  # no negative zero
    for unit in NUMERIC:
        assert parse_text(unit, text(unit, 0.5)) == value(unit, 0.5)


def test_terminal_bars_and_sparklines() -> None:
    assert utilization_bar(50.0, width=10).plain == "█████·····"
    assert utilization_bar(150.0, width=10).plain == "██████████▶"
    assert utilization_bar(None).plain == ""
    assert sparkline([0.0, 50.0, 100.0, 300.0, None]) == "▁▅██ "


def test_csv_goes_to_a_folder_or_a_zip(w47: WeeklyReport, tmp_path: Path) -> None:
    written = write_report(w47, Format.CSV, f"{tmp_path}/out/")
    assert sorted(p.name for p in written) == sorted(csv_files(w47))
    assert (tmp_path / "out" / "units.csv").read_text() == csv_files(w47)["units.csv"]
    (archive,) = write_report(w47, Format.CSV, str(tmp_path / "report.zip"))
    with zipfile.ZipFile(archive) as z:
        assert z.read("demand.csv").decode() == csv_files(w47)["demand.csv"]
    with pytest.raises(Exception, match=r"a folder \(ending in '/'\) or a \.zip"):
        write_report(w47, Format.CSV, str(tmp_path / "report.csv"))


def _from_csv(unit: Unit, cell: str):
    if unit is Unit.FLAG:
        return cell == "True"
    if unit not in NUMERIC:
        return cell
    if cell == "":
        return None
    return int(cell) if unit is Unit.COUNT else float(cell)


def _markdown_table(markdown: str, title: str) -> list[list[str]]:
    """The cells of the pipe table under ``## title`` (header first, no separator row)."""
    lines = markdown.splitlines()
    start = lines.index(f"## {_md_escape(title)}")
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not re.fullmatch(r"\|(-+:?\|)+", line):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([_md_unescape(cell.strip()) for cell in cells])
    return rows


def _md_escape(text: str) -> str:
    return text.replace("_", "\\_")


def _md_unescape(text: str) -> str:
    from html import unescape

    return unescape(re.sub(r"\\(.)", r"\1", text))


def _html(cell: str) -> str:
    from html import escape

    return escape(cell)


@pytest.mark.parametrize("narrowing", [{"site": "annex"}, {"week": "2020-W01"}])
def test_empty_reports_render_in_every_format(week_db, narrowing, recwarn) -> None:
    """A site with no units yet, a week before any data: ratios of nothing are '-'."""
    report = weekly_report(week_db, actor=Actor.system(), now=NOW, **narrowing)
    for fmt in (Format.MD, Format.JSON, Format.HTML):
        assert render_text(report, fmt)
    assert csv_files(report)
    terminal = Console(file=io.StringIO(), width=160)
    terminal.print(render_terminal(report))
    assert json.loads(render_text(report, Format.JSON))["summary"][0]["served_pct"] is None
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


HOSTILE_TITLES = {
    'title = "XRD before Friday"': 'title = "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"',
    'title = "Another coating"': 'title = "<script>alert(1)</script> <img src=x onerror=alert(1)>"',
    'title = "December imaging"': 'title = "[win](javascript:alert(1))"',
}


def test_request_titles_cannot_become_formulas_or_markup(tmp_path: Path) -> None:
    """Spreadsheets get text, not formulas; Markdown readers get text, not HTML or links."""
    from labops.db import Database
    from labops.platform.load import load_platform
    from labops.platform.read import parse_platform_text
    from tests.reports.conftest import WEEK_FILE

    text = WEEK_FILE.read_text()
    for plain, hostile in HOSTILE_TITLES.items():
        assert plain in text
        text = text.replace(plain, hostile)
    db = Database.open(str(tmp_path / "hostile.db"))
    load_platform(db, parse_platform_text(text), actor=None, now=NOW)
    report = weekly_report(db, actor=Actor.system(), now=NOW, week="2026-W47")
    db.dispose()

    cells = [
        cell
        for name, body in csv_files(report).items()
        for row in csv.reader(io.StringIO(body))
        for cell in row
    ]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert "-" not in [c[:1] for c in cells if not re.fullmatch(r"-[\d.]+", c)]

    markdown = render_text(report, Format.MD)
    assert "<script" not in markdown and "<img" not in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # no link, only text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\[win\\](javascript:alert(1))" in markdown
