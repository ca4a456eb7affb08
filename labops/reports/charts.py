"""Charts for the HTML report, drawn by matplotlib as SVG text to inline in the page.

Inline SVG keeps the page one self-contained file that works offline and stays small (tens
of kilobytes, against megabytes for a page carrying a JavaScript charting library). Charts
plot the same rounded figures the tables show. matplotlib is imported only here, when a
chart is drawn, so the other formats and the rest of the CLI do not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from labops.reports.figures import Unit, value
from labops.reports.model import ALL_SITES, WeeklyReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.typing import RcKeyType

_STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, the browser's font
    "svg.hashsalt": "labops-report",  # stable element ids, so equal reports give equal files
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_PALETTE = "tab10"
_LEGEND_OUTSIDE: dict[str, Any] = {
    "loc": "upper left",
    "bbox_to_anchor": (1.01, 1.0),
    "frameon": False,
}
WIDTH = 11.5  # inches: about the width of the page's 1200-pixel column
CHAR_INCHES = 0.085  # a tick label's character at 9 points, with room for wide fonts
LEGEND_INCHES = 1.9  # room for the legend right of the plot


def utilization_chart(report: WeeklyReport) -> str:
    """Horizontal bars: each unit's utilization, coloured by site, with the 100 % line."""
    units = list(report.units)
    labels = [f"{u.unit} ({u.site})" for u in units]
    height = 1.0 + 0.28 * max(len(units), 1)
    with _figure(width=WIDTH, height=height, labels=labels) as fig:
        ax = fig.subplots()
        colours = _site_colours(report)
        percents = [value(Unit.PERCENT, u.utilization) for u in units]
        positions = range(len(units))
        ax.barh(
            list(positions),
            [p or 0.0 for p in percents],
            color=[colours[u.site] for u in units],
            height=0.7,
        )
        for y, percent in zip(positions, percents, strict=True):
            label = "no available hours" if percent is None else f"{percent:.1f}%"
            ax.annotate(
                label,
                (percent or 0.0, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.axvline(100, color="#c0392b", linestyle="--", linewidth=1)
        ax.set_yticks(list(positions), labels)
        ax.set_ylim(max(len(units), 1) - 0.5, -0.5)  # first unit on top, no empty rows
        if not units:
            _say_empty(ax, "no equipment units")
        ax.set_xlabel("utilization (booked / available hours), %")
        ax.set_title(f"Utilization per unit, {report.week.label}", loc="left")
        ax.set_xlim(0, max([110.0, *[(p or 0.0) * 1.15 for p in percents]]))
        handles = [_patch(colours[site]) for site in sorted({u.site for u in units})]
        if handles:
            ax.legend(handles, sorted({u.site for u in units}), **_LEGEND_OUTSIDE)
        return _svg(fig, "units")


def trend_chart(report: WeeklyReport) -> str:
    """Lines: each site's utilization over the trend's weeks; the platform's dashed."""
    with _figure(width=WIDTH, height=3.6, labels=["100.0"]) as fig:
        ax = fig.subplots()
        colours = _site_colours(report)
        weeks = list(report.trend_weeks)
        for trend in report.trend:
            percents = [value(Unit.PERCENT, u) for u in trend.utilization]
            platform = trend.site == ALL_SITES
            ax.plot(
                weeks,
                [float("nan") if p is None else p for p in percents],
                label=trend.site,
                marker="o",
                markersize=4,
                color="#333333" if platform else colours[trend.site],
                linestyle="--" if platform else "-",
                linewidth=2.2 if platform else 1.6,
            )
        ax.set_ylabel("utilization, %")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(f"Utilization per site, {weeks[0]} to {weeks[-1]}", loc="left")
        ax.legend(**_LEGEND_OUTSIDE)
        return _svg(fig, "trend")


def demand_chart(report: WeeklyReport) -> str:
    """Bars per equipment kind: served and unmet demand stacked, available hours marked."""
    kinds = list(report.demand.kinds)
    names = [k.kind for k in kinds]
    with _figure(width=WIDTH, height=1.0 + 0.32 * max(len(kinds), 1), labels=names) as fig:
        ax = fig.subplots()
        served = [value(Unit.HOURS, k.served_hours) for k in kinds]
        unmet = [value(Unit.HOURS, k.unmet_hours) for k in kinds]
        available = [value(Unit.HOURS, k.available_hours) for k in kinds]
        ax.barh(names, served, color="#2e86c1", label="served", height=0.6)
        ax.barh(names, unmet, left=served, color="#e67e22", label="unmet", height=0.6)
        ax.scatter(available, names, marker="|", s=300, color="#111111", label="available")
        ax.set_ylim(max(len(kinds), 1) - 0.5, -0.5)
        if not kinds:
            _say_empty(ax, "no demand and no equipment")
        ax.set_xlabel("unit-hours")
        ax.set_title(f"Demand per equipment kind, {report.week.label}", loc="left")
        ax.legend(**_LEGEND_OUTSIDE)
        return _svg(fig, "demand")


def _say_empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="#777777")


def _site_colours(report: WeeklyReport) -> dict[str, str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = colormaps[_PALETTE]
    sites = sorted({u.site for u in report.units} | {t.site for t in report.trend} - {ALL_SITES})
    return {site: to_hex(palette(i % palette.N)) for i, site in enumerate(sites)}


def _patch(colour: str) -> Patch:
    from matplotlib.patches import Patch

    return Patch(color=colour)


@contextmanager
def _figure(*, width: float, height: float, labels: list[str]) -> Iterator[Figure]:
    """A figure whose margins fit ``labels`` on the left and a legend on the right.

    Margins are set from the labels' length rather than by matplotlib's constrained layout,
    which measures every text again and would double the time a chart takes.
    """
    import matplotlib
    from matplotlib.figure import Figure

    longest = max((len(label) for label in labels), default=0)
    with matplotlib.rc_context(_STYLE):
        # A bare Figure, not pyplot: no global state, no GUI backend, safe in threads.
        fig = Figure(figsize=(width, height))
        fig.subplots_adjust(
            left=(0.35 + CHAR_INCHES * longest) / width,
            right=1 - LEGEND_INCHES / width,
            bottom=0.55 / height,
            top=1 - 0.4 / height,
        )
        yield fig


_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _svg(fig: Figure, prefix: str) -> str:
    """The figure as SVG to inline in a page: no XML declaration, DOCTYPE or metadata, and
    element ids prefixed, since ids must be unique across all the charts of one page."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return (
        text.replace(' id="', f' id="{prefix}-')
        .replace("url(#", f"url(#{prefix}-")
        .replace('xlink:href="#', f'xlink:href="#{prefix}-')
    )
