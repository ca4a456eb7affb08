"""Solver-neutral results: a plan, why requests were left out, and rule violations.

Nothing here depends on OR-Tools; the CP-SAT translation, the constructive schedule and the
validator all speak these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.problem import Assignment

STATUSES = ("optimal", "feasible", "infeasible", "unknown", "stopped")
"""``optimal``: proven best; ``feasible``: a plan, not proven best; ``infeasible``: proven
that no plan exists (e.g. required requests cannot all fit); ``unknown``: no plan found in
time; ``stopped``: the user stopped the search, the best plan so far is returned."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """Why a request (or one of its tasks) was left out, as a sentence a person can act on."""

    rule: str
    message: str
    request: str
    task: str | None = None
    refs: tuple[str, ...] = ()  # ids of units, people, requests or budgets involved

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A hard rule a plan breaks, found by the validator."""

    rule: str
    message: str
    task: str | None = None
    refs: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A schedule: where each placed task runs, and why each left-out request is out.

    ``objective`` and ``bound`` are minimisation values: the makespan for the "makespan"
    objective, the weighted sum of ``breakdown`` (see ``solver.score``) for "lab". In
    lexicographic mode ``bound`` is None unless every level was proven optimal; the
    per-level proven bounds are in ``level_bounds``.
    """

    assignments: dict[str, Assignment] = field(default_factory=dict)
    unplaced: dict[str, tuple[Reason, ...]] = field(default_factory=dict)
    status: str = "unknown"
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    solutions: int = 0  # plans found: the constructive one and CP-SAT's
    breakdown: dict[str, int] = field(default_factory=dict)
    level_bounds: dict[str, float] = field(default_factory=dict)
    repeatable: bool = False  # a deterministic solve the clock did not cut: it gives it again

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown plan status {self.status!r}")
        # Plain dict copies: the caller's mappings can change later without changing the plan.
        object.__setattr__(self, "assignments", dict(self.assignments))
        object.__setattr__(self, "unplaced", dict(self.unplaced))
        object.__setattr__(self, "breakdown", dict(self.breakdown))
        object.__setattr__(self, "level_bounds", dict(self.level_bounds))

    @property
    def has_solution(self) -> bool:
        """True when the plan is usable: a solution was found (possibly placing nothing)."""
        return self.status in ("optimal", "feasible", "stopped") and not (
            self.status == "stopped" and self.solutions == 0
        )
