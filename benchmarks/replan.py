"""How much a re-plan changes: the stable-plans measures, on the demo and generated platforms.

    .venv/bin/python -m benchmarks.replan demo --time-limit 20
    .venv/bin/python -m benchmarks.replan lab --seeds 0 1 2 3 4 --time-limit 30 --days 3

``demo``: the demo loaded and planned as ``labops demo`` does (at a fixed instant), every
booking confirmed; then (1) ``schedule`` with nothing changed, seeds 0-9: changes proposed;
(2) for each of the 5 busiest units, a one-day breakdown on a day after the freeze window
with bookings on it, then ``schedule --repair``: bookings hit, bookings changed, confirmed
bookings changed that the breakdown did not hit (and whether a higher-priority request
needed each), requests dropped that it did not touch.

``lab``: a generated platform (``benchmarks.lab_generator``) planned from scratch; its plan
becomes the plan in force (every request in it scheduled, its bookings confirmed); one of its
five busiest units breaks down from the day of one of its bookings (``--days`` days); the
repair re-plans the scheduled requests. Reported: bookings changed / bookings hit, and the
priority the repair keeps against a plan made from scratch for the broken platform with the
same time limit. Every plan is validated.
JSON lines go to ``benchmarks/results/replan-*.jsonl``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from solver.problem import Problem, Standing, Unit
from solver.score import unchanged
from solver.solve import SolveOptions, solve
from solver.validate import validate

from .lab_generator import generate_lab

RESULTS = Path(__file__).parent / "results"
DEMO_NOW = dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)  # a Wednesday, 08:00 in Berlin


# --- the demo ---------------------------------------------------------------------------------


def demo(time_limit: float, workers: int) -> list[dict[str, Any]]:
    from sqlmodel import select

    from labops import tables as t
    from labops.bookings.service import add_downtime, change_booking
    from labops.db import Database
    from labops.planning.plans import commit, propose
    from labops.platform import demo as demo_service
    from labops.vocabulary import BookingStatus, DowntimeKind

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        planned = Path(folder) / "planned.db"
        db = Database.open(str(planned))
        demo_service.load_demo(db, actor=None, now=DEMO_NOW)
        operator = demo_service.demo_operator(db)
        demo_service.approve_submitted(db, actor=operator, now=DEMO_NOW)
        first = propose(db, actor=operator, now=DEMO_NOW, time_limit=time_limit, workers=workers)
        commit(db, actor=operator, now=DEMO_NOW, proposal=first)
        with db.read() as session:
            proposed = [
                b.id
                for b in session.exec(
                    select(t.Booking).where(t.Booking.status == BookingStatus.PROPOSED)
                )
            ]
        for booking_id in proposed:
            change_booking(
                db, actor=operator, booking_id=booking_id, operation="confirm", now=DEMO_NOW
            )
        db.dispose()

        def fresh(name: str) -> Database:
            path = Path(folder) / f"{name}.db"
            shutil.copyfile(planned, path)
            return Database.open(str(path))

        db = fresh("same")
        for seed in range(10):
            began = time.monotonic()
            proposal = propose(db, actor=operator, now=DEMO_NOW, time_limit=time_limit, seed=seed)
            rows.append(
                {
                    "case": "demo-unchanged",
                    "seed": seed,
                    "changes": len(proposal.changes),
                    "seconds": round(time.monotonic() - began, 2),
                }
            )
            print(f"demo unchanged, seed {seed}: {len(proposal.changes)} changes", flush=True)
        db.dispose()

        frozen_until = first.snapshot.frozen_until
        with Database.open(str(planned)).read() as session:
            pairs = list(
                session.exec(
                    select(t.Booking, t.BookingUnit.equipment_id)
                    .join(t.BookingUnit, t.BookingUnit.booking_id == t.Booking.id)
                    .where(t.Booking.start >= frozen_until)
                    .where(t.Booking.status == BookingStatus.CONFIRMED)
                    .order_by(t.Booking.start)
                )
            )
        per_unit: dict[str, list] = {}
        for booking, unit in pairs:
            per_unit.setdefault(unit, []).append(booking)
        busiest = sorted(per_unit, key=lambda u: (-len(per_unit[u]), u))[:5]
        for unit in busiest:
            db = fresh(f"broken-{unit}")
            booking = per_unit[unit][len(per_unit[unit]) // 2]  # a day in the middle
            day = booking.start.replace(hour=0, minute=0, second=0, microsecond=0)
            hit = add_downtime(
                db,
                actor=operator,
                unit_id=unit,
                start=day,
                end=day + dt.timedelta(days=1),
                kind=DowntimeKind.BREAKDOWN,
                reason="benchmark",
                now=DEMO_NOW,
            ).hit
            hit_ids = {row["id"] for row in hit.rows}
            began = time.monotonic()
            repair = propose(
                db,
                actor=operator,
                now=DEMO_NOW,
                repair=True,
                time_limit=time_limit,
                workers=workers,
            )
            seconds = time.monotonic() - began
            problem = repair.snapshot.problem
            priority = {r.id: r.priority for r in problem.requests}
            changed = [c for c in repair.changes]
            hit_requests = {c.request_id for c in changed if c.booking_id in hit_ids}
            top = max((priority[f"R{r}"] for r in hit_requests), default=0)
            others = [c for c in changed if c.booking_id not in hit_ids]
            # Other requests' confirmed bookings (a hit request's own may move with it).
            confirmed = [
                c
                for c in others
                if c.status == BookingStatus.CONFIRMED and c.request_id not in hit_requests
            ]
            dropped = [
                r.request_id
                for r in repair.left_out
                if r.was_scheduled and r.request_id not in hit_requests
            ]
            row = {
                "case": "demo-breakdown",
                "unit": unit,
                "day": day.date().isoformat(),
                "hit": len(hit_ids),
                "changed": len(changed),
                "others_changed": len(others),
                "confirmed_others": len(confirmed),
                "confirmed_for_lower_or_equal": sum(
                    1 for c in confirmed if priority[f"R{c.request_id}"] >= top
                ),
                "dropped_untouched": len(dropped),
                "dropped_for_lower_or_equal": sum(1 for r in dropped if priority[f"R{r}"] >= top),
                "seconds": round(seconds, 2),
                "violations": len(validate(problem, repair.plan)),
            }
            rows.append(row)
            print(
                f"demo breakdown of {unit} on {row['day']}: {row['hit']} hit, "
                f"{row['changed']} changed ({row['others_changed']} not hit, "
                f"{row['confirmed_others']} confirmed ones of other requests, "
                f"{row['confirmed_for_lower_or_equal']} for a lower or equal priority), "
                f"{row['dropped_untouched']} untouched requests dropped "
                f"({row['dropped_for_lower_or_equal']} for a lower or equal priority), "
                f"{row['seconds']}s",
                flush=True,
            )
            db.dispose()
    return rows


# --- generated platforms ----------------------------------------------------------------------


def lab(
    seed: int, time_limit: float, workers: int, days: int = 1, deterministic: bool = False
) -> dict[str, Any]:
    """Plan a generated platform, break one of its 5 busiest units for ``days`` days from
    the day of one of its bookings, repair; see the module docstring."""
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    problem = generate_lab(seed)
    first = solve(problem, options)
    assert not validate(problem, first)
    scheduled = {
        r.id
        for r in problem.requests
        if all(t.id in first.assignments for t in problem.request_tasks[r.id])
    }
    rng = random.Random(seed)
    used: dict[str, list[int]] = {}
    for a in first.assignments.values():
        for unit in a.units:
            used.setdefault(unit, []).append(a.start)
    busiest = sorted(used, key=lambda u: (-len(used[u]), u))[:5]
    unit_id = rng.choice(busiest)
    day = rng.choice(used[unit_id]) // 48 * 48  # the day of one of its bookings
    broken = _with_downtime(problem, unit_id, (day, day + 48 * days))
    # The repair: the scheduled requests only, their bookings in force and confirmed.
    tasks = tuple(t for t in broken.tasks if t.request in scheduled)
    current = {t.id: first.assignments[t.id] for t in tasks}
    repair_problem = dataclasses.replace(
        broken,
        tasks=tasks,
        requests=tuple(
            dataclasses.replace(r, standing=Standing.SCHEDULED)
            for r in broken.requests
            if r.id in scheduled
        ),
        precedences=tuple(
            p for p in broken.precedences if p.before in current and p.after in current
        ),
        current=current,
        promised=frozenset(current),
    )
    hit = repair_problem.stability.broken
    began = time.monotonic()
    repaired = solve(repair_problem, options)
    seconds = time.monotonic() - began
    scratch_problem = dataclasses.replace(repair_problem, current={}, promised=frozenset())
    scratch_problem = dataclasses.replace(
        scratch_problem,
        requests=tuple(
            dataclasses.replace(r, standing=Standing.NEW) for r in scratch_problem.requests
        ),
    )
    scratch = solve(scratch_problem, options)
    changed = sum(1 for t, a in current.items() if not unchanged(repaired.assignments.get(t), a))
    by_request: dict[str, int] = {}
    for t in (t for t in tasks if not unchanged(repaired.assignments.get(t.id), current[t.id])):
        by_request[t.request] = by_request.get(t.request, 0) + 1
    priority = {r.id: r.priority for r in problem.requests}
    hit_requests = sorted({task.request for task in tasks if task.id in hit})
    # A change is a move (its request stays scheduled) or a drop (its request gives way).
    kept = {
        r
        for r in scheduled
        if all(t.id in repaired.assignments for t in repair_problem.request_tasks[r])
    }
    dropped = sorted(scheduled - kept)
    moved = sum(n for r, n in by_request.items() if r in kept)
    # Changes to requests the breakdown did not hit: what the repair chose to disturb.
    beyond = sum(n for r, n in by_request.items() if r not in hit_requests)
    top = max((priority[r] for r in hit_requests), default=0)
    kept = repaired.breakdown["priority"]
    return {
        "case": "lab-breakdown",
        "seed": seed,
        "time_limit": time_limit,
        "tasks": len(problem.tasks),
        "scheduled_tasks": len(current),
        "unit": unit_id,
        "day": day // 48,
        "days": days,
        "hit": len(hit),
        "changed": changed,
        "ratio": round(changed / len(hit), 2) if hit else None,
        "moved": moved,
        "moved_ratio": round(moved / len(hit), 2) if hit else None,
        "beyond_hit_requests": beyond,
        "dropped_requests": {r: priority[r] for r in dropped},
        "dropped_for_lower_or_equal": sum(
            1 for r in dropped if r not in hit_requests and priority[r] >= top
        ),
        "hit_requests": {r: priority[r] for r in hit_requests},
        "changed_requests": {r: (n, priority[r]) for r, n in sorted(by_request.items())},
        "priority_before": first.breakdown["priority"],
        "priority_repair": kept,
        "priority_scratch": scratch.breakdown["priority"],
        "seconds": round(seconds, 2),
        # Whether CP-SAT proved the repair's move cost the least the earlier levels allow
        # (the rules' floor: no search could change less without giving up a priority).
        "disruption_proven": "disruption" in repaired.level_bounds
        and repaired.level_bounds["disruption"] == repaired.breakdown.get("disruption"),
        "violations": len(validate(repair_problem, repaired))
        + len(validate(scratch_problem, scratch)),
        "load": round(os.getloadavg()[0], 2),
    }


def _with_downtime(problem: Problem, unit_id: str, window: tuple[int, int]) -> Problem:
    units = []
    for unit in problem.units:
        if unit.id == unit_id:
            down = tuple(sorted({*unit.down, window}))
            merged: list[tuple[int, int]] = []
            for a, b in down:
                if merged and a <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
                else:
                    merged.append((a, b))
            unit = Unit(**{**_fields(unit), "down": tuple(merged)})
        units.append(unit)
    return dataclasses.replace(problem, units=tuple(units))


def _fields(unit: Unit) -> dict[str, Any]:
    return {f.name: getattr(unit, f.name) for f in dataclasses.fields(unit)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("demo", "lab"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--days", type=int, default=1, help="lab: days the unit is down")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="lab: solves bounded by work done, not the clock (the same figures on any load)",
    )
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    out = RESULTS / f"replan-{args.what}-{stamp}.jsonl"
    cpu0, wall0 = time.process_time(), time.monotonic()
    if args.what == "demo":
        rows = demo(args.time_limit, args.workers)
    else:
        rows = []
        for seed in args.seeds:
            row = lab(seed, args.time_limit, args.workers, args.days, args.deterministic)
            rows.append(row)
            print(
                f"lab seed {seed}: {row['hit']} hit, {row['changed']} changed "
                f"(x{row['ratio']}; {row['moved']} moved, x{row['moved_ratio']}; "
                f"{row['beyond_hit_requests']} of requests not hit; dropped "
                f"{row['dropped_requests']}, {row['dropped_for_lower_or_equal']} for a lower or "
                f"equal priority; fewest moves proven: {row['disruption_proven']}), "
                f"priority {row['priority_before']} before, "
                f"{row['priority_repair']} repaired, {row['priority_scratch']} from scratch, "
                f"violations {row['violations']}",
                flush=True,
            )
        ratios = [r["ratio"] for r in rows if r["ratio"] is not None]
        if ratios:
            moved = [r["moved_ratio"] for r in rows if r["moved_ratio"] is not None]
            print(
                f"mean changed/hit {statistics.fmean(ratios):.2f}, "
                f"moved/hit {statistics.fmean(moved):.2f}"
            )
    share = (time.process_time() - cpu0) / max(1e-6, (time.monotonic() - wall0) * args.workers)
    with out.open("w") as handle:
        for row in rows:
            handle.write(json.dumps({**row, "cpu_share": round(share, 2)}) + "\n")
    print(f"cpu share {share:.2f}; {out}")


if __name__ == "__main__":
    main()
