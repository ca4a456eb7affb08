"""Report: the weekly utilization report with terminal charts, week by week, and export;
and what if (a unit bought, a unit down, a longer horizon) beside today's plan.

The report service reads and computes in a worker thread; the screen draws the result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, RichLog, Static
from textual.worker import Worker, WorkerState

from labops.errors import InputError, LabopsError
from labops.localtime import iso_week
from labops.planning.settings import TIME_LIMIT
from labops.planning.whatif import Comparison, Scenario, compare
from labops.records.edit import FieldErrors, choices
from labops.reports import WeeklyReport, choose_format, weekly_report, write_report
from labops.reports.figures import Unit, text
from labops.reports.model import ALL_SITES
from labops.reports.render_terminal import render_terminal
from tui.context import Context
from tui.screens.base import LabopsScreen
from tui.screens.record_form import FieldSpec, RecordFormScreen, Values
from tui.screens.whatif import WhatIfScreen, scenario_parser, whatif_fields
from tui.text import percent, rendered
from tui.validators import Required
from tui.widgets.bar_chart import BarChart, BarRow
from tui.widgets.top_bar import TopBar

EXPORT_HELP = "the ending picks the format: .md .html .json, .zip or a folder/ for CSV"


class ReportScreen(LabopsScreen):
    TITLE_TEXT = "Report"
    MODE = "report"
    CSS_PATH = "report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("less_than_sign,comma", "week(-1)", "Prev week", id="report.earlier"),
        Binding("greater_than_sign,full_stop", "week(1)", "Next week", id="report.later"),
        Binding("t", "last_week", "Last full week", id="report.last"),
        Binding("x", "export", "Export", id="report.export"),
        Binding("w", "whatif", "What if", id="report.whatif"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.week: str | None = None  # None: the last full week
        self.report: WeeklyReport | None = None
        self._text_width = 0  # the width the report's text was laid out for

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        yield Static(id="report-week")
        with Horizontal(id="report-charts"):
            yield BarChart(id="report-sites")
            yield BarChart(id="report-kinds")
        # Lines drawn as they scroll into view: the report of a large platform runs to
        # hundreds of lines, which a Static would lay out whole on every refresh.
        yield RichLog(id="report-body", wrap=False, markup=False, highlight=False)
        yield Footer(compact=True)

    def load(self) -> None:
        self.query_one("#report-week", Static).update(
            Text(f" computing the report for {self.week or 'the last full week'}...", style="dim")
        )
        self.compute(self.week, self._width())

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def compute(self, week: str | None, width: int) -> tuple[WeeklyReport, Text, int]:
        """The report, and its text laid out for ``width`` (here too, off the UI's thread)."""
        report = weekly_report(self.ctx.db, actor=self.ctx.actor, now=self.ctx.now(), week=week)
        return report, rendered(render_terminal(report), width), width

    def _width(self) -> int:
        """The width the report's text has on screen (a guess before the first layout)."""
        body = self.query_one("#report-body", RichLog)
        return body.scrollable_content_region.width or max(self.app.size.width - 4, 40)

    def on_resize(self) -> None:
        if self.report is not None and self._width() != self._text_width:
            self._show_text(rendered(render_terminal(self.report), self._width()), self._width())

    def _show_text(self, text: Text, width: int) -> None:
        self._text_width = width
        body = self.query_one("#report-body", RichLog)
        body.clear()
        body.write(text, scroll_end=False)
        body.scroll_home(animate=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="whatif")
    def whatif(self, scenario: Scenario) -> Comparison:
        seconds = getattr(self.app, "time_limit", TIME_LIMIT)
        return compare(
            self.ctx.db,
            actor=self.ctx.actor,
            now=self.ctx.now(),
            scenario=scenario,
            time_limit=seconds,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, report: WeeklyReport, output: str) -> list[Path]:
        return write_report(report, choose_format(None, output), output)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, LabopsError) else f"internal error: {error!r}"
            self.notify(message, title="Report", severity="error", markup=False)
            if event.worker.group == "report":
                self.query_one("#report-week", Static).update(Text(message, style="red"))
        elif event.state == WorkerState.SUCCESS and event.worker.group == "report":
            assert event.worker.result is not None  # a worker that succeeded has its result
            report, body, width = event.worker.result
            self._show(report)
            self._show_text(body, width)
        elif event.state == WorkerState.SUCCESS and event.worker.group == "whatif":
            assert event.worker.result is not None
            self.app.push_screen(WhatIfScreen(event.worker.result.listing()))
        elif event.state == WorkerState.SUCCESS and event.worker.group == "export":
            files = event.worker.result
            assert files is not None
            where = files[0].resolve() if len(files) == 1 else files[0].resolve().parent
            self.notify(f"wrote {len(files)} file(s): {where}", title="Exported", markup=False)

    def _show(self, report: WeeklyReport) -> None:
        self.report = report
        week = report.week
        self.query_one("#report-week", Static).update(
            Text(
                f" {week.label}, {week.monday:%a %d %b} - {week.sunday:%a %d %b %Y}: "
                f"{percent(report.total.utilization)} of the available hours used",
                style="bold",
            )
        )
        trends = {trend.site: trend.utilization for trend in report.trend}
        self.query_one("#report-sites", BarChart).plot(
            f"Utilization per site (trend over {len(report.trend_weeks)} weeks)",
            [
                BarRow(
                    site.name,
                    site.utilization,
                    f"{percent(site.utilization)} of {site.available_hours:,.0f} h",
                    trends.get(site.name, ()),
                )
                for site in [*report.sites, report.total]
                if site.name != ALL_SITES or len(report.sites) > 1
            ],
        )
        self.query_one("#report-kinds", BarChart).plot(
            "Demand served per equipment kind",
            [
                BarRow(
                    kind.kind,
                    kind.served_hours / kind.demand_hours if kind.demand_hours else None,
                    # as the report's tables write hours, so figures agree with the bars
                    f"{text(Unit.HOURS, kind.served_hours)} of "
                    f"{text(Unit.HOURS, kind.demand_hours)} h"
                    + (" bottleneck" if kind.bottleneck else ""),
                )
                for kind in report.demand.kinds
            ],
        )

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.report is not None or None
        return True

    def action_week(self, steps: int) -> None:
        if self.report is None:
            return
        monday = self.report.week.monday + dt.timedelta(weeks=steps)
        self.week = iso_week(monday)
        self.reload()

    def action_last_week(self) -> None:
        self.week = None
        self.reload()

    def action_export(self) -> None:
        report = self.report
        if report is None:
            return

        def parse(values: Values) -> str:
            output = values["file"].strip()
            try:
                choose_format(None, output)
            except InputError as exc:
                raise FieldErrors({"file": str(exc).removeprefix(f"--output {output}: ")}) from None
            return output

        def chosen(output: str | None) -> None:
            if output is not None:
                self.export(report, output)

        self.app.push_screen(
            RecordFormScreen(
                f"Export the report of {report.week.label}",
                [FieldSpec("file", "File", validators=[Required()], help=EXPORT_HELP)],
                parse,
                values={"file": f"labops-report-{report.week.label}.md"},
                save_label="Export",
            ),
            chosen,
        )

    def action_whatif(self) -> None:
        kinds_sites_units = choices(self.ctx.db)

        def chosen(scenario: Scenario | None) -> None:
            if scenario is None:
                return
            seconds = getattr(self.app, "time_limit", TIME_LIMIT)
            self.notify(
                f"planning today and {'; '.join(scenario.describe())} (up to {2 * seconds:g} s)",
                title="What if",
                markup=False,
            )
            self.whatif(scenario)

        self.app.push_screen(
            RecordFormScreen(
                "What if",
                whatif_fields(
                    kinds_sites_units["kind"],
                    kinds_sites_units["site"],
                    kinds_sites_units["equipment"],
                ),
                scenario_parser(self.ctx.timezone),
                save_label="Compare",
            ),
            chosen,
        )
