"""Shared helpers for UI tests: platforms copied from one load per worker, the app built with
the CLI's own factory and a fixed clock, and one ``settle`` instead of ad-hoc pauses.

Tests are plain functions that drive the app with ``drive(app, scenario)``; the scenario
gets Textual's Pilot. Assertions read what the screen shows and what the services return.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from labops.db import Database
from labops.permissions import Actor, resolve_actor
from labops.platform.demo import load_demo
from labops.platform.load import load_platform
from labops.platform.read import read_platform_file
from tests.conftest import FIXTURES, NOW
from tui.app import LabopsApp, make_app

SIZE = (120, 40)
Scenario = Callable[[Pilot], Awaitable[None]]


def _template(directory: Path, load: Callable[[Database], object]) -> Path:
    path = directory / "template.db"
    database = Database.open(str(path))
    load(database)
    database.dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = read_platform_file(FIXTURES / "tiny.toml")
    return _template(
        tmp_path_factory.mktemp("tiny"),
        lambda db: load_platform(db, data, actor=None, now=NOW),
    )


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("demo"), lambda db: load_demo(db, actor=None, now=NOW))


def _copy(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "platform.db"
    shutil.copyfile(template, path)
    database = Database.open(str(path))
    yield database
    database.dispose()


@pytest.fixture
def tiny(tiny_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The tiny platform (fixtures/tiny.toml) in a database of this test's own."""
    yield from _copy(tiny_template, tmp_path)


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The demo platform, its first week being the clock's week."""
    yield from _copy(demo_template, tmp_path)


@pytest.fixture
def app_for(tmp_path: Path) -> Callable[..., LabopsApp]:
    """``app_for(db, person)``: the app as ``labops --as person tui`` builds it, at NOW."""

    def build(
        db: Database,
        person: str,
        *,
        now: dt.datetime = NOW,
        time_limit: float = 5.0,
        keymap: Path | None = None,
    ) -> LabopsApp:
        return make_app(
            db,
            person,
            lambda: now,
            keymap_path=keymap or tmp_path / "no-keymap.toml",
            time_limit=time_limit,
        )

    return build


def actor(db: Database, person: str) -> Actor:
    with db.read() as session:
        return resolve_actor(session, person)


async def settle(pilot: Pilot) -> None:
    """Let the app finish what the last key started: workers, then the messages and
    refreshes they caused."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def drive(app: LabopsApp, scenario: Scenario, *, size: tuple[int, int] = SIZE) -> list[Message]:
    """Run ``scenario`` against ``app`` headless; the messages the app handled."""
    seen: list[Message] = []

    async def run() -> None:
        async with app.run_test(size=size, message_hook=seen.append) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(run())
    return seen


def enter(screen: Screen, selector: str, text: str) -> None:
    """Put ``text`` into an input, as pasting it would: focus, then the value (the input
    posts Changed and runs its validators). Key-by-key typing is ``type_text``."""
    field = screen.query_one(selector, Input)
    field.focus()
    field.value = text


async def type_text(pilot: Pilot, text: str) -> None:
    """Type into the focused input as a person would, key by key."""
    await pilot.press(*[_key(char) for char in text])


def _key(char: str) -> str:
    names = {" ": "space", "-": "minus", ":": "colon", ".": "full_stop", "/": "slash"}
    return names.get(char, char)


async def wait_until(pilot: Pilot, done: Callable[[], bool], *, seconds: float = 20.0) -> None:
    """For work that reports as it goes (a solver run): wait until ``done()`` holds."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still waiting after {seconds} s")
