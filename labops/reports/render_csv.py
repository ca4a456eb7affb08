"""The report as CSV for spreadsheets: one file per section, named ``<section>.csv``.

CSV holds one table per file, so the sections go either into a folder (``--output DIR/``)
or into one zip archive (``--output report.zip``). Headers are the column titles; numbers
are plain (a dot for decimals, no thousands separator), percentages as numbers of percent.
Text that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe, so a name like ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
import io
import zipfile

from labops.reports.model import WeeklyReport
from labops.reports.sections import Section, sections


def csv_files(report: WeeklyReport) -> dict[str, str]:
    """``{file name: CSV text}``, one per section."""
    return {f"{section.key}.csv": section_csv(section) for section in sections(report)}


def section_csv(section: Section) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_cell(c.title) for c in section.columns])
    for row in section.values():
        writer.writerow([_cell(v) for v in row.values()])
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_zip(report: WeeklyReport) -> bytes:
    """The CSV files in one zip archive (fixed timestamps, so equal reports zip alike)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(report).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()
