"""Writes the README's screenshots of the operator UI: docs/tui-schedule.svg, docs/tui-plan.svg.

    .venv/bin/python -m tests.tui.screenshots

The demo platform is loaded into a temporary database at a fixed clock; the plan screenshot
shows a real solver run, so its figures may differ slightly from run to run.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from labops.db import Database
from labops.platform.demo import load_demo
from tests.conftest import NOW
from tests.tui.conftest import settle
from tui.app import make_app

DOCS = Path(__file__).resolve().parents[2] / "docs"
OPERATOR = "jonas-becker"
SIZE = (120, 40)


async def shoot(db: Database) -> None:
    """Plan the demo's approved requests (screenshot), accept, then the schedule of the week."""
    app = make_app(db, OPERATOR, lambda: NOW, keymap_path=DOCS / "none.toml", time_limit=10)
    async with app.run_test(size=SIZE) as pilot:
        for keys, name in ((["4", "g"], "tui-plan.svg"), (["a", "2", "down", "right"], None)):
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            if name:
                app.save_screenshot(filename=name, path=str(DOCS))
        await pilot.press("down", "right")
        await settle(pilot)
        app.save_screenshot(filename="tui-schedule.svg", path=str(DOCS))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(str(Path(folder) / "demo.db"))
        load_demo(db, actor=None, now=NOW)
        asyncio.run(shoot(db))
        db.dispose()
    print(f"wrote {DOCS / 'tui-schedule.svg'} and {DOCS / 'tui-plan.svg'}")


if __name__ == "__main__":
    main()
