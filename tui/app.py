"""The labops operator terminal: the App, its modes per kind of user, and global keys.

Operators and admins get the control room (today, schedule, requests, plan, resources,
report); project leads get their projects and the schedule; anyone else a read-only
dashboard. Screens call labops services only.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen

from labops.controls import printable
from labops.dashboard.opening import opening
from labops.db import Database
from labops.permissions import Action
from labops.planning.settings import TIME_LIMIT
from tui.commands import LabopsCommands
from tui.context import Clock, Context
from tui.keymap import default_keymap_path, load_keymap
from tui.line_filter import NoControlCodes
from tui.messages import ShowBooking, ShowRequest
from tui.screens.base import LabopsScreen

# mode -> (title, the binding's key)
SCREENS: dict[str, tuple[str, str]] = {
    "today": ("Today", "1"),
    "projects": ("My projects", "1"),
    "schedule": ("Schedule", "2"),
    "requests": ("Requests", "3"),
    "plan": ("Plan", "4"),
    "resources": ("Resources", "5"),
    "report": ("Report", "6"),
}


# mode -> the screen's class, imported when the mode is first shown (start-up imports only
# the home screen's module).
SCREEN_CLASSES: dict[str, str] = {
    "today": "tui.screens.today:TodayScreen",
    "projects": "tui.screens.lead:LeadScreen",
    "schedule": "tui.screens.schedule:ScheduleScreen",
    "requests": "tui.screens.requests:RequestsScreen",
    "plan": "tui.screens.plan:PlanScreen",
    "resources": "tui.screens.resources:ResourcesScreen",
    "report": "tui.screens.report:ReportScreen",
}


def screen_class(mode: str) -> type[LabopsScreen]:
    module, _, name = SCREEN_CLASSES[mode].partition(":")
    return getattr(importlib.import_module(module), name)


class LabopsApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "labops"
    COMMANDS = App.COMMANDS | {LabopsCommands}
    # Screens style themselves for small terminals with these classes (80x24 is "-short").
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # typed by App
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"go('{mode}')", title, id=f"app.{mode}", show=False)
            for mode, (title, key) in SCREENS.items()
        ),
        Binding("q", "quit", "Quit", id="app.quit", show=False),
    ]

    def __init__(
        self,
        ctx: Context,
        *,
        keymap: dict[str, str] | None = None,
        keymap_problems: list[str] | None = None,
        time_limit: float = TIME_LIMIT,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.time_limit = time_limit
        self._keymap_problems = keymap_problems or []
        self._no_control_codes = NoControlCodes()
        self.title = printable(
            f"{ctx.platform} · {ctx.actor.name or ctx.actor.id} ({self._role()})"
        )
        for mode in self._screen_modes():
            self.add_mode(mode, partial(self._make, mode))
        if keymap:
            self.set_keymap(keymap)

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), self._no_control_codes]

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """A notification; its text may quote people's text, shown, never obeyed."""
        super().notify(printable(message), title=printable(title), **kwargs)

    def _role(self) -> str:
        return self.ctx.actor.access.value

    def _screen_modes(self) -> list[str]:
        """The screens (by mode) this kind of user gets."""
        ctx = self.ctx
        if ctx.is_operator:
            return ["today", "schedule", "requests", "plan", "resources", "report"]
        if ctx.is_lead:
            return ["projects", "schedule"]
        return ["today", "schedule", *(["report"] if ctx.can(Action.REPORT) else [])]

    def _make(self, mode: str) -> Screen:
        if mode == "plan":
            from tui.screens.plan import PlanScreen  # screens load when first shown

            return PlanScreen(self.ctx, time_limit=self.time_limit)
        return screen_class(mode)(self.ctx)

    @property
    def home(self) -> str:
        return "projects" if "projects" in self._modes else "today"

    def screen_list(self) -> list[tuple[str, str, str]]:
        """(mode, title, key) of the screens this user has."""
        return [(mode, *SCREENS[mode]) for mode in SCREENS if mode in self._modes]

    def on_mount(self) -> None:
        self.switch_mode(self.home)
        for problem in self._keymap_problems:
            self.notify(problem, title="Keymap", severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go":
            return parameters[0] in self._modes
        return True

    def action_go(self, mode: str) -> None:
        if mode in self._modes:
            self.switch_mode(mode)

    async def run_on(self, mode: str, action: str) -> None:
        """Run a screen's action from anywhere (the command palette): go there, then do it."""
        await self.switch_mode(mode)
        await self.screen.run_action(action)

    async def on_show_booking(self, message: ShowBooking) -> None:
        await self.switch_mode("schedule")
        from tui.screens.schedule import ScheduleScreen

        screen = self.screen
        if isinstance(screen, ScheduleScreen):
            screen.show_booking(message.booking_id)

    async def on_show_request(self, message: ShowRequest) -> None:
        if "requests" not in self._modes:
            return
        await self.switch_mode("requests")
        from tui.screens.requests import RequestsScreen

        screen = self.screen
        if isinstance(screen, RequestsScreen):
            screen.show_request(message.request_id)


def make_app(
    db: Database,
    actor_id: str | None,
    clock: Clock,
    *,
    keymap_path: Path | None = None,
    time_limit: float = TIME_LIMIT,
) -> LabopsApp:
    """The app for the person ``actor_id``; refuses nobody, an unknown person or an empty
    database at once, before any screen opens."""
    opened = opening(db, person_id=actor_id)
    ctx = Context(
        db=db,
        actor=opened.actor,
        clock=clock,
        platform=opened.platform,
        timezone=opened.timezone,
    )
    keymap, problems = load_keymap(keymap_path or default_keymap_path())
    return LabopsApp(ctx, keymap=keymap, keymap_problems=problems, time_limit=time_limit)


def run(db: Database, actor_id: str | None, clock: Clock) -> None:
    make_app(db, actor_id, clock).run()
