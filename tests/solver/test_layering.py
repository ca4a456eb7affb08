"""The engine depends on the standard library, OR-Tools and, for the compiled heuristics
only (RCPSP, alternative units), numba and NumPy (no labops, database or UI); no OR-Tools
type leaves the CP-SAT translation in solver/model/."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SOLVER = Path(__file__).resolve().parents[2] / "solver"
ALLOWED = set(sys.stdlib_module_names) | {"ortools", "solver", "__future__"}
COMPILED = {  # the modules with compiled kernels
    "genetic.py": {"numpy"},
    "genetic_kernels.py": {"numba", "numpy"},
    "flexsearch.py": {"numpy"},
    "flexsearch_kernels.py": {"numba", "numpy"},
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def engine_files() -> list[Path]:
    return [p for p in SOLVER.rglob("*.py") if "readers" not in p.parts]


def test_solver_imports_only_stdlib_and_ortools():
    for path in engine_files():
        allowed = ALLOWED | COMPILED.get(path.name, set())
        outside = {name for name in imports(path) if name.split(".")[0] not in allowed}
        assert not outside, f"{path.relative_to(SOLVER)} imports {sorted(outside)}"


def test_ortools_stays_inside_the_model_package():
    for path in engine_files():
        if "model" in path.relative_to(SOLVER).parts:
            continue
        uses = {name for name in imports(path) if name.startswith("ortools")}
        assert not uses, f"{path.relative_to(SOLVER)} imports {sorted(uses)}"
