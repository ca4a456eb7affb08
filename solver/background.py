"""Improving the constructive plan in a thread while CP-SAT searches the first level.

On big lab models CP-SAT's first-level search barely moves in a minute (each of its large
neighbourhoods costs seconds there), while destroy-and-repair on the board (``solver.improve``)
keeps finding more scheduled priority; on small models CP-SAT is the stronger one. So both
run: CP-SAT's solve releases the GIL, and the thread works on its own board. When the level
ends, the better plan is kept. Exceptions in the thread are logged, never raised.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from solver.facts import Facts
from solver.improve import improve
from solver.plan import Plan
from solver.problem import Problem

log = logging.getLogger(__name__)


class BackgroundImprover:
    """``improve`` on ``plan`` in a daemon thread, until ``finish`` or ``seconds`` pass."""

    def __init__(
        self,
        problem: Problem,
        facts: Facts,
        plan: Plan,
        *,
        seconds: float,
        seed: int = 0,
        on_better: Callable[[Plan], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self._done = threading.Event()
        self._best: Plan | None = None

        def run() -> None:
            try:
                found = improve(
                    problem,
                    facts,
                    plan,
                    seconds=seconds,
                    seed=seed,
                    on_better=on_better,
                    stop=lambda: self._done.is_set() or bool(stop and stop()),
                    reasons=False,
                )
                if found is not plan:
                    self._best = found
            except Exception:  # a helper: the solve goes on without it
                log.exception("background improvement failed; CP-SAT's plan stands")

        self._thread = threading.Thread(target=run, name="labops-improve", daemon=True)
        self._thread.start()

    def finish(self) -> Plan | None:
        """Stop and wait for the thread; the better plan it found, or None."""
        self._done.set()
        self._thread.join()
        return self._best
