"""Years of history: how fast labops lists, shows, reports and opens its UI at 100,000
requests and 1,000,000 bookings (issue 17, item 17).

The platform (benchmarks/scale_build.py: the demo plus years of history) is built
once into the SQLite file given, and reused while it exists (``--rebuild`` makes it afresh).
Then each measurement runs in a fresh process, as a person would start it, and reports
its wall time, CPU time and peak RSS: ``labops list requests --status submitted`` (table
and ``--json``), ``list requests``, ``list bookings``, ``show request N``, ``report
weekly``, the dashboard the TUI opens on, and the TUI itself (start to the first screen
settled, then each screen by its key until its work is done, headless through
``App.run_test``). A run past ``--timeout`` seconds is stopped and reported so.

    .venv/bin/python -m benchmarks.scale /tmp/scale.db            # build if missing, measure
    .venv/bin/python -m benchmarks.scale /tmp/scale.db --only list-submitted,tui
    .venv/bin/python -m benchmarks.scale /tmp/scale.db --load-file   # also `labops load`
                                                                     # of a 100k-request file
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.scale_build import build

ROOT = Path(__file__).resolve().parents[1]
OPERATOR = "aylin-demir"  # the demo's first operator
TIMEOUT = 600.0  # seconds a measurement may take before it is stopped


def _run(argv: list[str]) -> dict[str, Any]:
    """Run ``argv`` in a fresh process; wall seconds, peak RSS (MB), output size, status.
    A run past TIMEOUT is killed, and its figures say so (``timed_out``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - began > TIMEOUT:
                process.kill()  # our own child, by its id
                timed_out = True
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output = out.read()
        problem = err.read().decode(errors="replace").strip()
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "lines": output.count(b"\n"),
        "bytes": len(output),
        "exit": process.returncode,
        "timed_out": timed_out,
        "stdout": output,
        "stderr": problem[-400:],
    }


def _labops(db: Path, *args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("labops")), "--db", str(db), "--as", OPERATOR, *args]


def _probe(db: Path, what: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.scale", str(db), "--probe", what]


def measurements(db: Path) -> dict[str, list[str]]:
    request = str(_a_done_request(db))
    return {
        "list-submitted": _labops(db, "list", "requests", "--status", "submitted"),
        "list-submitted-json": _labops(db, "list", "requests", "--status", "submitted", "--json"),
        "list-requests": _labops(db, "list", "requests"),
        "list-bookings": _labops(db, "list", "bookings"),
        "show-request": _labops(db, "show", "request", request),
        "report-weekly": _labops(db, "report", "weekly"),
        "dashboard": _probe(db, "dashboard"),
        "tui": _probe(db, "tui"),
    }


def _a_done_request(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        # one from the middle of the history
        (count,) = connection.execute(
            "SELECT count(*) FROM request WHERE status = 'done'"
        ).fetchone()
        (found,) = connection.execute(
            "SELECT id FROM request WHERE status = 'done' ORDER BY id LIMIT 1 OFFSET ?",
            (count // 2,),
        ).fetchone()
    return found


def probe(db: Path, what: str) -> None:
    """In this fresh process: time one in-process measurement, print it as JSON."""
    began = time.perf_counter()
    from labops import clock
    from labops.db import Database

    database = Database.open(str(db), create=False)
    if what == "dashboard":
        from labops.dashboard.overview import dashboard
        from labops.permissions import resolve_actor

        with database.read() as session:
            actor = resolve_actor(session, OPERATOR)
        start, cpu = time.perf_counter(), time.process_time()
        dashboard(database, actor=actor, now=clock.now())
        figures = {"dashboard": [time.perf_counter() - start, time.process_time() - cpu]}
    elif what == "tui":
        import asyncio

        figures = asyncio.run(_tui(database, began))
    else:
        raise SystemExit(f"unknown probe {what!r}")
    print(json.dumps(figures))


async def _tui(database: Any, began: float) -> dict[str, list[float]]:
    """Seconds from the start of this process to the first screen settled, then for each
    screen's key until it settled (workers done); wall and CPU (this process, all threads)."""
    from benchmarks.tui_bench import SCREENS, _settle
    from labops import clock
    from tui.app import make_app

    app = make_app(database, OPERATOR, clock.now)
    figures: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        figures["tui first screen (today)"] = [time.perf_counter() - began, time.process_time()]
        for key, name in SCREENS.items():
            start, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await _settle(pilot)
            figures[f"tui screen {key} {name}"] = [
                time.perf_counter() - start,
                time.process_time() - cpu,
            ]
    return figures


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {memory:.0f} GB RAM, load average {load}"


def measure(db: Path, only: set[str] | None) -> list[tuple[str, dict[str, Any]]]:
    results = []
    for name, argv in measurements(db).items():
        if only and name not in only:
            continue
        figures = _run(argv)
        if figures["exit"] != 0:
            print(f"{name}: exit {figures['exit']}: {figures['stderr']}", file=sys.stderr)
        if argv[1:3] == ["-m", "benchmarks.scale"] and figures["exit"] == 0:
            inner = json.loads(figures["stdout"].decode().strip().splitlines()[-1])
            for label, (seconds, cpu) in inner.items():
                results.append(
                    (label, {**figures, "seconds": seconds, "cpu": cpu, "in_process": True})
                )
                _report_line(*results[-1])
            results.append((f"{name} (whole process)", figures))
        else:
            results.append((name, figures))
        _report_line(*results[-1])
    return results


def _report_line(name: str, figures: dict[str, Any]) -> None:
    where = " (in process)" if figures.get("in_process") else ""
    tail = f"{figures['lines']:>9,} lines" if not figures.get("in_process") else ""
    if figures.get("timed_out"):
        tail = f"stopped after {TIMEOUT:.0f} s"
    print(
        f"{name:<34} {figures['seconds']:8.2f} s{where:<13} {figures['cpu']:7.2f} s CPU "
        f"{figures['rss_mb']:8.0f} MB peak  {tail}",
        flush=True,
    )


def load_file(db: Path) -> None:
    """`labops load` of a platform file of 100,000 requests (about the issue's 26 MB): the
    big platform's requests with their first two tasks and no bookings, exported from a
    copy that keeps only those."""
    import shutil
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "requests-only.db"
        shutil.copy(db, copy)
        with sqlite3.connect(copy) as connection:
            connection.execute("PRAGMA foreign_keys = ON")  # their units and people go too
            connection.execute("DELETE FROM booking")
            connection.execute(
                "DELETE FROM task WHERE key GLOB 'step-*' AND key NOT IN ('step-1', 'step-2')"
            )
            connection.execute(
                "UPDATE request SET status = 'approved' WHERE status IN ('scheduled', 'done')"
            )
        export = _run(_labops(copy, "export", str(Path(folder) / "platform.toml")))
        if export["exit"] != 0:
            print(f"export failed (exit {export['exit']}): {export['stderr']}")
            return
        size = (Path(folder) / "platform.toml").stat().st_size / 2**20
        print(
            f"export (100k requests, no bookings)   {export['seconds']:8.2f} s "
            f"{export['rss_mb']:8.0f} MB peak  file {size:.0f} MB {export['stderr']}"
        )
        target = Path(folder) / "loaded.db"
        argv = [
            str(Path(sys.executable).with_name("labops")),
            "--db",
            str(target),
            "load",
            str(Path(folder) / "platform.toml"),
        ]
        loaded = _run(argv)
        print(
            f"load that file into a new database    {loaded['seconds']:8.2f} s "
            f"{loaded['rss_mb']:8.0f} MB peak  exit {loaded['exit']} {loaded['stderr'][-200:]}"
        )


def _save(results: list[tuple[str, dict[str, Any]]]) -> None:
    """The figures as JSON lines in benchmarks/results/ (not in git)."""
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    with (folder / f"scale-{stamp}.jsonl").open("w") as out:
        for name, figures in results:
            kept = {k: v for k, v in figures.items() if k not in ("stdout", "stderr")}
            out.write(json.dumps({"measure": name, "machine": machine(), **kept}) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the SQLite file (built if missing)")
    parser.add_argument("--rebuild", action="store_true", help="build it afresh")
    parser.add_argument("--only", help="comma-separated measurement names")
    parser.add_argument("--load-file", action="store_true", help="also time `labops load`")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    globals()["TIMEOUT"] = args.timeout
    if args.probe:
        probe(args.db, args.probe)
        return
    if args.rebuild or not args.db.exists():
        began = time.perf_counter()
        counts = build(args.db)  # see benchmarks/scale_build.py
        print(
            f"built {args.db} in {time.perf_counter() - began:.0f} s: "
            + ", ".join(f"{n:,} {table}" for table, n in sorted(counts.items()))
        )
    print(f"machine: {machine()}")
    only = set(args.only.split(",")) if args.only else None
    results = measure(args.db, only)
    _save(results)
    if args.load_file:
        load_file(args.db)
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
