"""Adding and editing the platform's records: sites, equipment, people, projects, fund pools.

Forms hand in the text people typed; each field is checked with the platform file's own
rules (the same ids, durations, money and hours), references are checked against the
database, and a refusal names every field that is wrong, so a form can show each problem
beside its field. Every change is one transaction with an audit event, and needs an admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel, col, delete, select

from labops import tables as t
from labops.audit import field_changes, record
from labops.columns import references, table
from labops.db import Database
from labops.equipment.model import EquipmentFields, EquipmentSpec
from labops.errors import InputError, NotFound
from labops.fields import Window, format_hours_text
from labops.funds.model import FundPoolFields, FundPoolSpec
from labops.people.model import PersonFields, supervisor_problem
from labops.permissions import Action, Actor, current_actor
from labops.platform.file_schema import PersonSpec, ProjectSpec, SiteSpec
from labops.projects.model import ProjectFields
from labops.records.catalog import platform_info
from labops.records.forms import FormField, form_fields, form_values
from labops.sites.model import SiteFields
from labops.vocabulary import WEEKDAYS

KINDS = ("site", "equipment", "person", "project", "fund_pool")


class FieldErrors(InputError):
    """Form values that do not pass; ``errors`` maps each field to its one problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors.items()))


# --- what each form holds ----------------------------------------------------------------


def validate_input(model: type[BaseModel], values: Mapping[str, Any]) -> Any:
    """``model`` from form values, or FieldErrors naming each wrong field."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(name, _problem(error))
        raise FieldErrors(errors) from None


def _problem(error: Any) -> str:
    if error["type"] == "missing" or (
        error["type"] == "string_too_short" and error.get("ctx", {}).get("min_length") == 1
    ):
        return "is required"
    if error["type"] == "string_pattern_mismatch":
        return "use lower-case letters, digits, '.', '_' or '-' (at most 64)"
    if error["type"] == "enum":
        return f"choose one of {error.get('ctx', {}).get('expected', '')}"
    return str(error["msg"]).removeprefix("Value error, ")


# --- saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    table: type[SQLModel]
    model: type[BaseModel]  # the platform file's entry (an Entry or a kind's XSpec)
    label: str
    references: Callable[[Session, Any], dict[str, str]]
    apply: Callable[[Session, Any, Any], None]  # (session, row or None, checked input)
    values: Callable[[Session, Any], dict[str, Any]]  # a row as form text
    fields: type[SQLModel] | None = None  # a model family's fields: the form derives from them
    extra: tuple[FormField, ...] = ()  # form fields beyond the model's (weekly hours)


def _family(
    table_class: type[SQLModel],
    spec: type[BaseModel],
    fields: type[SQLModel],
    label: str,
    *,
    check: Callable[[Session, Any], dict[str, str]] | None = None,
    after: Callable[[Session, Any], None] | None = None,
    hours: _Hours | None = None,
) -> _Kind:
    """A kind whose form is its platform file entry: its fields say it all. ``check``
    adds a rule across records; ``after`` writes what follows from a saved record."""

    def references(session: Session, value: Any) -> dict[str, str]:
        return {**_field_references(session, value), **(check(session, value) if check else {})}

    def apply(session: Session, row: Any, value: Any) -> None:
        row = row or table_class(id=value.id)
        for name in fields.model_fields:
            setattr(row, name, getattr(value, name))
        session.add(row)
        session.flush()
        if hours:
            hours.write(session, value)
        if after:
            after(session, value)

    def values(session: Session, row: Any) -> dict[str, Any]:
        return {**form_values(row, fields), **(hours.values(session, row) if hours else {})}

    extra = (hours.field,) if hours else ()
    return _Kind(table_class, spec, label, references, apply, values, fields, extra)


def save_record(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    kind: str,
    values: Mapping[str, Any],
    new: bool,
) -> str:
    """Add (``new``) or change one record from form values; returns its id."""
    spec = _kind(kind)
    actor.require(Action.MANAGE)
    checked = validate_input(spec.model, _blanks_are_none(spec.model, values))
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.MANAGE)
        row = session.get(spec.table, checked.id)
        if new and row is not None:
            raise FieldErrors({"id": f"there is already a {spec.label} {checked.id!r}"})
        if not new and row is None:
            raise NotFound(f"no {spec.label} {checked.id!r}")
        problems = spec.references(session, checked)
        if problems:
            raise FieldErrors(problems)
        before = {} if new else spec.values(session, row)
        spec.apply(session, row, checked)
        session.flush()
        after = spec.values(session, session.get(spec.table, checked.id))
        record(
            session,
            actor=actor.id,
            at=now,
            action=f"{kind}.{'create' if new else 'update'}",
            record_type=kind,
            record_id=checked.id,
            summary=f"{spec.label} {checked.id}",
            changes=field_changes(before, after),
        )
    return checked.id


def record_values(db: Database, *, kind: str, record_id: str) -> dict[str, Any]:
    """A record's fields as a form shows them for editing."""
    spec = _kind(kind)
    with db.read() as session:
        row = session.get(spec.table, record_id)
        if row is None:
            raise NotFound(f"no {spec.label} {record_id!r}")
        return spec.values(session, row)


def _blanks_are_none(model: type[BaseModel], values: Mapping[str, Any]) -> dict[str, Any]:
    """A pick list left empty is no value, for a field that may have none (a home site)."""
    return {
        name: None
        if isinstance(value, str)
        and not value.strip()
        and name in model.model_fields
        and model.model_fields[name].default is None
        else value
        for name, value in values.items()
    }


def record_form(kind: str) -> list[FormField] | None:
    """The fields of a kind's form, when its model family says them (else None: the
    caller's own form)."""
    spec = _kind(kind)
    return None if spec.fields is None else [*form_fields(spec.fields), *spec.extra]


def _kind(kind: str) -> _Kind:
    if kind not in _KINDS:
        raise InputError(f"cannot edit {kind!r}: choose one of {', '.join(KINDS)}")
    return _KINDS[kind]


def _exists(session: Session, table: type[SQLModel], value: str | None) -> bool:
    return value is None or session.get(table, value) is not None


def _week(rows: list[Any], opens: str, closes: str) -> dict[int, list[Window]]:
    result: dict[int, list[Window]] = {}
    for row in sorted(rows, key=lambda r: (r.weekday, getattr(r, opens))):
        result.setdefault(row.weekday, []).append((getattr(row, opens), getattr(row, closes)))
    return result


# records whose form is their platform file entry: the fields say it all


def _field_references(session: Session, value: BaseModel) -> dict[str, str]:
    """A problem for each field naming a record (``columns.reference``) that is missing."""
    problems = {}
    for name, field in type(value).model_fields.items():
        target, wanted = references(field), getattr(value, name)
        if (
            target is not None
            and wanted is not None
            and not _exists(session, table(target), wanted)
        ):
            problems[name] = f"no {target.replace('_', ' ')} {wanted!r}"
    return problems


# site and person: their weekly hours are one line of the form


HOURS_HELP = "like: mon-fri 08:00-18:00; sat 09:00-13:00 (a missing day is closed)"


@dataclass(frozen=True)
class _Hours:
    """A kind's weekly hours (SiteHours, PersonHours) as one form field."""

    table: Any
    owner: str  # the column naming the site or person
    opens: str
    closes: str
    field: FormField

    def values(self, session: Session, row: Any) -> dict[str, Any]:
        rows = list(
            session.exec(select(self.table).where(getattr(self.table, self.owner) == row.id))
        )
        return {self.field.name: format_hours_text(_week(rows, self.opens, self.closes))}

    def write(self, session: Session, value: Any) -> None:
        session.exec(delete(self.table).where(col(getattr(self.table, self.owner)) == value.id))
        session.add_all(
            self.table(
                **{self.owner: value.id, "weekday": WEEKDAYS.index(day)},
                **{self.opens: a, self.closes: b},
            )
            for day, windows in value.hours.items()
            for a, b in windows
        )


_SITE_HOURS = _Hours(
    t.SiteHours,
    "site_id",
    "opens",
    "closes",
    FormField("hours", "Opening hours", HOURS_HELP, "text", required=True, default=""),
)
_PERSON_HOURS = _Hours(
    t.PersonHours,
    "person_id",
    "starts",
    "ends",
    FormField(
        "hours", "Working hours", HOURS_HELP, "text", required=False, default="mon-fri 09:00-17:00"
    ),
)


def _site_has_a_zone(session: Session, value: Any) -> dict[str, str]:
    return {} if value.timezone else {"timezone": "is required"}


# project


def _lead_is_a_member(session: Session, value: Any) -> None:
    if session.get(t.ProjectMember, (value.id, value.lead)) is None:
        session.add(t.ProjectMember(project_id=value.id, person_id=value.lead))


# fund pool


def _one_pool_per_kind(session: Session, value: Any) -> dict[str, str]:
    other = session.exec(
        select(t.FundPool.id).where(t.FundPool.kind == value.kind, t.FundPool.id != value.id)
    ).first()
    if other is not None:
        return {"kind": f"pool {other!r} is the platform's {value.kind.value} pool already"}
    return {}


def _supervisor_can_supervise(session: Session, value: Any) -> dict[str, str]:
    """The named supervisor's checks (``people.model.supervisor_problem``); that it exists
    is the reference check's."""
    other = session.get(t.Person, value.supervisor) if value.supervisor else None
    problem = supervisor_problem(value, other.role if other is not None else None)
    return {} if problem is None else {"supervisor": problem}


def _no_references(session: Session, value: Any) -> dict[str, str]:
    return {}


_KINDS: dict[str, _Kind] = {
    "site": _family(
        t.Site, SiteSpec, SiteFields, "site", check=_site_has_a_zone, hours=_SITE_HOURS
    ),
    "equipment": _family(t.Equipment, EquipmentSpec, EquipmentFields, "equipment unit"),
    "person": _family(
        t.Person,
        PersonSpec,
        PersonFields,
        "person",
        check=_supervisor_can_supervise,
        hours=_PERSON_HOURS,
    ),
    # A project's lead is on its team.
    "project": _family(t.Project, ProjectSpec, ProjectFields, "project", after=_lead_is_a_member),
    "fund_pool": _family(
        t.FundPool, FundPoolSpec, FundPoolFields, "fund pool", check=_one_pool_per_kind
    ),
}


def choices(db: Database) -> dict[str, list[tuple[str, str]]]:
    """What a form's pick lists offer: (id, name) of sites, kinds, units, people, fund pools
    and projects."""
    with db.read() as session:
        platform_info(session)
        return {
            "site": [(s.id, s.name) for s in session.exec(select(t.Site).order_by(t.Site.id))],
            "kind": [(k.id, k.name) for k in session.exec(select(t.Kind).order_by(t.Kind.id))],
            "person": [
                (p.id, p.name) for p in session.exec(select(t.Person).order_by(t.Person.id))
            ],
            "fund_pool": [
                (f.id, f.name) for f in session.exec(select(t.FundPool).order_by(t.FundPool.id))
            ],
            "equipment": [
                (u.id, u.name) for u in session.exec(select(t.Equipment).order_by(t.Equipment.id))
            ],
            "project": [
                (p.id, p.name) for p in session.exec(select(t.Project).order_by(t.Project.id))
            ],
        }
