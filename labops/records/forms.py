"""What a record's edit form holds, read from its model's fields.

A kind whose fields are one model family (``labops.equipment.model``) needs no form written
out: each field's title, help, type, bounds and the records it names come from the model,
so a new field shows up in the TUI's form with its checks. The TUI turns these into its
widgets; the service checks the values again with the model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

import annotated_types
from pydantic import PlainSerializer
from pydantic.fields import FieldInfo
from sqlmodel import SQLModel

from labops.columns import references
from labops.fields import format_cents, format_minutes, format_money

Input = Literal["text", "pick", "check", "money", "duration", "whole", "number"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    help: str
    input: Input
    required: bool
    default: Any  # as typed into the form ("0m", "85.50", True)
    low: float | None = None
    high: float | None = None
    records: str | None = None  # a pick list of this kind's records
    options: tuple[str, ...] = ()  # a pick list of these values


def form_fields(fields: type[SQLModel], *, skip: tuple[str, ...] = ("id",)) -> list[FormField]:
    """The form of a model family's ``...Fields`` class, in declaration order."""
    return [
        _form_field(name, info) for name, info in fields.model_fields.items() if name not in skip
    ]


def _form_field(name: str, info: FieldInfo) -> FormField:
    kind = info.annotation
    optional = _strip_none(kind)
    kind = optional or kind
    serializer = next((m.func for m in info.metadata if isinstance(m, PlainSerializer)), None)
    low = _bound(next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None))
    high = _bound(next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None))
    required = info.is_required()
    default = None if info.is_required() else info.default
    target = references(info)
    common: dict[str, Any] = {
        "name": name,
        "label": info.title or name.replace("_", " ").capitalize(),
        "help": info.description or "",
        "required": required,
    }
    if target is not None:
        return FormField(**common, input="pick", default=default or "", records=target)
    if isinstance(kind, type) and issubclass(kind, Enum):
        values = tuple(member.value for member in kind)
        shown = default.value if isinstance(default, Enum) else ""
        return FormField(**common, input="pick", default=shown, options=values)
    if kind is bool:
        return FormField(**common, input="check", default=bool(default))
    if serializer is format_cents:
        return FormField(**common, input="money", default=_shown(serializer, default), low=0)
    if serializer is format_minutes:
        return FormField(**common, input="duration", default=_shown(serializer, default), low=0)
    if kind is int:
        return FormField(**common, input="whole", default=_shown(None, default), low=low, high=high)
    if kind is float:
        return FormField(
            **common, input="number", default=_shown(None, default), low=low, high=high
        )
    return FormField(**common, input="text", default=default or "")


def _bound(value: object) -> float | None:
    """A field's ge/le bound (annotated_types allows anything comparable; ours are numbers)."""
    assert value is None or isinstance(value, int | float)
    return value


def _strip_none(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    if type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else None
    return None


def _shown(serializer: Any, default: Any) -> str:
    if default is None:
        return ""
    value = serializer(default) if serializer else default
    if isinstance(value, float):  # cents as an amount: 120.50, never 120.5
        return f"{value:.2f}" if serializer is format_cents else f"{value:g}"
    return str(value)


def detail_lines(row: SQLModel, fields: type[SQLModel]) -> list[tuple[str, Any]]:
    """A record's fields as a detail view lists them: (label, value), money and durations
    written as people read them."""
    lines: list[tuple[str, Any]] = []
    for field in form_fields(fields):
        value = getattr(row, field.name)
        if field.input == "money":
            value = format_money(value)
        elif field.input == "duration":
            value = format_minutes(value)
        lines.append((field.label.lower(), value))
    return lines


def form_values(row: SQLModel, fields: type[SQLModel]) -> dict[str, Any]:
    """A record's fields as its form shows them for editing (as typed: "1h30m", "85.50")."""
    values: dict[str, Any] = {"id": row.id}  # type: ignore[attr-defined]
    for field in form_fields(fields):
        value = getattr(row, field.name)
        if field.input in ("money", "duration", "whole", "number"):
            serializer: Callable[[Any], Any] | None = None
            serializer = format_cents if field.input == "money" else None
            serializer = format_minutes if field.input == "duration" else serializer
            value = _shown(serializer, value)
        elif isinstance(value, Enum):
            value = value.value
        values[field.name] = "" if value is None else value
    return values
