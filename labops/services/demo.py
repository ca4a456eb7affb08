"""The demo platform: a realistic technology-transfer center, shown in the current weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from labops.db import Database
from labops.errors import InputError, NotFound
from labops.fixture.load import LoadSummary, load_platform
from labops.fixture.read import read_platform_file
from labops.localtime import to_local
from labops.permissions import Actor

DEMO_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "demo.toml"


def demo_file() -> Path:
    if not DEMO_FILE.exists():
        raise NotFound(f"the demo platform file is missing: {DEMO_FILE}")
    return DEMO_FILE


def load_demo(
    db: Database, *, actor: Actor | None, now: dt.datetime, replace: bool = False
) -> LoadSummary:
    """Load the demo so that its first week is the current week; an earlier demo is replaced,
    any other platform only when ``replace`` is set."""
    data = read_platform_file(demo_file())
    from labops.services.catalog import platform_info

    with db.read() as session:
        try:
            current = platform_info(session).name
        except NotFound:
            current = None
    if current is not None and current != data.platform.name and not replace:
        raise InputError(
            f"the database holds platform '{current}', not the demo: "
            "use another --db, or --replace to overwrite it"
        )
    today = to_local(now, data.platform.timezone).date()
    # An earlier demo is demo data: anyone may start it afresh.
    loader = actor if current != data.platform.name else Actor.system()
    return load_platform(
        db, data, actor=loader, now=now, replace=current is not None, rebase_to=today
    )
