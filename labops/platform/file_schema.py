"""The platform file: a whole platform in one human-editable TOML document.

These pydantic models check each entry on its own (types, ranges, formats). Whether the
entries agree with each other (references, duplicates, cycles) is checked in
``labops.platform.checks``. Times without an offset are wall-clock times in the platform's
time zone; opening and working hours are local to their site.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    model_validator,
)

from labops.charges.settings import ChargeSettings
from labops.equipment.model import EquipmentSpec, KindSpec
from labops.fields import (
    ENTRY,
    Count,
    Day,
    Entry,
    Instant,
    Level,
    Minutes,
    Name,
    Slug,
    Text,
    TimeZoneName,
    WeekHours,
    ordered,
)
from labops.funds.model import FundPoolSpec
from labops.people.model import PersonFields
from labops.planning.settings import PlanningSettings
from labops.projects.model import ProjectFields
from labops.requests.model import EquipmentNeedFields, RequestFields, StaffNeedFields
from labops.sites.model import SiteFields
from labops.usage.model import UsageSettings, UsageSpec
from labops.vocabulary import (
    AbsenceKind,
    BookingStatus,
    RequestStatus,
    Role,
)

FORMAT_VERSION = 1


class PlatformSpec(Entry):
    name: Name
    timezone: TimeZoneName
    anchor: Day  # a Monday: the first week the data is about (the demo re-bases from it)
    slot_minutes: Annotated[int, Field(ge=5, le=60)] = 30
    self_approval: bool = False  # may an operator approve their own requests?
    # Who acts: the person whose login runs labops ("login"; --as only for admins), or
    # whoever --as names ("open"). Left out: "login" on a server database, "open" on SQLite.
    identity: Literal["login", "open"] | None = None

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.anchor.weekday() != 0:
            raise ValueError(f"anchor {self.anchor.isoformat()} is not a Monday")
        if 60 % self.slot_minutes:
            raise ValueError(f"slot_minutes {self.slot_minutes} does not divide an hour")
        return self


class ClosureSpec(Entry):
    first: Day
    last: Day | None = None  # the same day when left out
    reason: Text = ""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.last is not None and self.last < self.first:
            raise ValueError(f"closure ends ({self.last}) before it starts ({self.first})")
        return self


class SiteSpec(SiteFields):
    model_config = ENTRY
    # None: the platform's zone (the table's column, SiteFields', is always set)
    timezone: TimeZoneName | None = None  # type: ignore[assignment]
    hours: WeekHours
    closures: list[ClosureSpec] = []


class TravelSpec(Entry):
    between: tuple[Slug, Slug]
    minutes: Annotated[int, Field(ge=0, le=24 * 60)]

    @model_validator(mode="after")
    def _two_sites(self) -> Self:
        if self.between[0] == self.between[1]:
            raise ValueError("travel is between two different sites")
        return self


class _Span(Entry):
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        return _check_span(self)


def _check_span(span: Any) -> Any:
    if not ordered(span.start, span.end):
        raise ValueError(
            f"ends ({span.end.isoformat()}) before it starts ({span.start.isoformat()})"
        )
    return span


class AbsenceSpec(_Span):
    kind: AbsenceKind = AbsenceKind.LEAVE
    note: Text = ""


def _default_hours() -> dict:
    nine_to_five = [(dt.time(9), dt.time(17))]
    return {day: nine_to_five for day in ("mon", "tue", "wed", "thu", "fri")}


class PersonSpec(PersonFields):
    model_config = ENTRY
    hours: WeekHours = Field(default_factory=_default_hours)
    skills: dict[Slug, Level] = {}
    certifications: dict[Slug, Day] = {}  # equipment kind -> last valid day
    absences: list[AbsenceSpec] = []


class TeamSpec(Entry):
    min_roles: dict[Role, Count] = {}
    max_students_per_senior: Annotated[int, Field(ge=0, le=100)] | None = None


class ProjectSpec(ProjectFields):
    model_config = ENTRY
    members: list[Slug] = []
    team: TeamSpec = TeamSpec()


class EquipmentNeedSpec(EquipmentNeedFields):
    model_config = ENTRY

    @model_validator(mode="after")
    def _unit_or_kind(self) -> Self:
        if (self.unit is None) == (self.kind is None):
            raise ValueError("name either a unit or a kind of equipment")
        if self.unit is not None and self.site is not None:
            raise ValueError("a site narrows a kind; a named unit already has its site")
        return self


class StaffNeedSpec(StaffNeedFields):
    model_config = ENTRY


class AfterSpec(Entry):
    task: Slug
    lag: Minutes = 0


def _after_item(value: Any) -> Any:
    return {"task": value} if isinstance(value, str) else value


def _after_out(value: AfterSpec) -> Any:
    return value.task if value.lag == 0 else {"task": value.task, "lag": value.model_dump()["lag"]}


After = Annotated[AfterSpec, BeforeValidator(_after_item), PlainSerializer(_after_out)]


class TaskSpec(Entry):
    key: Slug
    name: Text = ""
    duration: Minutes
    equipment: list[EquipmentNeedSpec] = []
    staff: list[StaffNeedSpec] = []
    at_most: dict[Role, Annotated[int, Field(ge=0, le=100)]] = {}  # people of a role, at most
    operator: bool = False  # a certified operator of the platform beside the staff above
    shifts: bool = False  # watched throughout by one person of its staff need at a time
    unattended: bool = False
    staff_for: Minutes | None = None  # an unattended task's staffed setup at the start
    earliest: Instant | None = None
    due: Instant | None = None
    due_hard: bool = False
    after: list[After] = []
    note: Text = ""

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.duration <= 0:
            raise ValueError("duration must be positive")
        if self.unattended:
            if self.staff_for is None:
                raise ValueError("an unattended task needs staff_for, its staffed setup time")
            if self.staff_for > self.duration:
                raise ValueError("staff_for is longer than the task")
        elif self.staff_for is not None:
            raise ValueError("staff_for is only for unattended tasks")
        if self.due_hard and self.due is None:
            raise ValueError("due_hard needs a due date")
        if self.shifts:
            if len(self.staff) != 1 or self.staff[0].count != 1:
                raise ValueError("a task in shifts has one staff need of count 1 (one at a time)")
            if self.unattended or self.operator or self.at_most:
                raise ValueError("a task in shifts takes no unattended, operator or at_most")
        for role, cap in self.at_most.items():
            asked = sum(need.count for need in self.staff if need.role == role)
            if asked > cap:
                raise ValueError(
                    f"its staff ask for {asked} {role.value}, more than at_most allows ({cap})"
                )
        if self.earliest and self.due and not ordered(self.earliest, self.due):
            raise ValueError(
                f"due ({self.due.isoformat()}) is not after earliest ({self.earliest.isoformat()})"
            )
        return self


class RequestSpec(RequestFields):
    model_config = ENTRY
    id: Annotated[int, Field(ge=1, le=2**31)]
    status: RequestStatus = RequestStatus.SUBMITTED
    created: Instant | None = None
    submitted: Instant | None = None
    earliest: Instant | None = None
    due: Instant | None = None
    tasks: Annotated[list[TaskSpec], Field(min_length=1)]


class ShiftSpec(Entry):
    """One person's shift on a booking of a task in shifts."""

    person: Slug
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        return _check_span(self)


class BookingSpec(Entry):
    request: int
    task: Slug
    start: Instant
    end: Instant
    units: list[Slug] = []
    people: list[Slug] = []
    shifts: list[ShiftSpec] = []  # a task in shifts: who watches it when
    status: BookingStatus = BookingStatus.CONFIRMED
    use: UsageSpec | None = None  # what really ran (labops.usage)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        for shift in self.shifts:
            if ordered(shift.start, self.start) or ordered(self.end, shift.end):
                raise ValueError(f"{shift.person!r}'s shift is not inside the booking")
        _check_span(self)
        if self.use is not None and self.use.no_show != (self.status == BookingStatus.CANCELLED):
            raise ValueError("a no-show booking is cancelled, and a cancelled one a no-show")
        if self.use is not None and self.use.end is not None and self.status != BookingStatus.DONE:
            raise ValueError("a booking whose use ended is done")
        return self


class PlatformFile(Entry):
    """A whole platform; sections in the order a person would write them."""

    format: Annotated[int, Field(ge=1, le=FORMAT_VERSION)] = FORMAT_VERSION
    platform: PlatformSpec
    planning: PlanningSettings = PlanningSettings()
    usage: UsageSettings = UsageSettings()
    charges: ChargeSettings = ChargeSettings()
    kinds: list[KindSpec] = []
    sites: list[SiteSpec] = []
    travel: list[TravelSpec] = []
    equipment: list[EquipmentSpec] = []
    people: list[PersonSpec] = []
    fund_pools: list[FundPoolSpec] = []
    projects: list[ProjectSpec] = []
    requests: list[RequestSpec] = []
    bookings: list[BookingSpec] = []
