"""The fields of each record form on the Resources screen (the service checks the values)."""

from __future__ import annotations

from labops.records.edit import record_form
from labops.records.forms import FormField
from labops.vocabulary import AbsenceKind, Access, PoolKind, Role, Stage
from tui import validators as check
from tui.screens.record_form import FieldSpec

Choices = dict[str, list[tuple[str, str]]]
HOURS_HELP = "like: mon-fri 08:00-18:00; sat 09:00-13:00 (a missing day is closed)"


def _options(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"{key}: {name}", key) for key, name in pairs]


def _values(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def record_fields(kind: str, choices: Choices, *, new: bool) -> list[FieldSpec]:
    id_field = FieldSpec("id", "Id", validators=[check.slug()], fixed=not new)
    derived = record_form(kind)
    if derived is not None:
        return [id_field, *(_field(f, choices) for f in derived)]
    fields = {
        "site": [
            FieldSpec("name", "Name", validators=[check.Required()]),
            FieldSpec("timezone", "Time zone", placeholder="Europe/Berlin"),
            FieldSpec("hours", "Opening hours", help=HOURS_HELP),
            FieldSpec("description", "Description"),
        ],
        "person": [
            FieldSpec("name", "Name", validators=[check.Required()]),
            FieldSpec("email", "E-mail"),
            FieldSpec("role", "Role", kind="pick", options=_values(Role), blank=False),
            FieldSpec(
                "access",
                "Access",
                kind="pick",
                options=_values(Access),
                blank=False,
                default=Access.MEMBER.value,
            ),
            FieldSpec("home_site", "Home site", kind="pick", options=_options(choices["site"])),
            FieldSpec(
                "weekly_hours", "Hours a week", validators=[check.number(0, 80)], default="40"
            ),
            FieldSpec("hours", "Working hours", help=HOURS_HELP, default="mon-fri 09:00-17:00"),
            FieldSpec(
                "platform_staff", "", kind="check", help="platform staff (serves every project)"
            ),
        ],
        "project": [
            FieldSpec("name", "Name", validators=[check.Required()]),
            FieldSpec(
                "stage",
                "Stage",
                kind="pick",
                options=_values(Stage),
                blank=False,
                default=Stage.PROOF_OF_CONCEPT.value,
            ),
            FieldSpec("lead", "Lead", kind="pick", options=_options(choices["person"])),
            FieldSpec("priority", "Priority 1-5", validators=[check.whole(1, 5)], default="3"),
            FieldSpec(
                "fund_pool", "Fund pool", kind="pick", options=_options(choices["fund_pool"])
            ),
            FieldSpec("budget", "Budget", validators=[check.money()], default="0"),
            FieldSpec(
                "enforce_budget",
                "",
                kind="check",
                help="the plan keeps within the budget",
                default=True,
            ),
            FieldSpec("demand_partner", "Demand partner"),
            FieldSpec("description", "Description"),
        ],
        "fund_pool": [
            FieldSpec("name", "Name", validators=[check.Required()]),
            FieldSpec("kind", "Kind", kind="pick", options=_values(PoolKind)),
            FieldSpec("budget", "Budget", validators=[check.money(True)]),
        ],
    }[kind]
    return [id_field, *fields]


def _field(field: FormField, choices: Choices) -> FieldSpec:
    """A model-derived field as the form's widget, with the checks its type and bounds
    imply (the service checks again)."""
    need = field.required
    if field.input == "check":
        return FieldSpec(
            field.name,
            "",
            kind="check",
            help=field.help or field.label.lower(),
            default=field.default,
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
            blank=not need or not field.default,
            default=field.default,
            help=field.help,
        )
    validators = {
        "money": lambda: [check.money(need)],
        "duration": lambda: [check.duration(need)],
        "whole": lambda: [check.whole(int(field.low or 0), int(field.high or 2**31), need)],
        "number": lambda: [check.number(field.low or 0, field.high or 1e12, need)],
        "text": lambda: [check.Required()] if need else [],
    }[field.input]()
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
