"""The request form: a modal that returns a checked RequestDraft, or None when abandoned.

Each field is checked as it is typed, with labops' own parsers; submitting checks the whole
form with the same model `labops request submit` reads files with, and puts each problem
beside its field. Nothing is written here: the screen that opened the form submits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Static

from labops.errors import LabopsError
from labops.permissions import Action
from labops.records.edit import choices
from labops.requests.form import RequestForm
from labops.requests.service import submit_request
from labops.views import plural
from labops.vocabulary import Role
from tui import validators as check
from tui.context import Context
from tui.screens.base import LabopsScreen
from tui.widgets.form_field import FormField, pick, text_input


@dataclass(frozen=True)
class RequestDraft:
    form: RequestForm
    draft: bool  # save as a draft instead of submitting
    values: dict[str, Any]  # what was typed, to open the form again as it was


@dataclass(frozen=True)
class FormChoices:
    projects: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    units: list[tuple[str, str]]
    sites: list[tuple[str, str]]


# Where a task-level problem from the model belongs, by the field it names.
_TASK_FIELDS = {
    "key": "key",
    "name": "name",
    "duration": "duration",
    "equipment": "equipment",
    "staff": "role",
    "staff_for": "staff_for",
    "earliest": "earliest",
    "due": "due",
    "due_hard": "due",
    "unattended": "unattended",
    "shifts": "shifts",
}


class RequestFormScreen(ModalScreen[RequestDraft | None]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "finish(False)", "Submit", id="form.submit", priority=True),
        Binding("ctrl+d", "finish(True)", "Save draft", id="form.draft", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        choices: FormChoices,
        *,
        values: dict[str, Any] | None = None,
        error: str = "",
        title: str = "New request",
    ) -> None:
        super().__init__()
        self.choices = choices
        self.values = values or {}
        self.error = error
        self.title_text = title

    def _value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def compose(self) -> ComposeResult:
        v = self._value
        projects = [(f"{p} ({name})", p) for p, name in self.choices.projects]
        first_project = projects[0][1] if projects else None
        equipment = [(f"any {name} ({kind})", f"kind:{kind}") for kind, name in self.choices.kinds]
        equipment += [(f"{unit}: {name}", f"unit:{unit}") for unit, name in self.choices.units]
        with VerticalScroll(classes="form") as form:
            form.border_title = Text(self.title_text)
            yield FormField(
                "project",
                "Project",
                pick(projects, v("project", None) or first_project, blank=False),
            )
            yield FormField("title", "Title", text_input(v("title"), validators=[check.Required()]))
            yield FormField("note", "Note", text_input(v("note")))
            yield Static("Task", classes="form-section")
            yield FormField("key", "Key", text_input(v("key", "task-1"), validators=[check.slug()]))
            yield FormField("name", "Name", text_input(v("name")))
            yield FormField(
                "duration",
                "Duration",
                text_input(
                    v("duration"), placeholder="45m, 2h, 1h30m", validators=[check.duration()]
                ),
            )
            yield FormField("equipment", "Equipment", pick(equipment, v("equipment", None)))
            sites = [(f"{site} ({name})", site) for site, name in self.choices.sites]
            yield FormField(
                "site", "At site", pick(sites, v("site", None)), help="only with 'any' equipment"
            )
            yield FormField(
                "amount",
                "Amount",
                text_input(v("amount", "1"), validators=[check.whole(1, 10_000, required=True)]),
            )
            yield FormField(
                "role", "Person role", pick([(r.value, r.value) for r in Role], v("role", None))
            )
            yield FormField(
                "skill",
                "Skill",
                text_input(
                    v("skill"),
                    placeholder="e.g. microscopy",
                    validators=[check.slug(required=False)],
                ),
            )
            yield FormField(
                "level",
                "Skill level",
                text_input(v("level", "1"), validators=[check.whole(1, 3, required=True)]),
            )
            yield FormField(
                "count",
                "People",
                text_input(v("count", "1"), validators=[check.whole(1, 100, required=True)]),
            )
            yield FormField(
                "earliest",
                "Earliest",
                text_input(
                    v("earliest"), placeholder="2026-12-01 09:00", validators=[check.local_time()]
                ),
            )
            yield FormField(
                "due",
                "Due",
                text_input(
                    v("due"), placeholder="2026-12-11 17:00", validators=[check.local_time()]
                ),
            )
            yield FormField(
                "due_hard", "", Checkbox("due date cannot slip", v("due_hard", False), compact=True)
            )
            yield FormField(
                "unattended",
                "",
                Checkbox("runs unattended after setup", v("unattended", False), compact=True),
            )
            yield FormField(
                "shifts",
                "",
                Checkbox(
                    "watched throughout in shifts (one person at a time)",
                    v("shifts", False),
                    compact=True,
                ),
            )
            yield FormField(
                "staff_for",
                "Staffed for",
                text_input(
                    v("staff_for"),
                    placeholder="30m (unattended tasks)",
                    validators=[check.duration(required=False)],
                ),
            )
            yield Static(self.error, markup=False, classes="form-error", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Submit (^s)", variant="primary", id="submit")
                yield Button("Save draft (^d)", id="draft")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-title Input").focus()

    # --- reading the fields ---------------------------------------------------------------

    def fields(self) -> dict[str, FormField]:
        return {f.field_name: f for f in self.query(FormField)}

    def typed(self) -> dict[str, Any]:
        return {name: field.value for name, field in self.fields().items()}

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        """The form's values in the shape of a request file."""
        task: dict[str, Any] = {
            "key": values["key"].strip(),
            "name": values["name"].strip(),
            "duration": values["duration"].strip(),
            "due_hard": values["due_hard"],
            "unattended": values["unattended"],
            "shifts": values["shifts"],
        }
        choice = values["equipment"]
        if choice:
            what, _, ident = choice.partition(":")
            need: dict[str, Any] = {what: ident, "amount": values["amount"].strip() or 1}
            if what == "kind" and values["site"]:
                need["site"] = values["site"]
            task["equipment"] = [need]
        if values["role"] or values["skill"].strip():
            staff: dict[str, Any] = {"count": values["count"].strip() or 1}
            if values["role"]:
                staff["role"] = values["role"]
            if values["skill"].strip():
                staff["skill"] = values["skill"].strip()
                staff["level"] = values["level"].strip() or 1
            task["staff"] = [staff]
        for name in ("earliest", "due"):
            if values[name].strip():
                task[name] = check.parse_local_time(values[name])
        if values["staff_for"].strip():
            task["staff_for"] = values["staff_for"].strip()
        return {
            "project": values["project"],
            "title": values["title"].strip(),
            "note": values["note"].strip(),
            "tasks": [task],
        }

    # --- finishing ------------------------------------------------------------------------

    def action_finish(self, draft: bool) -> None:
        fields = self.fields()
        ok = all([field.check() for field in fields.values()])
        general = self.query_one("#form-error", Static)
        general.update("")
        if not ok:
            general.update("fix the fields marked above")
            return
        values = self.typed()
        try:
            form = RequestForm.model_validate(self.build(values))
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                message = str(error["msg"]).removeprefix("Value error, ")
                where = _field_of(error["loc"], message)
                if where in fields:
                    fields[where].set_error(message)
                else:
                    problems.append(message)
            general.update("; ".join(problems) or "fix the fields marked above")
            return
        self.dismiss(RequestDraft(form=form, draft=draft, values=values))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_finish(event.button.id == "draft")


def _field_of(loc: tuple[Any, ...], message: str) -> str:
    """The field a problem belongs beside. A task's own checks (loc ends at the task) name
    the field they are about first: "staff_for is longer than the task"."""
    if not loc:
        return "form"
    if loc[0] != "tasks":
        return str(loc[0])
    if len(loc) > 2:
        return _TASK_FIELDS.get(str(loc[2]), "form")
    named = [
        (message.find(name), -len(name), field)
        for name, field in _TASK_FIELDS.items()
        if name in message
    ]
    return min(named)[2] if named else "form"


def form_choices(ctx: Context) -> FormChoices:
    """The pick lists, with only the projects the actor may request for."""
    found = choices(ctx.db)
    return FormChoices(
        projects=[(p, n) for p, n in found["project"] if ctx.can(Action.REQUEST, p)],
        kinds=found["kind"],
        units=found["equipment"],
        sites=found["site"],
    )


def open_request_form(
    screen: LabopsScreen, *, values: dict[str, Any] | None = None, error: str = ""
) -> None:
    """Show the form; submit what it returns; on a refusal show it again, as it was, with
    the reason, so nothing typed is lost and nothing is written."""
    ctx = screen.ctx

    def submitted(result: RequestDraft | None) -> None:
        if result is None:
            return
        try:
            done = submit_request(
                ctx.db, actor=ctx.actor, form=result.form, now=ctx.now(), draft=result.draft
            )
        except LabopsError as exc:
            open_request_form(screen, values=result.values, error=str(exc))
            return
        verb = "saved as a draft" if result.draft else "submitted"
        screen.notify(
            f"request {done.request_id} {verb}: {plural(done.tasks, 'task')}, {done.hours:g} h"
        )
        screen.changed()

    screen.app.push_screen(
        RequestFormScreen(form_choices(ctx), values=values, error=error), submitted
    )
