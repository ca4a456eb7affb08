"""The solver's progress while it runs: objective, proven bound, solutions, elapsed time."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static


class ProgressPanel(Vertical):
    DEFAULT_CSS = """
    ProgressPanel { height: auto; padding: 0 1; border: round $primary-darken-2; }
    ProgressPanel > #progress-facts { height: auto; }
    ProgressPanel > ProgressBar { margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Solver"
        self.state = "idle"
        self.detail = "press g to plan approved requests, r to repair after downtime"
        self.objective: float | None = None
        self.bound: float | None = None
        self.solutions = 0
        self.elapsed = 0.0
        self.limit = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="progress-facts")
        yield ProgressBar(total=100, show_eta=False, id="progress-bar")

    def on_mount(self) -> None:
        self._draw()

    def start(self, limit: float, what: str) -> None:
        self.state, self.detail, self.limit = "building", what, limit
        self.objective = self.bound = None
        self.solutions, self.elapsed = 0, 0.0
        self._draw()

    def built(self, tasks: int, requests: int) -> None:
        self.state, self.detail = "solving", f"{tasks} tasks of {requests} requests"
        self._draw()

    def progress(self, *, objective: float, bound: float, solutions: int, level: str) -> None:
        self.objective, self.bound, self.solutions = objective, bound, solutions
        if level:
            self.detail = f"optimising {level}"
        self._draw()

    def tick(self, elapsed: float) -> None:
        self.elapsed = elapsed
        self._draw()

    def finish(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        self._draw()

    @property
    def text(self) -> str:
        return " ".join(str(cell) for cell in self._facts())

    def _facts(self) -> list[str]:
        facts = [self.state, self.detail]
        if self.objective is not None:
            facts.append(f"objective {self.objective:,.0f}")
            facts.append(f"bound {self.bound:,.0f}")
            facts.append(f"solutions {self.solutions}")
        if self.limit:
            facts.append(f"elapsed {self.elapsed:.1f} s of {self.limit:g} s")
        return facts

    def _draw(self) -> None:
        if not self.children:  # not composed yet: on_mount draws
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row(Text("state"), Text(f"{self.state}: {self.detail}"))
        if self.objective is not None:
            # Relative to the larger of the two, so the gap reads 0-100 % whichever way the
            # level optimises.
            gap = (
                abs(self.objective - self.bound) / max(abs(self.objective), abs(self.bound), 1e-9)
                if self.bound is not None
                else None
            )
            grid.add_row(
                Text("objective"),
                Text(
                    f"{self.objective:,.0f}   bound {self.bound:,.0f}"
                    + (f"   gap {100 * gap:.1f}%" if gap is not None else "")
                    + f"   solutions {self.solutions}"
                ),
            )
        if self.limit:
            grid.add_row(Text("elapsed"), Text(f"{self.elapsed:.1f} s of {self.limit:g} s"))
        self.query_one("#progress-facts", Static).update(grid)
        bar = self.query_one(ProgressBar)
        bar.update(progress=min(100.0, 100 * self.elapsed / self.limit) if self.limit else 0)
        bar.display = self.state in ("building", "solving", "stopping")
