"""Does any project starve? Weeks of planning replayed on the demo, with ageing on and off.

    .venv/bin/python -m benchmarks.fairness --weeks 8 --arrivals 12 --time-limit 10

The demo is loaded at a fixed Wednesday, its requests approved, planned and committed. Then,
week after week: the clock moves on a week, ``--arrivals`` new requests arrive (copies of
the demo's own requests, drawn by ``--seed``, submitted by their project's lead and approved
at once), the plan runs (deterministic, so both replays see the same plans up to where
ageing changes them) and is committed, and its bookings are confirmed; the bookings of the
past week are what happened. Each replay runs once with ``ageing_weeks`` 0 (off) and once
with the given value.

A request's wait is the time from its approval to the first committed plan that schedules
it; a request still waiting at the end counts its wait until then (and is marked so).
Requests that can never fit, even alone on an empty platform (the solver's pre-check), are
left out of the figures: no fairness can place them.
JSON lines go to ``benchmarks/results/fairness-*.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from labops import tables as t
from labops.bookings.service import change_booking
from labops.db import Database
from labops.errors import InputError
from labops.permissions import resolve_actor
from labops.planning.plans import commit, propose
from labops.platform.demo import approve_submitted, demo_operator, load_demo
from labops.platform.dump import export_platform
from labops.requests.form import RequestForm
from labops.requests.service import approve_request, submit_request
from labops.vocabulary import BookingStatus, RequestStatus
from solver.explain import precheck

RESULTS = Path(__file__).parent / "results"
START = dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)  # a Wednesday, 08:00 in Berlin
WEEK = dt.timedelta(weeks=1)


def replay(
    ageing: int, weeks: int, arrivals: int, time_limit: float, seed: int
) -> list[dict[str, Any]]:
    """One replay; a row per request approved in it (see the module docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(str(Path(folder) / "replay.db"))
        load_demo(db, actor=None, now=START)
        with db.write() as session:
            info = session.exec(select(t.PlatformInfo)).one()
            info.planning = {**info.planning, "ageing_weeks": ageing}
            session.add(info)
        operator = demo_operator(db)
        approve_submitted(db, actor=operator, now=START)
        with db.read() as session:
            models = list(export_platform(session).requests)
            leads = {p.id: p.lead for p in session.exec(select(t.Project))}
        rng = random.Random(seed)
        approved: dict[int, dt.datetime] = {}
        scheduled_at: dict[int, dt.datetime] = {}
        never: set[int] = set()
        refused = 0
        cut = 0
        with db.read() as session:
            for request in session.exec(select(t.Request)):
                if request.status in (RequestStatus.APPROVED, RequestStatus.SCHEDULED):
                    approved[request.id] = request.decided_at or request.submitted or START
        for week in range(weeks + 1):
            now = START + week * WEEK
            if week:
                for model in rng.sample(models, min(arrivals, len(models))):
                    try:
                        request_id = _arrive(db, model, leads, week, now)
                    except InputError:  # its project's budget is spent: refused at the door
                        refused += 1
                        continue
                    approve_request(db, actor=operator, request_id=request_id, now=now)
                    approved[request_id] = now
            began = time.monotonic()
            proposal = propose(
                db, actor=operator, now=now, time_limit=time_limit, deterministic=True
            )
            cut += not proposal.plan.repeatable  # the clock ended it before its work budget
            problem = proposal.snapshot.problem
            never |= {int(r[1:]) for r in precheck(problem)}
            commit(db, actor=operator, now=now, proposal=proposal)
            _confirm(db, operator, now)
            with db.read() as session:
                for request in session.exec(
                    select(t.Request).where(t.Request.status == RequestStatus.SCHEDULED)
                ):
                    scheduled_at.setdefault(request.id, now)
            waiting = sum(1 for r in approved if r not in scheduled_at)
            print(
                f"ageing {ageing}: week {week}: {len(proposal.left_out)} left out, "
                f"{waiting} approved and never scheduled, {refused} refused so far, "
                f"{cut} plans cut by the clock so far, "
                f"{time.monotonic() - began:.1f} s",
                flush=True,
            )
        end = START + weeks * WEEK
        with db.read() as session:
            priority = {
                r.id: p.priority
                for r, p in session.exec(
                    select(t.Request, t.Project).where(col(t.Request.project) == t.Project.id)
                )
            }
        db.dispose()
    return [
        {
            "ageing_weeks": ageing,
            "request": request_id,
            "priority": priority[request_id],
            "approved": at.isoformat(),
            "wait_weeks": round(((scheduled_at.get(request_id) or end) - at) / WEEK, 2),
            "still_waiting": request_id not in scheduled_at,
            "never_fits": request_id in never,
            "plans_cut": cut,
        }
        for request_id, at in sorted(approved.items())
    ]


def _arrive(db: Database, model: Any, leads: dict[str, str], week: int, now: dt.datetime) -> int:
    """A copy of the demo request ``model``, its dates moved ``week`` weeks on, submitted by
    its project's lead."""
    tasks = []
    for task in model.tasks:
        entry = task.model_dump()
        for name in ("earliest", "due"):
            if entry.get(name) is not None:
                entry[name] = entry[name] + week * WEEK
        tasks.append(entry)
    form = RequestForm.model_validate(
        {"project": model.project, "title": f"{model.title} (week {week})", "tasks": tasks}
    )
    with db.read() as session:
        lead = resolve_actor(session, leads[model.project])
    return submit_request(db, actor=lead, form=form, now=now).request_id


def _confirm(db: Database, operator: Any, now: dt.datetime) -> None:
    with db.read() as session:
        proposed = [
            b.id
            for b in session.exec(
                select(t.Booking).where(t.Booking.status == BookingStatus.PROPOSED)
            )
        ]
    for booking_id in proposed:
        change_booking(db, actor=operator, booking_id=booking_id, operation="confirm", now=now)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    fits = [r for r in rows if not r["never_fits"]]
    waits = sorted(r["wait_weeks"] for r in fits)
    by_priority = {
        p: max(r["wait_weeks"] for r in fits if r["priority"] == p)
        for p in sorted({r["priority"] for r in fits})
    }
    return {
        "requests": len(rows),
        "never_fit": len(rows) - len(fits),
        "still_waiting": sum(1 for r in fits if r["still_waiting"]),
        "max_wait_weeks": waits[-1] if waits else 0.0,
        "mean_wait_weeks": round(statistics.fmean(waits), 2) if waits else 0.0,
        "p90_wait_weeks": waits[int(0.9 * (len(waits) - 1))] if waits else 0.0,
        "max_wait_by_priority": by_priority,
        "plans_cut_by_clock": rows[0]["plans_cut"] if rows else 0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--arrivals", type=int, default=12, help="new requests a week")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--ageing", type=int, default=2, help="ageing_weeks of the 'on' run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    out = RESULTS / f"fairness-{stamp}.jsonl"
    cpu0, wall0 = time.process_time(), time.monotonic()
    results = {}
    with out.open("w") as handle:
        for ageing in (0, args.ageing):
            rows = replay(ageing, args.weeks, args.arrivals, args.time_limit, args.seed)
            results[ageing] = summary(rows)
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    share = (time.process_time() - cpu0) / max(1e-6, time.monotonic() - wall0)
    for ageing, figures in results.items():
        print(f"ageing_weeks {ageing}: {json.dumps(figures)}")
    print(f"cpu share {share:.2f} (of one core: deterministic solves use one); {out}")


if __name__ == "__main__":
    main()
