"""`labops report weekly`: the platform's week in the terminal, or as Markdown, CSV, JSON, HTML."""

from __future__ import annotations

import sys

import typer

from labops.errors import InputError
from labops.reports import Format, choose_format, render_text, weekly_report, write_report
from labops_cli.render import console, err_console
from labops_cli.state import CliState

report_app = typer.Typer(help="Reports for management and operators.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("weekly")
def weekly_command(
    ctx: typer.Context,
    week: str | None = typer.Option(
        None, "--week", help="ISO week, like 2026-W49 (default: the last full week)."
    ),
    site: str | None = typer.Option(None, "--site", help="Only this site."),
    fmt: Format | None = typer.Option(
        None,
        "--format",
        help="terminal, md, csv, json or html (default: from --output's name, else terminal).",
    ),
    output: str | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to this file ('-': standard output); for csv a folder (ending in '/') or a "
        ".zip, one CSV per table.",
    ),
) -> None:
    """Weekly utilization: equipment, people, demand, money, change and trend."""
    state: CliState = ctx.obj
    if output == "-":  # stdout, as `calendar` and `request new` read it
        output = None
        fmt = fmt or Format.MD
    chosen = choose_format(fmt, output)
    if chosen is Format.CSV and output is None:
        raise InputError(
            "--format csv writes one file per table: give --output FOLDER/ or FILE.zip"
        )
    actor = state.actor
    with err_console.status("weekly report: reading the platform") as status:
        report = weekly_report(
            state.db,
            actor=actor,
            now=state.now(),
            week=week,
            site=site,
            progress=lambda step: status.update(f"weekly report: {step}"),
        )
        status.update(f"weekly report: writing {chosen.value}")
        if output is not None:
            written = write_report(report, chosen, output)
        elif chosen is not Format.TERMINAL:
            text = render_text(report, chosen)
    if output is not None:
        where = str(written[0]) if len(written) == 1 else f"{len(written)} files in {output}"
        console.print(f"weekly report {report.week.label} written to {where}", markup=False)
    elif chosen is Format.TERMINAL:
        from labops.reports.render_terminal import render_terminal

        console.print(render_terminal(report))
    else:
        sys.stdout.write(text)
