"""The solver's progress while it runs: per objective level its value and proven bound,
solutions, elapsed time. Each level keeps its row once the solver moves on, so the headline
(how much requested priority is scheduled) stays in sight while later levels run."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from labops.planning.plans import level_label


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
        self.levels: dict[str, tuple[float, float]] = {}  # level -> its last (value, bound)
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
        self.levels = {}
        self.solutions, self.elapsed = 0, 0.0
        self._draw()

    def built(self, tasks: int, requests: int) -> None:
        self.state, self.detail = "solving", f"{tasks} tasks of {requests} requests"
        self._draw()

    def progress(self, *, objective: float, bound: float, solutions: int, level: str) -> None:
        self.solutions = solutions
        if level == "constructive":
            # Its value is the plan's weighted objective, a scale no one reads: say what
            # happens instead; the first level's row follows with the same plan.
            self.detail = "a first plan is found; improving it"
        elif level:
            self.detail = f"optimising {level_label(level)}"
            self.levels[level] = (objective, bound)
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
        for level, (value, bound) in self.levels.items():
            facts.append(f"{level_label(level)} {value:,.0f} bound {bound:,.0f}")
        if self.solutions:
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
        for level, (value, bound) in self.levels.items():
            # Relative to the larger of the two, so the gap reads 0-100 % whichever way the
            # level optimises.
            gap = abs(value - bound) / max(abs(value), abs(bound), 1e-9)
            grid.add_row(
                Text(level_label(level)),
                Text(f"{value:,.0f}   bound {bound:,.0f}   gap {100 * gap:.1f}%"),
            )
        if self.solutions:
            grid.add_row(Text("solutions"), Text(str(self.solutions)))
        if self.limit:
            grid.add_row(Text("elapsed"), Text(f"{self.elapsed:.1f} s of {self.limit:g} s"))
        self.query_one("#progress-facts", Static).update(grid)
        bar = self.query_one(ProgressBar)
        bar.update(progress=min(100.0, 100 * self.elapsed / self.limit) if self.limit else 0)
        bar.display = self.state in ("building", "solving", "stopping")
