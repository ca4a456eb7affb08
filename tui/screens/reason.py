"""Asking for a reason (a rejection's, for the requester): returns the text, or None."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ReasonScreen(ModalScreen[str | None]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, question: str, *, action: str = "Reject") -> None:
        super().__init__()
        self.question = question
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            yield Input(placeholder="the reason, for the requester", id="reason")
            yield Static("", classes="form-error", id="reason-error")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.action_label} (enter)", variant="error", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self) -> None:
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._finish()

    def _finish(self) -> None:
        reason = self.query_one(Input).value.strip()
        if not reason:
            self.query_one("#reason-error", Static).update("a reason is needed")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
