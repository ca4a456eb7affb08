"""Choosing a report format and writing it to files (atomically, never half a file)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from labops.errors import InputError
from labops.files import write_atomically
from labops.reports.model import WeeklyReport


class Format(StrEnum):
    TERMINAL = "terminal"
    MD = "md"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


_SUFFIXES = {".md": Format.MD, ".json": Format.JSON, ".html": Format.HTML, ".htm": Format.HTML}
_SUFFIXES |= {".zip": Format.CSV, ".csv": Format.CSV}


def is_folder(output: str) -> bool:
    """``--output`` names a folder: it ends with a separator or is an existing directory."""
    return output.endswith(("/", os.sep)) or Path(output).expanduser().is_dir()


def choose_format(fmt: Format | None, output: str | None) -> Format:
    """The format asked for, else the one ``--output``'s name implies, else the terminal."""
    if fmt is not None:
        return fmt
    if output is None:
        return Format.TERMINAL
    if is_folder(output):
        return Format.CSV
    suffix = Path(output).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(
            f"--output {output}: cannot tell the format from the name; give --format md, csv, "
            "json or html"
        )
    return _SUFFIXES[suffix]


def render_text(report: WeeklyReport, fmt: Format) -> str:
    """The report as Markdown, JSON or HTML text."""
    if fmt is Format.MD:
        from labops.reports.render_markdown import render_markdown

        return render_markdown(report)
    if fmt is Format.JSON:
        from labops.reports.render_json import render_json

        return render_json(report)
    if fmt is Format.HTML:
        from labops.reports.render_html import render_html

        return render_html(report)
    raise InputError(f"--format {fmt.value} has no single text form")


def write_report(report: WeeklyReport, fmt: Format, output: str) -> list[Path]:
    """Write the report to ``output``; the files written.

    CSV goes one file per table into a folder (``DIR/``, created if its parent exists) or
    into a ``.zip``; the other formats into the one file named.
    """
    path = Path(output).expanduser()
    if fmt is Format.TERMINAL:
        raise InputError("--format terminal prints to the screen: choose md, csv, json or html")
    if fmt is not Format.CSV:
        write_atomically(path, render_text(report, fmt))
        return [path]
    from labops.reports.render_csv import csv_files, csv_zip

    if is_folder(output):
        if not path.is_dir():
            if not path.parent.is_dir():
                raise InputError(f"folder {path.parent} does not exist")
            path.mkdir()
        written = []
        for name, text in csv_files(report).items():
            write_atomically(path / name, text)
            written.append(path / name)
        return written
    if path.suffix.lower() != ".zip":
        raise InputError(
            f"--output {output}: CSV is one file per table; give a folder (ending in '/') "
            "or a .zip file"
        )
    write_atomically(path, csv_zip(report))
    return [path]
