"""A form for one record (a site, a unit, downtime, leave...): a modal returning a typed value.

The fields are data (``FieldSpec``); ``parse`` turns what was typed into the value the
caller gets, or raises FieldErrors naming the fields that are wrong, which the form shows
beside them. When the service then refuses the value, the caller opens the form again with
``values`` and ``errors``, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Validator
from textual.widgets import Button, Checkbox, Footer, Input, Static

from labops.records.edit import FieldErrors
from tui.widgets.form_field import FormField, pick, text_input

T = TypeVar("T")
Values = dict[str, Any]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Literal["text", "pick", "check"] = "text"
    options: Sequence[tuple[str, str]] = ()  # (shown, value) for a pick list
    validators: Sequence[Validator] = ()
    placeholder: str = ""
    help: str = ""
    fixed: bool = False  # shown but not editable (an id when editing)
    blank: bool = True  # a pick list may be left empty
    default: Any = field(default="")


def keep_values(values: Values) -> Values:
    """The identity parse: the caller's service checks the values."""
    return values


class RecordFormScreen(ModalScreen[T | None], Generic[T]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FieldSpec],
        parse: Callable[[Values], T],
        *,
        values: Values | None = None,
        errors: dict[str, str] | None = None,
        error: str = "",
        save_label: str = "Save",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.specs = list(fields)
        self.parse = parse
        self.values = values or {}
        self.errors = errors or {}
        self.error = error
        self.save_label = save_label

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form") as form:
            form.border_title = Text(self.title_text)
            for spec in self.specs:
                # A checkbox says its help itself, beside the box.
                shown = "" if spec.kind == "check" else spec.help
                yield FormField(spec.name, spec.label, self._control(spec), help=shown)
            yield Static(self.error, markup=False, classes="form-error", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.save_label} (^s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer(compact=True)

    def _control(self, spec: FieldSpec) -> Any:
        value = self.values.get(spec.name, spec.default)
        if spec.kind == "pick":
            return pick(list(spec.options), value or None, blank=spec.blank)
        if spec.kind == "check":
            return Checkbox(spec.help or spec.label, bool(value), compact=True)
        return text_input(
            "" if value is None else str(value),
            placeholder=spec.placeholder,
            validators=list(spec.validators),
            disabled=spec.fixed,
        )

    def on_mount(self) -> None:
        fields = self.fields()
        for name, message in self.errors.items():
            if name in fields:
                fields[name].set_error(message)
        editable = [f for f in fields.values() if not f.control.disabled]
        if editable:
            editable[0].control.focus()

    def fields(self) -> dict[str, FormField]:
        return {f.field_name: f for f in self.query(FormField)}

    def action_save(self) -> None:
        fields = self.fields()
        general = self.query_one("#form-error", Static)
        general.update("")
        if not all([f.check() for f in fields.values()]):
            general.update("fix the fields marked above")
            return
        values = {name: f.value for name, f in fields.items()}
        try:
            result = self.parse(values)
        except FieldErrors as exc:
            rest = []
            for name, message in exc.errors.items():
                if name in fields:
                    fields[name].set_error(message)
                else:
                    rest.append(f"{name}: {message}")
            general.update("; ".join(rest) or "fix the fields marked above")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()
