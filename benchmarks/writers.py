"""Concurrent writers: N processes writing to one platform at once, on SQLite and PostgreSQL.

Each process is an operator, a planner or a lead of a seeded platform (8 capacity-1 benches on one
site, 20 people, 400 approved requests of one one-hour task each). For ``--seconds`` every
process writes as fast as it can, each write its own transaction through the services:

- operators book one of their own tasks by hand at a random one-hour slot of 3 days on one
  of 3 benches (``book_task``: the slot re-checked against every rule inside the write;
  refused when another writer took the slot or the person first), and now and then cancel
  one of theirs;
- planners commit a plan that moves one live booking a day later (``commit_proposal``:
  refused when anyone committed since the plan was made, the fingerprint check);
- leads submit new requests (``submit_request``).

Every write that changes bookings also queues its notifications in the same transaction.
Reported per backend: commits per second (all processes), the median and p95 latency of a
write (from the call to its return, waiting for the write lock included), refused writes
(the slot was taken: no double booking), and the double bookings found afterwards by SQL
(two live bookings of one capacity-1 unit whose busy times overlap): must be 0.

    .venv/bin/python -m benchmarks.writers --processes 4 --seconds 20
    .venv/bin/python -m benchmarks.writers --pg postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from labops import clock
from labops.bookings import service as bookings
from labops.db import Database
from labops.errors import Conflict, LabopsError
from labops.permissions import Actor
from labops.planning.build import build_snapshot
from labops.planning.commit import commit_proposal
from labops.planning.proposal import Proposal, make_proposal
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.requests import service as requests
from labops.requests.form import parse_request_form
from labops.vocabulary import Access
from solver.plan import Plan

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # a Wednesday; the anchor is the Monday after
UNITS = [f"bench-{i}" for i in range(8)]
PEOPLE = [f"p{i:02d}" for i in range(20)]
REQUESTS = 400  # of one task each: a hand booking schedules its request whole
TASKS = 1
# Where the operators book: 3 benches on 3 days, 72 one-hour slots, so writers race for them.
RACED_UNITS = UNITS[:3]
DAYS = [dt.date(2026, 11, 30) + dt.timedelta(days=d) for d in range(3)]
HOURS = range(9, 17)  # a one-hour booking starts 09:00-16:00 Berlin (UTC+1), in people's hours
FORM = """
project = "bench-work"
title = "More bench time {n}"
[[tasks]]
key = "x"
duration = "1h"
equipment = [{{ kind = "bench" }}]
staff = [{{ skill = "bench" }}]
"""
DOUBLE_BOOKINGS = """
SELECT count(*) FROM booking_unit a
JOIN booking_unit b ON a.equipment_id = b.equipment_id AND a.booking_id < b.booking_id
 AND a.busy_start < b.busy_end AND b.busy_start < a.busy_end
JOIN booking ba ON ba.id = a.booking_id JOIN booking bb ON bb.id = b.booking_id
JOIN equipment e ON e.id = a.equipment_id
WHERE e.capacity = 1
 AND ba.status IN ('proposed', 'confirmed', 'locked', 'done')
 AND bb.status IN ('proposed', 'confirmed', 'locked', 'done')
"""


def platform_text() -> str:
    hours = ", ".join(f'{d} = "08:00-18:00"' for d in ("mon", "tue", "wed", "thu", "fri"))
    parts = [
        'format = 1\n[platform]\nname = "Writers Lab"\ntimezone = "Europe/Berlin"\n'
        'anchor = 2026-11-30\nidentity = "open"\n',
        '[[kinds]]\nid = "bench"\nname = "Bench"\n',
        f'[[sites]]\nid = "lab"\nname = "Main Lab"\nhours = {{ {hours} }}\n',
    ]
    parts += [
        f'[[equipment]]\nid = "{u}"\nname = "{u}"\nsite = "lab"\nkind = "bench"\nhourly_rate = 10\n'
        for u in UNITS
    ]
    parts += [
        f'[[people]]\nid = "{p}"\nname = "Person {p}"\nemail = "{p}@lab.test"\n'
        'role = "industry engineer"\naccess = "lead"\nhome_site = "lab"\n'
        "skills = { bench = 1 }\nweekly_hours = 60\n"
        for p in PEOPLE
    ]
    parts.append(
        '[[people]]\nid = "op"\nname = "Olga Operator"\nemail = "op@lab.test"\n'
        'role = "platform architect"\naccess = "operator"\nhome_site = "lab"\n'
    )
    parts += [
        f'[[fund_pools]]\nid = "{k[:4]}"\nname = "{k}"\nkind = "{k}"\nbudget = 10000000\n'
        for k in ("asset operations", "product development", "venture", "mergers & acquisitions")
    ]
    members = ", ".join(f'"{p}"' for p in PEOPLE)
    parts.append(
        '[[projects]]\nid = "bench-work"\nname = "Bench work"\nsource_technology = "x"\n'
        'demand_partner = "y"\nstage = "prototype"\nlead = "p00"\npriority = 3\n'
        f'fund_pool = "prod"\nbudget = 10000000\nmembers = [{members}]\n'
    )
    for r in range(1, REQUESTS + 1):
        parts.append(
            f'[[requests]]\nid = {r}\nproject = "bench-work"\nrequester = "p00"\n'
            f'title = "Series {r}"\nstatus = "approved"\nsubmitted = 2026-11-20T09:00:00\n'
        )
        parts += [
            f'[[requests.tasks]]\nkey = "t{k}"\nduration = "1h"\n'
            'equipment = [{ kind = "bench" }]\nstaff = [{ skill = "bench" }]\n'
            for k in range(TASKS)
        ]
    return "\n".join(parts)


def writer(url: str, number: int, role: str, seconds: float, start_at: float, out) -> None:
    """One process: write until ``seconds`` after ``start_at``; put its timings on ``out``."""
    rng = random.Random(number)
    db = Database.open(url)
    operator = Actor(id="op", access=Access.OPERATOR, name="Olga Operator")
    lead = Actor(id="p00", access=Access.LEAD, leads=frozenset({"bench-work"}))
    # Each operator books the tasks of its own requests: a refusal is a taken slot.
    mine = [(r, f"t{k}") for r in range(1, REQUESTS + 1) for k in range(TASKS) if r % 8 == number]
    rng.shuffle(mine)
    booked: list[int] = []
    latencies: list[float] = []
    refused = other = 0
    errors: dict[str, int] = {}
    with clock.fixed(NOW):
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        n = 0
        while time.time() < end:
            n += 1
            began = time.perf_counter()
            try:
                if role == "lead":
                    form = parse_request_form(FORM.format(n=f"{number}-{n}"), source="bench")
                    requests.submit_request(db, actor=lead, form=form, now=NOW)
                elif role == "planner":
                    commit_proposal(db, _one_moved(db, rng), actor=operator, now=NOW)
                elif booked and rng.random() < 0.2:
                    booking = booked.pop(rng.randrange(len(booked)))
                    bookings.change_booking(
                        db, actor=operator, booking_id=booking, operation="cancel", now=NOW
                    )
                elif mine:
                    request_id, task = mine[-1]
                    day, hour = rng.choice(DAYS), rng.choice(HOURS)
                    start = dt.datetime.combine(day, dt.time(hour - 1), tzinfo=dt.UTC)
                    person = rng.choice(PEOPLE)
                    booking = bookings.book_task(
                        db, actor=operator, request_id=request_id, task_key=task,
                        start=start, units=[rng.choice(RACED_UNITS)], people=[person], now=NOW,
                    )  # fmt: skip
                    mine.pop()
                    booked.append(booking)
                else:
                    break
            except Conflict:
                refused += 1
            except LabopsError as exc:  # e.g. the plan's move broke a rule: nothing written
                other += 1
                errors[str(exc)[:60]] = errors.get(str(exc)[:60], 0) + 1
            latencies.append(time.perf_counter() - began)
    db.dispose()
    out.put(
        {"role": role, "latencies": latencies, "refused": refused, "other": other, "errors": errors}
    )


def _one_moved(db: Database, rng: random.Random) -> Proposal:
    """The plan in force with one live booking a day later."""
    with db.read() as session:
        snapshot = build_snapshot(session, now=NOW, weeks=3)
    current = dict(snapshot.problem.current)
    if current:
        key = rng.choice(sorted(current))
        was = current[key]
        later = snapshot.grid.floor(snapshot.grid.at(was.start) + dt.timedelta(days=1))
        current[key] = dataclasses.replace(was, start=later)
    return make_proposal(snapshot, Plan(assignments=current, status="feasible"))


def run(url: str, processes: int, seconds: float) -> dict:
    db = Database.open(url)
    load_platform(db, parse_platform_text(platform_text()), actor=None, now=NOW, replace=True)
    db.dispose()
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 2.0  # every process open and migrated-checked before the start
    roles = [("operator", "operator", "planner", "lead")[i % 4] for i in range(processes)]
    workers = [
        context.Process(target=writer, args=(url, i, roles[i], seconds, start_at, out))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = seconds
    per_role = {
        role: {
            "writes": sum(len(r["latencies"]) for r in results if r["role"] == role),
            "refused": sum(r["refused"] + r["other"] for r in results if r["role"] == role),
            "other_errors": [e for r in results if r["role"] == role for e in r["errors"]],
        }
        for role in sorted(set(roles))
    }
    latencies = sorted(x for r in results for x in r["latencies"])
    refused = sum(r["refused"] for r in results)
    other = sum(r["other"] for r in results)
    commits = len(latencies) - refused - other
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=sa.NullPool)
    with engine.connect() as connection:
        doubles = connection.exec_driver_sql(DOUBLE_BOOKINGS).scalar()
        queued = connection.exec_driver_sql("SELECT count(*) FROM notification").scalar()
    engine.dispose()
    return {
        "backend": "postgresql" if url.startswith("postgresql") else "sqlite",
        "processes": processes,
        "seconds": seconds,
        "writes": len(latencies),
        "commits": commits,
        "commits_per_s": round(commits / elapsed, 1),
        "refused_taken_slot": refused,
        "refused_other": other,
        "latency_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "per_role": per_role,
        "double_bookings": doubles,
        "notifications_queued": queued,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--pg", help="a PostgreSQL URL (a user who may create databases)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    rows = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            rows.append(run(str(Path(folder) / "writers.db"), args.processes, args.seconds))
    if args.backend in ("postgresql", "both"):
        base = sa.make_url(args.pg or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"labops_writers_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = base.set(database=name).render_as_string(hide_password=False)
            rows.append(run(url, args.processes, args.seconds))
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.dispose()
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    with (results / "writers.jsonl").open("a") as log:
        for row in rows:
            log.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **row}) + "\n")
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
