"""Best-known results tables (``best_known.csv`` of the PSPLIB and MMLIB benchmark data).

Columns: ``set,instance,best_known_makespan,optimal,lower_bound``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

from ._lines import ReaderError


class BestKnown(NamedTuple):
    makespan: int  # best known upper bound
    optimal: bool  # proved: lower bound == upper bound
    lower_bound: int


COLUMNS = ("instance", "best_known_makespan", "optimal", "lower_bound")


def load_best_known(*paths: str | Path) -> dict[str, BestKnown]:
    """Instance name -> (best known makespan, optimal, lower bound), over all ``paths``."""
    table: dict[str, BestKnown] = {}
    for path in paths:
        try:
            handle = open(path, newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise ReaderError(f"{path}: cannot read: {exc.strerror or exc}") from None
        with handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise ReaderError(f"{path}:1: missing columns {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                try:
                    makespan = int(row["best_known_makespan"])
                    lower = int(row["lower_bound"])
                except (TypeError, ValueError):
                    raise ReaderError(f"{path}:{line}: bounds must be integers") from None
                flag = (row["optimal"] or "").strip().lower()
                if flag not in ("true", "false"):
                    raise ReaderError(f"{path}:{line}: optimal must be true or false")
                table[row["instance"]] = BestKnown(makespan, flag == "true", lower)
    return table
