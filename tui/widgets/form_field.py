"""A labelled form control with its own error line, so each problem shows beside its field."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import Validator
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField > Horizontal > Label { width: 18; padding: 0 1 0 0; }
    FormField > Horizontal > Input, FormField > Horizontal > Select { width: 1fr; }
    FormField > .field-error { color: $error; height: auto; padding-left: 18; display: none; }
    FormField.-error > .field-error { display: block; }
    FormField > .field-help { color: $text-muted; height: auto; padding-left: 18; }
    """

    def __init__(self, name: str, label: str, control: Widget, *, help: str = "") -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label = label
        self.control = control
        self.help = help
        self.error = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label, markup=False)
            yield self.control
        if self.help:
            yield Static(self.help, markup=False, classes="field-help")
        yield Static("", markup=False, classes="field-error")

    @property
    def value(self) -> Any:
        control = self.control
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        if isinstance(control, Checkbox | Input):
            return control.value
        raise TypeError(f"no value for {type(control).__name__}")

    def set_error(self, message: str | None) -> None:
        self.error = message or ""
        self.query_one(".field-error", Static).update(self.error)
        self.set_class(bool(message), "-error")

    def check(self) -> bool:
        """Run the control's validators; show the first problem. True when it passes."""
        if isinstance(self.control, Input):
            result = self.control.validate(self.control.value)
            if result is not None and not result.is_valid:
                self.set_error(result.failure_descriptions[0])
                return False
        self.set_error(None)
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.set_error(result.failure_descriptions[0])
        else:
            self.set_error(None)


def text_input(
    value: str = "",
    *,
    placeholder: str = "",
    validators: list[Validator] | None = None,
    disabled: bool = False,
) -> Input:
    return Input(
        value=value,
        placeholder=placeholder,
        validators=validators or [],
        compact=True,
        disabled=disabled,
        validate_on=["changed", "submitted"],
    )


def pick(options: list[tuple[str, str]], value: str | None = None, *, blank: bool = True) -> Select:
    """A pick list of (shown text, value); ``blank`` allows choosing nothing."""
    return Select(
        [(Text(text), key) for text, key in options],  # names are text, never markup
        value=value if value is not None else Select.NULL,
        allow_blank=blank,
        compact=True,
    )
