"""Recording downtime of a unit from the UI: the form, and what the service says it hits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labops.bookings.service import DowntimeAdded, add_downtime
from labops.errors import LabopsError
from labops.localtime import to_utc
from labops.records.edit import FieldErrors, choices
from labops.vocabulary import DowntimeKind
from tui import validators as check
from tui.screens.base import LabopsScreen
from tui.screens.record_form import FieldSpec, RecordFormScreen


@dataclass(frozen=True)
class DowntimeDraft:
    unit: str
    start: dt.datetime  # local wall-clock time
    end: dt.datetime
    kind: DowntimeKind
    reason: str


def downtime_fields(units: list[tuple[str, str]]) -> list[FieldSpec]:
    return [
        FieldSpec(
            "unit",
            "Unit",
            kind="pick",
            options=[(f"{unit}: {name}", unit) for unit, name in units],
            blank=False,
        ),
        FieldSpec(
            "start",
            "From",
            placeholder="2026-12-01 08:00",
            validators=[check.local_time(required=True)],
        ),
        FieldSpec(
            "end", "Until", placeholder="2026-12-01 18:00", validators=[check.local_time(True)]
        ),
        FieldSpec(
            "kind",
            "Kind",
            kind="pick",
            options=[(kind.value, kind.value) for kind in DowntimeKind],
            blank=False,
            default=DowntimeKind.BREAKDOWN.value,
        ),
        FieldSpec("reason", "What happened", placeholder="e.g. filament burnt out"),
    ]


def parse_downtime(values: dict[str, Any]) -> DowntimeDraft:
    start = check.parse_local_time(values["start"])
    end = check.parse_local_time(values["end"])
    if end <= start:
        raise FieldErrors({"end": "must be after the start"})
    return DowntimeDraft(
        unit=values["unit"],
        start=start,
        end=end,
        kind=DowntimeKind(values["kind"]),
        reason=values["reason"].strip(),
    )


def open_downtime_form(
    screen: LabopsScreen,
    *,
    then: Callable[[DowntimeDraft, DowntimeAdded], None],
    unit: str | None = None,
) -> None:
    """Ask for the downtime, record it, and hand the bookings it hits to ``then``."""
    ctx = screen.ctx
    units = choices(ctx.db)["equipment"]
    now = ctx.local_now().replace(second=0, microsecond=0)
    defaults = {
        "unit": unit or (units[0][0] if units else ""),
        "start": f"{now:%Y-%m-%d %H:%M}",
        "end": f"{now + dt.timedelta(hours=4):%Y-%m-%d %H:%M}",
        "kind": DowntimeKind.BREAKDOWN.value,
    }

    def show(values: dict[str, Any], error: str = "") -> None:
        screen.app.push_screen(
            RecordFormScreen(
                "Record downtime",
                downtime_fields(units),
                parse_downtime,
                values=values,
                error=error,
                save_label="Record",
            ),
            record,
        )

    def record(draft: DowntimeDraft | None) -> None:
        if draft is None:
            return
        try:
            added = add_downtime(
                ctx.db,
                actor=ctx.actor,
                unit_id=draft.unit,
                start=to_utc(draft.start, ctx.timezone),
                end=to_utc(draft.end, ctx.timezone),
                kind=draft.kind,
                reason=draft.reason,
                now=ctx.now(),
            )
        except LabopsError as exc:
            show(_as_values(draft), str(exc))
            return
        screen.changed()
        then(draft, added)

    show(defaults)


def _as_values(draft: DowntimeDraft) -> dict[str, Any]:
    return {
        "unit": draft.unit,
        "start": f"{draft.start:%Y-%m-%d %H:%M}",
        "end": f"{draft.end:%Y-%m-%d %H:%M}",
        "kind": draft.kind.value,
        "reason": draft.reason,
    }
