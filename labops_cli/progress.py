"""A live progress bar for long work: the solver's objective, bound and elapsed time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from labops.planning.plans import level_label
from labops.views import plural
from labops_cli.render import err_console

T = TypeVar("T")


def solve_with_progress(work: Callable[..., T], *, time_limit: float, show: bool = True) -> T:
    """Run ``work(progress=..., stop=...)`` in a thread while a bar shows its progress.

    Ctrl-C stops the search and keeps the best plan found so far.
    """
    stop = threading.Event()
    latest: dict[str, object] = {"text": "building the problem"}
    outcome: dict[str, object] = {}

    def on_progress(p) -> None:
        level = f"{level_label(p.level)}: " if getattr(p, "level", "") else ""
        latest["text"] = (
            f"{level}objective {p.objective:,.0f}  bound {p.bound:,.0f}  solutions {p.solutions}"
        )

    def on_built(tasks: int, requests: int) -> None:
        latest["text"] = f"solving {plural(tasks, 'task')} of {plural(requests, 'request')}"

    def run() -> None:
        try:
            outcome["value"] = work(progress=on_progress, stop=stop, on_built=on_built)
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="labops-solve", daemon=True)
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]plan[/]"),
        BarColumn(bar_width=30),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}", markup=False),
    )
    # Off a terminal a live bar draws nothing but a stray newline at the end.
    show = show and err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not show) as bar:
        task = bar.add_task("plan", total=time_limit, status=latest["text"])
        began = time.monotonic()
        thread.start()
        while thread.is_alive():
            try:
                thread.join(0.1)
            except KeyboardInterrupt:
                stop.set()
                latest["text"] = "stopping: keeping the best plan so far"
            bar.update(
                task, completed=min(time.monotonic() - began, time_limit), status=latest["text"]
            )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
