"""The platform benchmarks/scale.py measures: the demo plus years of history, written fast.

The demo platform as ``labops load`` reads it (its sites, units, people, projects, pools and
current requests), with CLONES more units like each of its units, a crew of CREW people
for each, 140 more projects of its kind, and REQUESTS requests in all: BOOKINGS bookings
filling each new unit's opening hours back from WEEKS_AHEAD weeks ahead (six to fifteen
years), most done, the latest proposed or confirmed; submitted, approved, draft, rejected
and withdrawn requests without bookings.
Nobody is booked twice at once (each crew works one unit) and no unit is either. Written
with SQLAlchemy core inserts (executemany in chunks) in one transaction whose foreign keys
are checked at its commit, not through the services: a minute or two instead of hours.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REQUESTS = 100_000
BOOKINGS = 1_000_000
CLONES = 5  # more units of each demo unit's kind
CREW = 2  # people working each cloned unit (each on one unit only: nobody is double-booked)
WEEKS_AHEAD = 3  # the history ends this far after the day it is built
UNBOOKED = {  # requests without bookings, by status
    "submitted": 3_000,
    "approved": 1_000,
    "draft": 500,
    "rejected": 1_500,
    "cancelled": 1_000,
}
CHUNK = 50_000  # rows per executemany


def build(path: Path, *, seed: int = 17) -> dict[str, int]:
    """The demo plus years of history in a new SQLite database at ``path``; row counts."""
    from labops import clock
    from labops import tables as t
    from labops.db import Database
    from labops.permissions import Actor
    from labops.platform.demo import load_demo

    rng = random.Random(seed)
    now = clock.now()
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    db = Database.open(str(path))
    load_demo(db, actor=Actor.system(), now=now)
    with db.read() as session:
        from sqlmodel import select

        units = [_raw(u) for u in session.exec(select(t.Equipment))]
        people = [_raw(p) for p in session.exec(select(t.Person))]
        projects = [_raw(p) for p in session.exec(select(t.Project))]
        pools = [p.id for p in session.exec(select(t.FundPool))]
        hours = {
            (h.site_id, h.weekday): (h.opens, h.closes) for h in session.exec(select(t.SiteHours))
        }
        tz = {s.id: s.timezone for s in session.exec(select(t.Site))}
        import sqlalchemy as sa

        demo_requests, last_request = session.exec(
            select(sa.func.count(), sa.func.max(t.Request.id))
        ).one()
        last_task = session.exec(select(sa.func.max(t.Task.id))).one() or 0
        last_booking = session.exec(select(sa.func.max(t.Booking.id))).one() or 0
    writer = _Writer(db)
    counts: dict[str, int] = {}
    with db.engine.begin() as connection:
        # Rows are written table by table in chunks; their references are checked at the
        # commit, so nothing invalid gets in.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        writer.connection = connection
        crews = _clones(writer, rng, units, people)
        leads = [p["id"] for p in people if p["role"] != "investor"] or [people[0]["id"]]
        history_projects = _projects(writer, rng, projects, pools, leads)
        all_projects = [p["id"] for p in projects] + history_projects
        requesters = [p["id"] for p in people]
        slots = {
            unit["id"]: _unit_slots(rng, unit, hours, tz[unit["site"]], now)
            for unit in crews.values()
        }
        _history(
            writer,
            rng,
            now=now,
            first_ids=(last_request + 1, last_task + 1, last_booking + 1),
            demo_requests=demo_requests,
            crews=crews,
            slots=slots,
            projects=all_projects,
            requesters=requesters,
            operators=[p["id"] for p in people if p["access"] in ("operator", "admin")],
        )
        writer.flush_all()
        counts = dict(writer.counts)
    db.dispose()
    return counts


def _raw(row: Any) -> dict[str, Any]:
    """A row's column values as the database holds them (not as the file writes them)."""
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


class _Writer:
    """Rows buffered per table, written in chunks with executemany."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.connection: Any = None
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Any, **values: Any) -> None:
        rows = self.rows.setdefault(table.__table__, [])
        rows.append(values)
        if len(rows) >= CHUNK:
            self.flush(table.__table__)

    def flush(self, table: Any) -> None:
        rows = self.rows.pop(table, [])
        if rows:
            self.connection.execute(table.insert(), rows)
            self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def flush_all(self) -> None:
        for table in list(self.rows):
            self.flush(table)


def _clones(
    writer: _Writer, rng: random.Random, units: list[dict], people: list[dict]
) -> dict[str, dict]:
    """CLONES more units like each demo unit, with a crew of CREW new people each,
    certified for the unit's kind; ``{unit: {**unit, "crew": [...]}}``."""
    from labops import tables as t

    crews: dict[str, dict] = {}
    roles = [p["role"] for p in people]
    for unit in units:
        for n in range(CLONES):
            clone = {**unit, "id": f"{unit['id']}-h{n + 1}", "name": f"{unit['name']} H{n + 1}"}
            writer.add(t.Equipment, **clone)
            crew = []
            for c in range(CREW):
                person = f"{clone['id']}-op{c + 1}"
                writer.add(
                    t.Person,
                    id=person,
                    name=f"Operator {c + 1} of {clone['name']}",
                    email=f"{person}@example.org",
                    role=rng.choice(roles),
                    access="member",
                    home_site=unit["site"],
                    weekly_hours=40.0,
                    platform_staff=True,
                )
                for weekday in range(5):
                    writer.add(
                        t.PersonHours,
                        person_id=person,
                        weekday=weekday,
                        starts=dt.time(7),
                        ends=dt.time(19),
                    )
                writer.add(
                    t.Certification,
                    person_id=person,
                    kind_id=unit["kind"],
                    expires=dt.date.today() + dt.timedelta(days=365 * 2),
                )
                crew.append(person)
            crews[clone["id"]] = {**clone, "crew": crew}
    writer.flush_all()
    return crews


def _projects(
    writer: _Writer, rng: random.Random, projects: list[dict], pools: list[str], leads: list[str]
) -> list[str]:
    """140 more projects of the demo's kind (finished and running ones); their ids."""
    from labops import tables as t

    ids = []
    for n in range(140):
        like = rng.choice(projects)
        project = f"{like['id']}-{2020 + n % 7}-{n}"
        writer.add(
            t.Project,
            **{
                **like,
                "id": project,
                "name": f"{like['name']} ({2020 + n % 7}, {n})",
                "lead": rng.choice(leads),
                "fund_pool": rng.choice(pools),
                "budget": rng.randrange(5_000_000, 50_000_000),
            },
        )
        ids.append(project)
    writer.flush_all()
    return ids


def _unit_slots(
    rng: random.Random, unit: dict, hours: dict, tz: str, now: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """A unit's bookings one after another in its site's opening hours, backwards from
    WEEKS_AHEAD after ``now``: (start, end) without setup and cleanup, newest first."""
    from labops.localtime import to_utc

    setup, cleanup = dt.timedelta(minutes=unit["setup"]), dt.timedelta(minutes=unit["cleanup"])
    day = (now + dt.timedelta(weeks=WEEKS_AHEAD)).date()
    while True:
        window = hours.get((unit["site"], day.weekday()))
        if window is not None:
            opens, closes = window
            close = to_utc(
                dt.datetime.combine(day, closes if closes != dt.time.max else dt.time(23, 30)), tz
            )
            first = to_utc(dt.datetime.combine(day, opens), tz)
            cursor = close
            for _ in range(rng.choice((2, 3, 4, 4, 5))):
                minutes = rng.choice((30, 60, 60, 90, 120, 180))
                end = cursor - cleanup - dt.timedelta(minutes=rng.choice((0, 0, 30)))
                start = end - dt.timedelta(minutes=minutes)
                if start - setup < first:
                    break
                yield start, end
                cursor = start - setup
        day -= dt.timedelta(days=1)


def _history(
    writer: _Writer,
    rng: random.Random,
    *,
    now: dt.datetime,
    first_ids: tuple[int, int, int],
    demo_requests: int,
    crews: dict[str, dict],
    slots: dict[str, Iterator[tuple[dt.datetime, dt.datetime]]],
    projects: list[str],
    requesters: list[str],
    operators: list[str],
) -> None:
    """The requests, numbered in the order they were submitted: booked ones (each task a
    booking on a unit of the history), and those without bookings; their tasks, needs and
    audit events."""
    unbooked = sum(UNBOOKED.values())
    first_id, first_task, first_booking = first_ids
    booked_requests = REQUESTS - demo_requests - unbooked
    sizes = [rng.randint(6, 16) for _ in range(booked_requests)]
    extra = BOOKINGS - sum(sizes)
    while extra:  # exactly BOOKINGS tasks, each booked once
        i = rng.randrange(booked_requests)
        step = 1 if extra > 0 else -1
        if 1 <= sizes[i] + step <= 24:
            sizes[i] += step
            extra -= step
    unit_ids = list(crews)
    planned: list[tuple[dt.datetime, str, list[tuple[str, dt.datetime, dt.datetime]]]] = []
    for size in sizes:
        # One request uses a few units, taking each one's next slot back in time.
        used = rng.sample(unit_ids, rng.randint(1, 4))
        placed = sorted(
            ((unit, *next(slots[unit])) for unit in (used[n % len(used)] for n in range(size))),
            key=lambda p: p[1],
        )
        status = "done" if max(end for _, _, end in placed) < now else "scheduled"
        submitted = placed[0][1] - dt.timedelta(
            days=rng.randint(7, 30), minutes=rng.randint(0, 600)
        )
        planned.append((submitted, status, placed))
    oldest = min(submitted for submitted, _, _ in planned)
    for status, count in UNBOOKED.items():
        for _ in range(count):
            recent = status in ("submitted", "approved", "draft")
            days = rng.randint(0, 45) if recent else rng.randint(0, (now - oldest).days)
            submitted = now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
            planned.append((submitted, status, []))
    planned.sort(key=lambda p: p[0])
    task_id, booking_id = first_task - 1, first_booking - 1
    for request_id, (submitted, status, placed) in enumerate(planned, start=first_id):
        decided = None
        if status not in ("submitted", "draft", "cancelled"):
            decided = submitted + dt.timedelta(days=rng.randint(1, 5))
            if placed:
                decided = min(decided, placed[0][1] - dt.timedelta(days=1))
        project = rng.choice(projects)
        _request(
            writer, rng, request_id, project, requesters, status, submitted, decided, operators
        )
        if placed:
            assert decided is not None
            for n, (unit_id, start, end) in enumerate(placed):
                task_id += 1
                booking_id += 1
                _booked_task(
                    writer, rng, crews[unit_id], request_id, task_id, booking_id, n,
                    start, end, now, decided, operators,
                )  # fmt: skip
        else:
            for n in range(rng.randint(1, 8)):
                task_id += 1
                _task(
                    writer, task_id, request_id, n, crews[rng.choice(unit_ids)]["kind"],
                    rng.choice((60, 120, 240)), submitted + dt.timedelta(days=rng.randint(14, 90)),
                )  # fmt: skip


def _task(
    writer: _Writer,
    task_id: int,
    request_id: int,
    n: int,
    kind: str,
    minutes: int,
    due: dt.datetime,
) -> None:
    from labops import tables as t

    writer.add(
        t.Task,
        id=task_id,
        request_id=request_id,
        key=f"step-{n + 1}",
        name=f"{kind} run {n + 1}",
        duration=minutes,
        due=due,
        note="",
    )
    writer.add(t.TaskEquipment, task_id=task_id, kind=kind, unit=None, amount=1)


def _booked_task(
    writer: _Writer,
    rng: random.Random,
    unit: dict,
    request_id: int,
    task_id: int,
    booking_id: int,
    n: int,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    decided: dt.datetime,
    operators: list[str],
) -> None:
    """A task of a booked request and its booking on ``unit``, with some of its crew."""
    from labops import tables as t

    minutes = int((end - start).total_seconds() // 60)
    _task(
        writer,
        task_id,
        request_id,
        n,
        unit["kind"],
        minutes,
        end + dt.timedelta(days=rng.randint(0, 14)),
    )
    if end <= now:
        status = "done"
    elif start < now + dt.timedelta(days=7):
        status = "confirmed"
    else:
        status = "proposed"
    writer.add(
        t.Booking,
        id=booking_id,
        task_id=task_id,
        start=start,
        end=end,
        status=status,
        created_at=decided,
        created_by=rng.choice(operators),
    )
    writer.add(
        t.BookingUnit,
        booking_id=booking_id,
        position=0,
        equipment_id=unit["id"],
        amount=1,
        busy_start=start - dt.timedelta(minutes=unit["setup"]),
        busy_end=end + dt.timedelta(minutes=unit["cleanup"]),
    )
    for person in unit["crew"][: rng.randint(1, CREW)]:
        writer.add(
            t.BookingPerson, booking_id=booking_id, person_id=person, busy_start=start, busy_end=end
        )


def _request(
    writer: _Writer,
    rng: random.Random,
    request_id: int,
    project: str,
    requesters: list[str],
    status: str,
    submitted: dt.datetime,
    decided: dt.datetime | None,
    operators: list[str],
) -> None:
    from labops import tables as t

    requester = rng.choice(requesters)
    draft = status == "draft"
    writer.add(
        t.Request,
        id=request_id,
        project=project,
        requester=requester,
        title=f"{project}: batch {request_id}",
        status=status,
        created=submitted - dt.timedelta(hours=2),
        submitted=None if draft else submitted,
        decided_at=decided,
        decided_by=rng.choice(operators) if decided else None,
        decision_note="no capacity this quarter" if status == "rejected" else "",
        note="",
    )
    if not draft:
        writer.add(
            t.AuditEvent,
            at=submitted,
            actor=requester,
            action="request.submit",
            record_type="request",
            record_id=str(request_id),
            summary=f"submitted request {request_id}",
            changes={},
        )
    if decided:
        writer.add(
            t.AuditEvent,
            at=decided,
            actor=rng.choice(operators),
            action="request.reject" if status == "rejected" else "request.approve",
            record_type="request",
            record_id=str(request_id),
            summary=f"decided request {request_id}",
            changes={},
        )
