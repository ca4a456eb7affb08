"""The report as one self-contained HTML page: charts (inline SVG) then every table.

No scripts, fonts or styles are fetched: the page reads the same offline, in a browser or
attached to an e-mail.
"""

from __future__ import annotations

from html import escape

from labops.reports import charts
from labops.reports.figures import NUMERIC
from labops.reports.model import WeeklyReport
from labops.reports.sections import Section, about, sections

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
dl.about { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.about dt { font-weight: 600; }
dl.about dd { margin: 0; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
th { background: #f5f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.over td { background: #fdecea; }
tr.under td { background: #fff8e1; }
div.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
            gap: .5rem; }
div.tile { background: #f5f5f7; border-radius: 6px; padding: .5rem .7rem; }
div.tile .label { font-size: .75rem; color: #555; }
div.tile .figure { font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; }
p.note { color: #555; font-size: .8rem; max-width: 60rem; }
"""


def render_html(report: WeeklyReport) -> str:
    title = f"Weekly utilization report {report.week.label}"
    summary, *tables = sections(report)
    body = [
        f"<h1>{escape(title)}</h1>",
        '<dl class="about">',
        *(f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in about(report)),
        "</dl>",
        html_tiles(summary),
        "<h2>Charts</h2>",
        _figure(charts.utilization_chart(report), "Utilization per equipment unit"),
        _figure(charts.trend_chart(report), "Utilization per site over the last weeks"),
        _figure(charts.demand_chart(report), "Demand per equipment kind"),
        *(html_table(section) for section in tables),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def html_table(section: Section) -> str:
    """A section as a heading, its note and a table; people rows marked over or under."""
    parts = [f'<h2 id="{escape(section.key)}">{escape(section.title)}</h2>']
    if section.note:
        parts.append(f'<p class="note">{escape(section.note)}</p>')
    if not section.rows:
        parts.append("<p>None.</p>")
        return "\n".join(parts)
    numeric = [c.unit in NUMERIC for c in section.columns]
    head = "".join(
        f'<th{_num(n)} scope="col">{escape(c.title)}</th>'
        for c, n in zip(section.columns, numeric, strict=True)
    )
    keys = [c.key for c in section.columns]
    rows = []
    for cells in section.texts():
        flag = cells[keys.index("flag")] if "flag" in keys else ""
        css = f' class="{flag}"' if flag else ""
        tds = "".join(
            f"<td{_num(n)}>{escape(cell)}</td>" for cell, n in zip(cells, numeric, strict=True)
        )
        rows.append(f"<tr{css}>{tds}</tr>")
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "\n".join(parts)


def html_tiles(section: Section) -> str:
    """A one-row section as tiles, a figure each: the week at a glance."""
    tiles = "".join(
        f'<div class="tile"><div class="label">{escape(column.title)}</div>'
        f'<div class="figure">{escape(cell)}</div></div>'
        for row in section.texts()
        for column, cell in zip(section.columns, row, strict=True)
    )
    heading = f'<h2 id="{escape(section.key)}">{escape(section.title)}</h2>'
    return f'{heading}\n<div class="tiles">{tiles}</div>'


def _figure(svg: str, caption: str) -> str:
    return f'<figure aria-label="{escape(caption)}">{svg}</figure>'


def _num(numeric: bool) -> str:
    return ' class="num"' if numeric else ""
