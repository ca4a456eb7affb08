"""tui/ calls labops services only: no SQL, no solver, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"
FORBIDDEN = ("sqlmodel", "sqlalchemy", "solver", "ortools", "labops.tables")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_tui_imports_no_database_or_solver() -> None:
    found = {
        f"{path.relative_to(TUI)}: {name}"
        for path in TUI.rglob("*.py")
        for name in imported(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not found
