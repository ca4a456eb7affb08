"""A charge statement as CSV, Markdown, JSON or HTML: the same lines and totals in each.

Every format lists the lines a finance office books (date, unit, person, hours, rate,
amount, cost centre), then the totals per project and per fund pool, and the statement's
total, which is the sum of its lines. Money is written from integer cents (no float ever
rounds it): plain ``1234.50`` in CSV and JSON, ``1,234.50`` in Markdown and HTML.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Literal

from labops.charges.lines import Line
from labops.charges.service import Statement
from labops.fields import format_money

Format = Literal["csv", "md", "json", "html"]
FORMATS: tuple[Format, ...] = ("csv", "md", "json", "html")
HEADER = (
    "date", "pool", "project", "cost centre", "booking", "item", "unit", "person", "basis",
    "hours", "rate", "amount",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(cents: int) -> str:
    """Cents as ``1234.50``, exactly."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


def _row(line: Line) -> list[str]:
    return [
        line.day.isoformat(), line.pool, line.project, line.cost_centre,
        "" if line.booking_id is None else str(line.booking_id), line.what, line.unit,
        line.person, line.basis, hours(line.minutes), plain(line.rate), plain(line.amount),
    ]  # fmt: skip


def render(statement: Statement, fmt: Format) -> str:
    return {"csv": to_csv, "md": to_markdown, "json": to_json, "html": to_html}[fmt](statement)


def _title(statement: Statement) -> str:
    closed = (
        f"closed {statement.closed_at:%Y-%m-%d} by {statement.closed_by}"
        if statement.closed_at
        else "open: figures may still change"
    )
    return f"Charges {statement.month} ({closed})"


def to_csv(statement: Statement) -> str:
    """One table: the lines, then a total row (amount = the sum of the lines above)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for line in statement.lines:
        writer.writerow([_cell(value) for value in _row(line)])
    writer.writerow(["total", *[""] * (len(HEADER) - 2), plain(statement.total)])
    return buffer.getvalue()


def _cell(value: str) -> str:
    """Text a spreadsheet would take for a formula stays text (as the weekly report's CSV)."""
    if value.startswith(_FORMULA_START) and not value.lstrip("-").replace(".", "").isdigit():
        return "'" + value
    return value


def to_json(statement: Statement) -> str:
    return json.dumps(
        {
            "month": statement.month,
            "closed_at": statement.closed_at.isoformat() if statement.closed_at else None,
            "closed_by": statement.closed_by,
            "lines": [dict(zip(HEADER, _row(line), strict=True)) for line in statement.lines],
            "projects": {k: plain(v) for k, v in statement.totals("project").items()},
            "pools": {k: plain(v) for k, v in statement.totals("pool").items()},
            "total": plain(statement.total),
        },
        indent=2,
    )


def _totals(statement: Statement) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        ("Per project", [(k, format_money(v)) for k, v in statement.totals("project").items()]),
        ("Per fund pool", [(k, format_money(v)) for k, v in statement.totals("pool").items()]),
    ]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(statement: Statement) -> str:
    out = [f"# {_title(statement)}", ""]
    out += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * 9 + "---:|" * 3]
    for line in statement.lines:
        cells = _row(line)
        cells[-2:] = [format_money(line.rate), format_money(line.amount)]
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    for title, rows in _totals(statement):
        out += ["", f"## {title}", "", "| | amount |", "|---|---:|"]
        out += [f"| {_md(k)} | {v} |" for k, v in rows]
    out += ["", f"**Total: {format_money(statement.total)}**", ""]
    return "\n".join(out)


def to_html(statement: Statement) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADER)
    body = []
    for line in statement.lines:
        cells = _row(line)
        cells[-2:] = [format_money(line.rate), format_money(line.amount)]
        body.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    totals = []
    for title, rows in _totals(statement):
        items = "".join(f"<tr><td>{esc(k)}</td><td class=n>{v}</td></tr>" for k, v in rows)
        totals.append(f"<h2>{esc(title)}</h2><table>{items}</table>")
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{esc(_title(statement))}</title>"
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}"
        "td:nth-child(n+10),.n{text-align:right}</style></head><body>"
        f"<h1>{esc(_title(statement))}</h1>"
        f"<table><tr>{head}</tr>{''.join(body)}</table>{''.join(totals)}"
        f"<p class=total><strong>Total: {format_money(statement.total)}</strong></p>"
        "</body></html>\n"
    )
