"""What every screen of the app shares: the context, reloading after writes, error lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.screen import Screen

from labops.errors import LabopsError
from tui.context import Context

T = TypeVar("T")


class LabopsScreen(Screen[None]):
    """A screen that shows service data and reloads it when something was written since."""

    TITLE_TEXT = ""
    MODE = ""  # the app mode this screen is the base of

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self._loaded_version = -1

    def on_screen_resume(self) -> None:
        if self._loaded_version != self.ctx.version:
            self.reload()

    def reload(self) -> None:
        """Read what the screen shows from the services again."""
        self._loaded_version = self.ctx.version
        self.attempt(self.load)

    def load(self) -> None:
        """Override: call the services and fill the widgets."""

    def changed(self) -> None:
        """Something was written: this screen reloads now, the others when shown."""
        self.ctx.changed()
        self.reload()

    def attempt(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a service call; a refusal becomes a notification (and None), the screen
        carries on."""
        try:
            return work(*args, **kwargs)
        except LabopsError as exc:
            self.refused(exc)
            return None

    def perform(self, work: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
        """Run a service call that returns nothing; whether it was done."""
        try:
            work(*args, **kwargs)
        except LabopsError as exc:
            self.refused(exc)
            return False
        return True

    def refused(self, exc: LabopsError) -> None:
        self.notify(str(exc), title="Not done", severity="error", markup=False, timeout=8)
