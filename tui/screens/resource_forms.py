"""The fields of each record form on the Resources screen (the service checks the values)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from textual.validation import Validator

from labops.records.edit import record_form
from labops.records.forms import FormField
from labops.vocabulary import AbsenceKind
from tui import validators as check
from tui.screens.record_form import FieldSpec

Choices = dict[str, list[tuple[str, str]]]


def _options(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"{key}: {name}", key) for key, name in pairs]


def _values(enum: type[Enum]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def record_fields(kind: str, choices: Choices, *, new: bool) -> list[FieldSpec]:
    id_field = FieldSpec("id", "Id", validators=[check.slug()], fixed=not new)
    fields = record_form(kind) or []  # every kind's form derives from its model family
    return [id_field, *(_field(f, choices) for f in fields)]


def _field(field: FormField, choices: Choices) -> FieldSpec:
    """A model-derived field as the form's widget, with the checks its type and bounds
    imply (the service checks again)."""
    need = field.required
    if field.input == "check":
        return FieldSpec(
            field.name, field.label, kind="check", help=field.help, default=field.default
        )
    if field.input == "pick":
        options = (
            _options(choices[field.records])
            if field.records
            else [(value, value) for value in field.options]
        )
        return FieldSpec(
            field.name,
            field.label,
            kind="pick",
            options=options,
            # a required choice of values starts on one; a record must be picked on purpose
            blank=not need or (field.records is not None and not field.default),
            default=field.default,
            help=field.help,
        )
    make: dict[str, Callable[[], list[Validator]]] = {
        "money": lambda: [check.money(need)],
        "duration": lambda: [check.duration(need)],
        "whole": lambda: [check.whole(int(field.low or 0), int(field.high or 2**31), need)],
        "number": lambda: [check.number(field.low or 0, field.high or 1e12, need)],
        "text": lambda: [check.Required()] if need else [],
    }
    validators = make[field.input]()
    return FieldSpec(
        field.name, field.label, validators=validators, default=field.default, help=field.help
    )


def certification_fields(choices: Choices) -> list[FieldSpec]:
    return [
        FieldSpec("kind", "Equipment kind", kind="pick", options=_options(choices["kind"])),
        FieldSpec("expires", "Valid until", placeholder="2027-12-31", validators=[check.day()]),
    ]


def absence_fields() -> list[FieldSpec]:
    return [
        FieldSpec(
            "start", "From", placeholder="2026-12-21 00:00", validators=[check.local_time(True)]
        ),
        FieldSpec(
            "end", "Until", placeholder="2027-01-04 00:00", validators=[check.local_time(True)]
        ),
        FieldSpec(
            "kind", "Kind", kind="pick", options=_values(AbsenceKind), blank=False, default="leave"
        ),
        FieldSpec("note", "Note"),
    ]
