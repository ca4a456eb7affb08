"""Reading the database back into a platform file, and writing it as readable TOML.

Entries come out sorted by id, times as wall-clock times in the platform's zone (with an
offset only where a daylight-saving switch makes the wall-clock time ambiguous), and
fields at their default are left out, so a file exported twice is the same file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import tomlkit
from sqlmodel import Session, col, select

from labops import tables as t
from labops.charges.model import UnitRate
from labops.charges.settings import ChargeSettings
from labops.equipment.model import DowntimeSpec, KindSpec, unit_spec
from labops.fields import Window, format_cents, format_week_hours
from labops.localtime import round_trips, to_local, zone
from labops.people.model import person_fields
from labops.planning.settings import PlanningSettings
from labops.platform.file_schema import (
    AbsenceSpec,
    AfterSpec,
    BookingSpec,
    ClosureSpec,
    EquipmentNeedSpec,
    FundPoolSpec,
    PersonSpec,
    PlatformFile,
    PlatformSpec,
    ProjectSpec,
    RequestSpec,
    ShiftSpec,
    SiteSpec,
    StaffNeedSpec,
    TaskSpec,
    TeamSpec,
    TravelSpec,
)
from labops.requests.model import need_values
from labops.usage.model import Usage, UsageSettings, UsageSpec
from labops.vocabulary import WEEKDAYS


def export_platform(session: Session) -> PlatformFile:
    """The whole platform in ``session``'s database as a platform file."""
    info = session.get(t.PlatformInfo, 1)
    if info is None:
        from labops.errors import NotFound

        raise NotFound("the database holds no platform yet: run 'labops load FILE' first")
    tz = info.timezone

    def local(value: dt.datetime) -> dt.datetime:
        if round_trips(value, tz):
            return to_local(value, tz)
        return value.astimezone(zone(tz))

    def rows(table: Any, *order: Any) -> list[Any]:
        return list(session.exec(select(table).order_by(*order)))

    def grouped(table: Any, key: str, *order: Any) -> dict[Any, list[Any]]:
        groups: dict[Any, list[Any]] = defaultdict(list)
        for row in rows(table, *order):
            groups[getattr(row, key)].append(row)
        return groups

    site_hours = grouped(t.SiteHours, "site_id", t.SiteHours.weekday, t.SiteHours.opens)
    closures = grouped(t.SiteClosure, "site_id", t.SiteClosure.first_day)
    downtime = grouped(t.Downtime, "equipment_id", t.Downtime.start, t.Downtime.id)
    person_hours = grouped(t.PersonHours, "person_id", t.PersonHours.weekday, t.PersonHours.starts)
    skills = grouped(t.Skill, "person_id", t.Skill.skill)
    certs = grouped(t.Certification, "person_id", t.Certification.kind_id)
    absences = grouped(t.Absence, "person_id", t.Absence.start, t.Absence.id)
    members = grouped(t.ProjectMember, "project_id", t.ProjectMember.person_id)
    minimums = grouped(t.ProjectRoleMinimum, "project_id", t.ProjectRoleMinimum.role)
    tasks = grouped(t.Task, "request_id", t.Task.id)
    task_equipment = grouped(t.TaskEquipment, "task_id", t.TaskEquipment.id)
    task_staff = grouped(t.TaskStaff, "task_id", t.TaskStaff.id)
    role_caps = grouped(t.TaskRoleCap, "task_id", t.TaskRoleCap.role)
    preceded_by = grouped(t.TaskPrecedence, "after_id", t.TaskPrecedence.before_id)
    task_by_id = {task.id: task for group in tasks.values() for task in group}

    rates: dict[str, dict[str, int]] = defaultdict(dict)
    for rate in session.exec(select(UnitRate).order_by(UnitRate.equipment_id, UnitRate.tier)):
        rates[rate.equipment_id][rate.tier] = rate.hourly_rate
    return PlatformFile(
        platform=PlatformSpec(
            name=info.name,
            timezone=tz,
            anchor=info.anchor,
            slot_minutes=info.slot_minutes,
            self_approval=info.self_approval,
            identity=info.identity,
        ),
        planning=PlanningSettings.model_validate(info.planning),
        usage=UsageSettings.model_validate(info.usage),
        charges=ChargeSettings.model_validate(info.charges),
        kinds=[
            KindSpec(id=k.id, name=k.name, description=k.description)
            for k in rows(t.Kind, t.Kind.id)
        ],
        sites=[
            SiteSpec(
                id=s.id,
                name=s.name,
                timezone=s.timezone,
                description=s.description,
                hours=_week_hours((h.weekday, h.opens, h.closes) for h in site_hours[s.id]),
                closures=[
                    ClosureSpec(
                        first=c.first_day,
                        last=None if c.last_day == c.first_day else c.last_day,
                        reason=c.reason,
                    )
                    for c in closures[s.id]
                ],
            )
            for s in rows(t.Site, t.Site.id)
        ],
        travel=[
            TravelSpec(between=(r.site_a, r.site_b), minutes=r.minutes)
            for r in rows(t.Travel, t.Travel.site_a, t.Travel.site_b)
        ],
        equipment=[
            unit_spec(
                e,
                downtime=[
                    DowntimeSpec(
                        start=local(d.start), end=local(d.end), kind=d.kind, reason=d.reason
                    )
                    for d in downtime[e.id]
                ],
                rates=rates[e.id],
            )
            for e in rows(t.Equipment, t.Equipment.id)
        ],
        people=[
            PersonSpec(
                **person_fields(p),
                hours=_week_hours((h.weekday, h.starts, h.ends) for h in person_hours[p.id]),
                skills={s.skill: s.level for s in skills[p.id]},
                certifications={c.kind_id: c.expires for c in certs[p.id]},
                absences=[
                    AbsenceSpec(start=local(a.start), end=local(a.end), kind=a.kind, note=a.note)
                    for a in absences[p.id]
                ],
            )
            for p in rows(t.Person, t.Person.id)
        ],
        fund_pools=[
            FundPoolSpec(
                id=f.id,
                name=f.name,
                kind=f.kind,
                budget=format_cents(f.budget),  # type: ignore[arg-type]  # as written; Money reads it
                enforce_budget=f.enforce_budget,
            )
            for f in rows(t.FundPool, t.FundPool.id)
        ],
        projects=[
            ProjectSpec(
                id=p.id,
                name=p.name,
                source_technology=p.source_technology,
                patent=p.patent,
                demand_partner=p.demand_partner,
                stage=p.stage,
                lead=p.lead,
                priority=p.priority,
                fund_pool=p.fund_pool,
                budget=format_cents(p.budget),  # type: ignore[arg-type]  # as written; Money reads it
                enforce_budget=p.enforce_budget,
                tier=p.tier,
                cost_centre=p.cost_centre,
                members=[m.person_id for m in members[p.id]],
                team=TeamSpec(
                    min_roles={m.role: m.count for m in minimums[p.id]},
                    max_students_per_senior=p.max_students_per_senior,
                ),
                description=p.description,
            )
            for p in rows(t.Project, t.Project.id)
        ],
        requests=[
            RequestSpec(
                id=r.id,
                project=r.project,
                requester=r.requester,
                title=r.title,
                status=r.status,
                created=local(r.created),
                submitted=local(r.submitted) if r.submitted else None,
                earliest=local(r.earliest) if r.earliest else None,
                due=local(r.due) if r.due else None,
                due_hard=r.due_hard,
                note=r.note,
                decision_note=r.decision_note,
                tasks=[
                    TaskSpec(
                        key=task.key,
                        name=task.name,
                        duration=task.duration,
                        equipment=[
                            EquipmentNeedSpec(**need_values(n)) for n in task_equipment[task.id]
                        ],
                        staff=[StaffNeedSpec(**need_values(n)) for n in task_staff[task.id]],
                        at_most={c.role: c.count for c in role_caps[task.id]},
                        operator=task.operator,
                        shifts=task.shifts,
                        unattended=task.staff_for is not None,
                        staff_for=task.staff_for,
                        earliest=local(task.earliest) if task.earliest else None,
                        due=local(task.due) if task.due else None,
                        due_hard=task.due_hard,
                        after=[
                            AfterSpec(task=task_by_id[p.before_id].key, lag=p.lag)
                            for p in preceded_by[task.id]
                        ],
                        note=task.note,
                    )
                    for task in tasks[r.id]
                ],
            )
            for r in rows(t.Request, t.Request.id)
        ],
        bookings=_bookings(session, task_by_id, local),
    )


def _bookings(session: Session, task_by_id: dict[int, t.Task], local: Any) -> list[BookingSpec]:
    units: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(select(t.BookingUnit).order_by(col(t.BookingUnit.position))):
        units[row.booking_id].append(row.equipment_id)
    people: dict[int, list[str]] = defaultdict(list)
    shifts: dict[int, list[ShiftSpec]] = defaultdict(list)
    order = (col(t.BookingPerson.shift), col(t.BookingPerson.person_id))
    for staffed in session.exec(select(t.BookingPerson).order_by(*order)):
        if staffed.shift:
            shifts[staffed.booking_id].append(
                ShiftSpec(
                    person=staffed.person_id,
                    start=local(staffed.busy_start),
                    end=local(staffed.busy_end),
                )
            )
        else:
            people[staffed.booking_id].append(staffed.person_id)
    bookings = session.exec(select(t.Booking).order_by(col(t.Booking.start), col(t.Booking.id)))
    uses = {use.booking_id: use for use in session.exec(select(Usage))}
    return [
        BookingSpec(
            request=task_by_id[b.task_id].request_id,
            task=task_by_id[b.task_id].key,
            start=local(b.start),
            end=local(b.end),
            units=units[b.id],
            people=people[b.id],
            shifts=shifts[b.id],
            status=b.status,
            use=_use(uses.get(b.id), local),
        )
        for b in bookings
    ]


def _use(use: Usage | None, local: Any) -> UsageSpec | None:
    if use is None:
        return None
    return UsageSpec(
        no_show=use.no_show,
        start=local(use.start) if use.start else None,
        end=local(use.end) if use.end else None,
    )


def _week_hours(rows: Any) -> Any:
    # Any: the written form ({mon = "08:00-18:00"}), which the spec's WeekHours reads back
    hours: dict[str, list[Window]] = {}
    for weekday, start, end in rows:
        hours.setdefault(WEEKDAYS[weekday], []).append((start, end))
    return format_week_hours(hours)


# --- TOML ---------------------------------------------------------------------------------

_SETTINGS = ("planning", "usage", "charges")  # tables of settings, written as [name]
_TABLE_ARRAYS = {("requests", "tasks")}  # nested lists written as [[a.b]] rather than inline


def to_toml(data: PlatformFile) -> str:
    """Readable TOML: one [[section]] per entry, small nested values inline."""
    plain = data.model_dump(mode="python", exclude_defaults=True)
    plain["format"] = data.format
    document = tomlkit.document()
    document.add(tomlkit.comment("labops platform file: see docs/fixture-format.md"))
    document.add("format", plain.pop("format"))
    document.add("platform", _table(plain.pop("platform"), ()))
    for settings in _SETTINGS:
        if plain.get(settings):  # only what differs from the defaults
            document.add(tomlkit.nl())
            document.add(settings, _table(plain.pop(settings), (settings,)))
    for section in PlatformFile.model_fields:
        entries = plain.get(section)
        if not entries or section in ("format", "platform", *_SETTINGS):
            continue
        document.add(tomlkit.nl())
        array = tomlkit.aot()
        for entry in entries:
            array.append(_table(entry, (section,)))
        document.add(section, array)
    return tomlkit.dumps(document)


def _table(entry: dict[str, Any], path: tuple[str, ...]) -> Any:
    table = tomlkit.table()
    for key, value in entry.items():
        if (*path, key) in _TABLE_ARRAYS:
            array = tomlkit.aot()
            for item in value:
                array.append(_table(item, (*path, key)))
            table.add(key, array)
        else:
            table.add(key, _inline(value))
    return table


def _inline(value: Any) -> Any:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table.add(str(key), _inline(item))
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        array.extend(_inline(item) for item in value)
        if any(isinstance(item, dict) for item in value):
            array.multiline(True)
        return array
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value
