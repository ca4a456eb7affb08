"""How fast the operator UI opens and switches screens on a real database.

Run in a fresh interpreter, so the imports count as they do for `labops tui`: the time to
import the app, open the database, build the first screen and finish its loading work;
then the time of each screen switch (keys 1-6) until the screen has settled. Headless, at
120x40.

    make demo && .venv/bin/python -m benchmarks.tui_bench --db demo.db --as aylin-demir
    .venv/bin/python -m benchmarks.report_bench --keep /tmp/year.db
    .venv/bin/python -m benchmarks.tui_bench --db /tmp/year.db --as <an operator of it>
"""

from __future__ import annotations

import time

BEGAN = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402

from labops.db import Database  # noqa: E402
from tui.app import make_app  # noqa: E402

SCREENS = {
    "1": "today",
    "2": "schedule",
    "3": "requests",
    "4": "plan",
    "5": "resources",
    "6": "report",
}


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def measure(db: Database, person: str, now: dt.datetime | None) -> dict[str, float]:
    clock = (lambda: now) if now is not None else (lambda: dt.datetime.now(dt.UTC))
    imported = time.perf_counter() - BEGAN
    app = make_app(db, person, clock)
    figures = {"import": imported}
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        figures["open"] = time.perf_counter() - BEGAN
        for key, name in SCREENS.items():
            began = time.perf_counter()
            await pilot.press(key)
            await _settle(pilot)
            figures[name] = time.perf_counter() - began
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the database file")
    parser.add_argument("--as", dest="person", required=True, help="an operator's id")
    parser.add_argument("--now", default=None, help="the clock, ISO (default: now)")
    args = parser.parse_args(argv)
    now = dt.datetime.fromisoformat(args.now) if args.now else None
    db = Database.open(args.db)
    try:
        figures = asyncio.run(measure(db, args.person, now))
    finally:
        db.dispose()
    print(
        f"imports {figures.pop('import'):.2f} s, first screen ready {figures.pop('open'):.2f} s "
        "after start; switching to: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in figures.items())
    )


if __name__ == "__main__":
    main()
