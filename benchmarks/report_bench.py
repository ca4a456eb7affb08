"""How long the weekly report takes on a platform with a year of history.

Builds a seeded synthetic platform in a temporary SQLite file (4 sites, 40 units of 8
kinds, 150 people, 4 pools, 30 projects; requests, tasks and 50,000 bookings spread over
52 weeks, a few weeks of them still ahead; downtime, absences, waiting requests and a plan
commit), written in bulk with SQLAlchemy core inserts. Then times, for the week before the
last few: the report's computation, and each rendering of it.

    .venv/bin/python -m benchmarks.report_bench                    # 50,000 bookings
    .venv/bin/python -m benchmarks.report_bench --bookings 5000 --keep /tmp/bench.db
    .venv/bin/python -m benchmarks.report_bench --html docs/report.html
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from labops import tables as t
from labops.db import Database
from labops.localtime import day_start, to_utc
from labops.permissions import Actor
from labops.reports import Format, WeeklyReport, render_text, weekly_report
from labops.reports.render_csv import csv_files, csv_zip
from labops.reports.render_terminal import render_terminal
from labops.vocabulary import (
    AbsenceKind,
    Access,
    BookingStatus,
    DowntimeKind,
    PoolKind,
    RequestStatus,
    Role,
)

TZ = "Europe/Berlin"
REPORT_MONDAY = dt.date(2026, 11, 16)  # 2026-W47; the history runs 49 weeks before it, 3 after
NOW = day_start(REPORT_MONDAY + dt.timedelta(days=9), TZ)  # the Wednesday after
HISTORY_WEEKS = 52
WEEKS_AHEAD = 3

SITES = {  # id: (opening hours per weekday 0-4 as (open, close) hours)
    "materials-lab": (8, 18),
    "bio-lab": (7, 19),
    "pilot-line": (6, 22),
    "device-lab": (8, 17),
}
KINDS = ("sem", "xrd", "afm", "sputter", "glovebox", "fume-hood", "cvd", "printer")
ROLES = list(Role)
TASKS_PER_REQUEST = 5


def build_history(path: Path, *, bookings: int, seed: int) -> dict[str, int]:
    """A year of platform history in a new SQLite database at ``path``; row counts."""
    rng = random.Random(seed)
    db = Database.open(str(path))
    first_monday = REPORT_MONDAY - dt.timedelta(weeks=HISTORY_WEEKS - 1 - WEEKS_AHEAD)
    rows: dict[Any, list[dict[str, Any]]] = {}

    def add(table: Any, **values: Any) -> dict[str, Any]:
        rows.setdefault(table.__table__, []).append(values)
        return values

    add(t.PlatformInfo, id=1, name="Bench Platform", timezone=TZ, anchor=first_monday)
    for kind in KINDS:
        add(t.Kind, id=kind, name=kind.upper())
    for site, (opens, closes) in SITES.items():
        add(t.Site, id=site, name=site.replace("-", " ").title(), timezone=TZ)
        for weekday in range(5):
            add(
                t.SiteHours,
                site_id=site,
                weekday=weekday,
                opens=dt.time(opens),
                closes=dt.time(closes),
            )
        add(
            t.SiteClosure,
            site=site,
            first_day=dt.date(2026, 12, 24),
            last_day=dt.date(2026, 12, 26),
            reason="holidays",
        )
    units = []
    for index in range(40):
        site = list(SITES)[index % len(SITES)]
        kind = KINDS[index % len(KINDS)]
        unit = add(
            t.Equipment,
            id=f"{kind}-{index + 1}",
            name=f"{kind.upper()} {index + 1}",
            site=site,
            kind=kind,
            capacity=4 if kind == "fume-hood" else 1,
            hourly_rate=rng.choice((2_000, 5_000, 8_000, 12_000)),
            setup=rng.choice((0, 15, 30)),
            cleanup=rng.choice((0, 15)),
            unattended=site == "pilot-line",
        )
        units.append(unit)
        for _ in range(3):
            start = _instant(first_monday, rng.randrange(HISTORY_WEEKS * 7), rng.randrange(6, 16))
            add(
                t.Downtime,
                equipment_id=unit["id"],
                start=start,
                end=start + dt.timedelta(hours=rng.choice((4, 8, 24, 48))),
                kind=rng.choice(list(DowntimeKind)),
            )
    people = []
    for index in range(150):
        person = add(
            t.Person,
            id=f"p{index:03d}",
            name=f"Person {index}",
            role=ROLES[index % len(ROLES)],
            access=Access.OPERATOR if index < 5 else Access.MEMBER,
            home_site=list(SITES)[index % len(SITES)],
            weekly_hours=rng.choice((20.0, 32.0, 40.0)),
        )
        people.append(person["id"])
        for weekday in range(5):
            add(
                t.PersonHours,
                person_id=person["id"],
                weekday=weekday,
                starts=dt.time(8),
                ends=dt.time(16, 30),
            )
        for _ in range(2):
            start = _instant(first_monday, rng.randrange(HISTORY_WEEKS * 7), 0)
            add(
                t.Absence,
                person_id=person["id"],
                start=start,
                end=start + dt.timedelta(days=rng.choice((1, 3, 5))),
                kind=AbsenceKind.LEAVE,
            )
    for kind, pool in zip(PoolKind, ("assets", "product", "venture", "mna"), strict=True):
        add(t.FundPool, id=pool, name=pool.title(), kind=kind, budget=500_000_000)
    projects = [f"project-{i:02d}" for i in range(30)]
    for index, project in enumerate(projects):
        add(
            t.Project,
            id=project,
            name=project.title(),
            lead=people[index],
            fund_pool=("assets", "product", "venture", "mna")[index % 4],
            budget=rng.randrange(2_000_000, 20_000_000),
        )

    booked = _bookings(rng, add, units, people, projects, first_monday, bookings)
    waiting = _waiting_requests(rng, add, units, people, projects, booked)
    add(
        t.AuditEvent,
        at=NOW - dt.timedelta(days=2),
        actor=people[0],
        action="plan.commit",
        record_type="plan",
        record_id="bench",
        summary="bench",
        changes={"left_out": {str(r): ["no unit free before the due date"] for r in waiting[:5]}},
    )
    with db.engine.begin() as connection:
        for table in t.SQLModel.metadata.sorted_tables:
            if table in rows:
                connection.execute(table.insert(), rows[table])
    db.dispose()
    return {table.name: len(values) for table, values in rows.items()}


def _bookings(
    rng: random.Random,
    add: Callable[..., dict[str, Any]],
    units: list[dict[str, Any]],
    people: list[str],
    projects: list[str],
    first_monday: dt.date,
    count: int,
) -> int:
    """``count`` bookings over the weekdays of the history, back to back with short gaps
    from each unit's opening, 5 tasks to a request; the last request id."""
    weekdays = [
        first_monday + dt.timedelta(days=d)
        for d in range(HISTORY_WEEKS * 7)
        if (first_monday + dt.timedelta(days=d)).weekday() < 5
    ]
    request_id = task_id = booking_id = 0
    for index, unit in enumerate(units):
        quota = count // len(units) + (1 if index < count % len(units) else 0)
        opens, _ = SITES[unit["site"]]
        per_day, extra = divmod(quota, len(weekdays))
        busier = set(rng.sample(range(len(weekdays)), extra))  # days with one booking more
        for day_index, day in enumerate(weekdays):
            cursor = _instant(day, 0, opens)
            for _ in range(per_day + (1 if day_index in busier else 0)):
                if task_id % TASKS_PER_REQUEST == 0:
                    request_id += 1
                    add(
                        t.Request,
                        id=request_id,
                        project=rng.choice(projects),
                        requester=rng.choice(people),
                        title=f"Request {request_id}",
                        status=RequestStatus.SCHEDULED,
                        created=cursor - dt.timedelta(days=14),
                        submitted=cursor - dt.timedelta(days=14),
                    )
                task_id += 1
                booking_id += 1
                minutes = rng.choice((30, 60, 90, 120, 150))
                start = cursor + dt.timedelta(minutes=rng.choice((0, 0, 30, 60)))
                end = start + dt.timedelta(minutes=minutes)
                cursor = end + dt.timedelta(minutes=unit["setup"] + unit["cleanup"])
                add(
                    t.Task,
                    id=task_id,
                    request_id=request_id,
                    key=f"t{task_id}",
                    duration=minutes,
                    due=end + dt.timedelta(days=rng.randint(0, 10)),
                )
                add(
                    t.TaskEquipment,
                    task_id=task_id,
                    unit=unit["id"],
                    kind=None,
                    amount=1,
                )
                add(
                    t.Booking,
                    id=booking_id,
                    task_id=task_id,
                    start=start,
                    end=end,
                    status=rng.choice((BookingStatus.CONFIRMED, BookingStatus.DONE)),
                    created_at=start - dt.timedelta(days=7),
                )
                add(
                    t.BookingUnit,
                    booking_id=booking_id,
                    position=0,
                    equipment_id=unit["id"],
                    amount=rng.randint(1, unit["capacity"]),
                    busy_start=start - dt.timedelta(minutes=unit["setup"]),
                    busy_end=end + dt.timedelta(minutes=unit["cleanup"]),
                )
                for person in rng.sample(people, rng.randint(1, 3)):
                    add(
                        t.BookingPerson,
                        booking_id=booking_id,
                        person_id=person,
                        busy_start=start,
                        busy_end=end,
                    )
    return request_id


def _waiting_requests(
    rng: random.Random,
    add: Callable[..., dict[str, Any]],
    units: list[dict[str, Any]],
    people: list[str],
    projects: list[str],
    last_request: int,
) -> list[int]:
    """200 submitted or approved requests, due around the report week, not booked."""
    ids = []
    task_id = 10_000_000
    for request_id in range(last_request + 1, last_request + 201):
        submitted = NOW - dt.timedelta(days=rng.randint(1, 30))
        add(
            t.Request,
            id=request_id,
            project=rng.choice(projects),
            requester=rng.choice(people),
            title=f"Waiting {request_id}",
            status=rng.choice((RequestStatus.SUBMITTED, RequestStatus.APPROVED)),
            created=submitted,
            submitted=submitted,
        )
        ids.append(request_id)
        for _ in range(2):
            task_id += 1
            add(
                t.Task,
                id=task_id,
                request_id=request_id,
                key=f"w{task_id}",
                duration=60 * rng.randint(1, 8),
                due=NOW + dt.timedelta(days=rng.randint(-14, 14)),
            )
            add(
                t.TaskEquipment,
                task_id=task_id,
                unit=None,
                kind=rng.choice(KINDS),
                amount=1,
            )
    return ids


def _instant(monday: dt.date, day: int, hour: int) -> dt.datetime:
    return to_utc(dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour)), TZ)


@dataclass(frozen=True)
class Timing:
    """Seconds over the runs: wall clock (median and best) and this process's CPU (median).
    On a shared machine the CPU figure is what an idle one would show as wall time."""

    median: float
    best: float
    cpu: float

    def __str__(self) -> str:
        ms = 1000
        return (
            f"{ms * self.median:8.1f} ms median {ms * self.best:8.1f} ms best "
            f"{ms * self.cpu:8.1f} ms CPU"
        )


def _timed(work: Callable[[], Any], repeat: int) -> tuple[Timing, Any]:
    """``work`` run ``repeat`` times, and the last run's result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), min(walls), statistics.median(cpus)), result


def _terminal(report: WeeklyReport) -> str:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(render_terminal(report))
    return console.file.getvalue()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument(
        "--keep", type=Path, help="build the database here (replacing it) and keep it"
    )
    parser.add_argument("--html", type=Path, help="also write the HTML report here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        began = time.perf_counter()
        counts = build_history(path, bookings=args.bookings, seed=args.seed)
        built = time.perf_counter() - began
        print(
            f"built in {built:.1f} s: {counts['booking']:,} bookings, {counts['task']:,} tasks, "
            f"{counts['booking_person']:,} booking people, {counts['equipment']} units, "
            f"{counts['person']} people, {HISTORY_WEEKS} weeks"
        )
        db = Database.open(str(path))
        try:
            compute = lambda: weekly_report(db, actor=Actor.system(), now=NOW)  # noqa: E731
            weekly_report(db, actor=Actor.system(), now=NOW)  # warm caches and imports
            seconds, report = _timed(compute, args.repeat)
            print(
                f"report {report.week.label}: {len(report.units)} units, {len(report.people)} "
                f"people, booked {report.total.booked_hours:,.0f} h of "
                f"{report.total.available_hours:,.0f} h available"
            )
            print(f"{'compute':<10} {seconds}")
            renderers: dict[str, Callable[[], Any]] = {
                "terminal": lambda: _terminal(report),
                "md": lambda: render_text(report, Format.MD),
                "csv": lambda: csv_files(report),
                "csv zip": lambda: csv_zip(report),
                "json": lambda: render_text(report, Format.JSON),
                "html": lambda: render_text(report, Format.HTML),
            }
            for name, render in renderers.items():
                render()  # the first HTML run pays matplotlib's import
                seconds, out = _timed(render, args.repeat)
                size = len(out) if isinstance(out, str | bytes) else sum(map(len, out.values()))
                print(f"{name:<10} {seconds}  {size / 1024:7.1f} kB")
            if args.html:
                args.html.write_text(render_text(report, Format.HTML))
                print(f"wrote {args.html}")
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
