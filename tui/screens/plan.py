"""Plan: run the solver with live progress and a stop key, review the diff, accept or discard.

The solver runs in a thread worker. Its callbacks only post messages; the screen, on the UI
thread, draws them. Accepting asks first, then writes the plan in one transaction;
discarding writes nothing. The freeze field keeps the next working days as they are (the
platform's setting unless changed here). Bookings kept although they break a rule are
listed for the operator to resolve. Downtime is recorded here too, so a breakdown can be
repaired in one place.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from labops.bookings.service import DowntimeAdded
from labops.errors import LabopsError
from labops.permissions import Action
from labops.planning.plans import (
    commit,
    commit_summary,
    planning_settings,
    proposal_listings,
    propose,
)
from labops.planning.proposal import Change, Proposal
from labops.planning.settings import TIME_LIMIT, WEEKS, WORKERS
from labops.views import Listing, plural
from tui import validators as check
from tui.context import Context
from tui.messages import PlanBuilt, PlanProgress
from tui.screens.base import LabopsScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.downtime import DowntimeDraft, open_downtime_form
from tui.widgets.listing_table import ListingTable
from tui.widgets.progress_panel import ProgressPanel
from tui.widgets.top_bar import TopBar

TICK_SECONDS = 0.25


class SolverProgress(Protocol):
    """What the solver reports with each better plan (solver.solve.Progress, frozen: so
    read-only members)."""

    @property
    def objective(self) -> float: ...
    @property
    def bound(self) -> float: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def solutions(self) -> int: ...
    @property
    def level(self) -> str: ...


class PlanScreen(LabopsScreen):
    TITLE_TEXT = "Plan"
    MODE = "plan"
    CSS_PATH = "plan.tcss"
    AUTO_FOCUS = "#plan-changes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "plan(False)", "Plan", id="plan.run"),
        Binding("r", "plan(True)", "Repair", id="plan.repair"),
        Binding("s", "stop", "Stop", id="plan.stop"),
        Binding("a", "accept", "Accept", id="plan.accept"),
        Binding("d", "discard", "Discard", id="plan.discard"),
        Binding("w", "downtime", "Downtime", id="plan.downtime"),
    ]

    def __init__(
        self, ctx: Context, *, time_limit: float = TIME_LIMIT, workers: int = WORKERS
    ) -> None:
        super().__init__(ctx)
        self.default_limit = time_limit
        self.default_workers = workers
        self.proposal: Proposal | None = None
        self.running = False
        self._stop = threading.Event()
        self._began = 0.0
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        with Horizontal(id="plan-options"):
            yield Label("weeks")
            yield Input(
                str(WEEKS), id="plan-weeks", compact=True, validators=[check.whole(1, 26, True)]
            )
            yield Label("freeze days")
            yield Input(
                str(planning_settings(self.ctx.db).freeze_days),
                id="plan-freeze",
                compact=True,
                validators=[check.whole(0, 60, False)],
            )
            yield Label("time limit s")
            yield Input(
                f"{self.default_limit:g}",
                id="plan-limit",
                compact=True,
                validators=[check.number(0.5, 600, True)],
            )
            yield Label("solver threads")
            yield Input(
                str(self.default_workers),
                id="plan-workers",
                compact=True,
                validators=[check.whole(1, 16, True)],
            )
        yield ProgressPanel(id="plan-progress")
        yield Static(id="plan-summary")
        with Vertical(id="plan-changes-box"):
            yield ListingTable(
                id="plan-changes",
                key="row",
                order=("change", "status", "request", "task", "when", "units", "people", "project"),
            )
        with Vertical(id="plan-left-box"):
            yield ListingTable(id="plan-left", key="request")
        with Vertical(id="plan-conflicts-box"):
            yield ListingTable(id="plan-conflicts", key="booking")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#plan-changes-box").border_title = "Changes"
        self.query_one("#plan-left-box").border_title = "Left out"
        box = self.query_one("#plan-conflicts-box")
        box.border_title = "Kept although they break a rule: resolve by hand"
        box.display = False
        self._summary("no plan yet: nothing is written until you accept one")

    def _summary(self, text: str, style: str = "") -> None:
        self.query_one("#plan-summary", Static).update(Text(text, style=style))

    # --- running the solver ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plan":
            return self.ctx.can(Action.SCHEDULE) and (not self.running or None)
        if action == "stop":
            return self.ctx.can(Action.SCHEDULE) and (self.running or None)
        if action in ("accept", "discard"):
            if not self.ctx.can(Action.SCHEDULE):
                return False
            return (self.proposal is not None and not self.running) or None
        if action == "downtime":
            return self.ctx.can(Action.DOWNTIME) and (not self.running or None)
        return True

    def _option(self, name: str, kind: type[int] | type[float]) -> int | float | None:
        field = self.query_one(f"#plan-{name}", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.notify(f"{name}: {result.failure_descriptions[0]}", severity="error", markup=False)
            return None
        return kind(field.value.strip()) if field.value.strip() else -1

    def action_plan(self, repair: bool) -> None:
        weeks, limit, workers, freeze = (
            self._option("weeks", int),
            self._option("limit", float),
            self._option("workers", int),
            self._option("freeze", int),
        )
        if weeks is None or limit is None or workers is None or freeze is None or self.running:
            return
        self.proposal = None
        self._show_listings(None)
        self.running = True
        self._stop.clear()
        self._began = time.monotonic()
        what = "repairing what downtime and cancellations hit" if repair else "planning"
        self.query_one(ProgressPanel).start(float(limit), what)
        self._summary(f"{what}: press s to stop and keep the best plan found so far")
        self._ticker = self.set_interval(TICK_SECONDS, self._tick)
        self.refresh_bindings()
        self.solve(
            repair=repair,
            weeks=int(weeks),
            limit=float(limit),
            workers=int(workers),
            freeze=None if freeze < 0 else int(freeze),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan")
    def solve(
        self, *, repair: bool, weeks: int, limit: float, workers: int, freeze: int | None
    ) -> Proposal:
        """In a worker thread: build and solve. Only messages leave this thread."""

        def progress(p: SolverProgress) -> None:
            # An exception raised into CP-SAT's callback can abort the process.
            with contextlib.suppress(Exception):
                self.post_message(
                    PlanProgress(p.objective, p.bound, p.elapsed, p.solutions, p.level)
                )

        def built(tasks: int, requests: int) -> None:
            with contextlib.suppress(Exception):
                self.post_message(PlanBuilt(tasks, requests))

        return propose(
            self.ctx.db,
            actor=self.ctx.actor,
            now=self.ctx.now(),
            weeks=weeks,
            repair=repair,
            time_limit=limit,
            workers=workers,
            progress=progress,
            stop=self._stop,
            on_built=built,
            freeze_days=freeze,
        )

    def _tick(self) -> None:
        if self.running:
            self.query_one(ProgressPanel).tick(time.monotonic() - self._began)

    def on_plan_built(self, message: PlanBuilt) -> None:
        self.query_one(ProgressPanel).built(message.tasks, message.requests)

    def on_plan_progress(self, message: PlanProgress) -> None:
        self.query_one(ProgressPanel).progress(
            objective=message.objective,
            bound=message.bound,
            solutions=message.solutions,
            level=message.level,
        )

    def action_stop(self) -> None:
        if self.running:
            self._stop.set()
            self.query_one(ProgressPanel).finish("stopping", "keeping the best plan so far")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "plan" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self.running = False
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        panel = self.query_one(ProgressPanel)
        panel.tick(time.monotonic() - self._began)
        if event.state == WorkerState.SUCCESS:
            assert event.worker.result is not None  # a worker that succeeded has its result
            self._proposed(event.worker.result)
        else:
            error = event.worker.error
            message = str(error) if isinstance(error, LabopsError) else f"internal error: {error!r}"
            panel.finish("failed", message)
            self._summary(message, "red")
            self.notify(message, title="No plan", severity="error", markup=False)
        self.refresh_bindings()

    def _proposed(self, proposal: Proposal) -> None:
        self.proposal = proposal
        plan = proposal.plan
        stopped = " (stopped)" if self._stop.is_set() else ""
        self.query_one(ProgressPanel).finish(
            f"done{stopped}", f"{plan.status} in {plan.seconds:.1f} s"
        )
        counts = ", ".join(
            f"{proposal.count(change)} {change.value}"
            for change in Change
            if proposal.count(change)
        )
        conflicts = len(proposal.conflicts)
        self._summary(
            f"{plural(len(proposal.placed_requests), 'request')} placed, "
            f"{len(proposal.left_out)} left "
            f"out; {counts or 'no booking changes'}; {proposal.kept} kept"
            + (f"; {conflicts} kept although they break a rule" if conflicts else "")
            + ". a accepts (asks first, one transaction), d discards",
            "bold",
        )
        self._show_listings(proposal)

    def _show_listings(self, proposal: Proposal | None) -> None:
        changes_box = self.query_one("#plan-changes-box")
        changes = self.query_one("#plan-changes", ListingTable)
        left = self.query_one("#plan-left", ListingTable)
        conflicts = self.query_one("#plan-conflicts", ListingTable)
        conflicts_box = self.query_one("#plan-conflicts-box")
        if proposal is None:
            changes.clear(columns=True)
            left.clear(columns=True)
            conflicts.clear(columns=True)
            conflicts_box.display = False
            changes_box.border_title = "Changes"
            return
        listings = proposal_listings(proposal)
        numbered = Listing(
            listings[0].title,
            listings[0].columns,
            [{"row": i, **row} for i, row in enumerate(listings[0].rows)],
        )
        changes.key = "row"
        changes.show(numbered)
        changes_box.border_title = f"Changes ({len(numbered.rows)}); {listings[0].note}"
        left.show(listings[1])
        conflicts_box.display = bool(listings[3].rows)
        if listings[3].rows:
            conflicts.show(listings[3])

    # --- accepting, discarding ------------------------------------------------------------

    def action_accept(self) -> None:
        proposal = self.proposal
        if proposal is None or self.running:
            return
        if proposal.is_empty:
            self._summary("nothing to write: the plan stays as it is")
            self.notify("nothing to write: the plan stays as it is", markup=False)
            return
        moved = sum(1 for c in proposal.changes if c.change != Change.NEW)
        question = (
            f"Write this plan? {len(proposal.changes)} booking changes ({moved} to bookings "
            f"people know of), {len(proposal.people_affected())} people's days change."
        )

        def answered(yes: bool | None) -> None:
            if yes and self.proposal is proposal and not self.running:
                self._write(proposal)

        self.app.push_screen(ConfirmScreen(question, yes="Write the plan"), answered)

    def _write(self, proposal: Proposal) -> None:
        result = self.attempt(
            commit, self.ctx.db, actor=self.ctx.actor, now=self.ctx.now(), proposal=proposal
        )
        if result is None:
            return
        self.proposal = None
        message = f"plan written: {commit_summary(result)}"
        self.notify(message, title="Accepted")
        self._summary(message, "green")
        self.query_one(ProgressPanel).finish("idle", "plan accepted")
        self._show_listings(None)
        self.changed()

    def action_discard(self) -> None:
        if self.proposal is None:
            return
        self.proposal = None
        self._show_listings(None)
        self.query_one(ProgressPanel).finish("idle", "plan discarded")
        self._summary("plan discarded: nothing was written")
        self.refresh_bindings()

    # --- downtime -------------------------------------------------------------------------

    def action_downtime(self) -> None:
        open_downtime_form(self, then=self._downtime_recorded)

    def _downtime_recorded(self, draft: DowntimeDraft, added: DowntimeAdded) -> None:
        hit = added.hit
        text = f"downtime {added.downtime_id} recorded on {draft.unit}: "
        if hit.rows:
            text += f"{plural(len(hit.rows), 'booking')} hit; press r to repair them"
        else:
            text += "no booking is affected"
        self._summary(text, "yellow" if hit.rows else "")
        self.notify(text, markup=False)
        self.proposal = None
        self.query_one("#plan-changes-box").border_title = "Bookings hit by the downtime"
        table = self.query_one("#plan-changes", ListingTable)
        table.key = "id"
        table.show(hit, order=("request", "task", "start", "end", "people", "status", "id"))
        self.query_one("#plan-left", ListingTable).clear(columns=True)
        self.refresh_bindings()
