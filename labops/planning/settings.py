"""The platform's planning settings: what a re-plan keeps, and the objective's order.

One model serves the platform file's ``[planning]`` section, the database (a JSON column of
the platform row) and the solver (``weights``); the defaults are what an operator expects
of a live platform (docs/fixture-format.md says why each is what it is).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labops.fields import Minutes, Slug
from labops.vocabulary import Role
from solver.problem import TAIL_LEVELS, Weights

# How long and on how many threads a plan is solved, and over how many weeks, unless asked.
TIME_LIMIT = 20.0
WORKERS = 2
WEEKS = 4

Goal = Literal["disruption", "lateness", "continuity", "cost", "finish"]
GOALS: tuple[Goal, ...] = ("disruption", "lateness", "continuity", "cost", "finish")
_SOLVER_NAME = {"lateness": "tardiness"}  # the file says lateness, the solver tardiness
Weight = Annotated[int, Field(ge=0, le=1_000_000)]


SUPERVISING_ROLES: tuple[Role, ...] = (
    Role.SOURCE_RESEARCHER,
    Role.PLATFORM_ARCHITECT,
    Role.INDUSTRY_ENGINEER,
    Role.INNOVATOR,
    Role.BUSINESS_VETERAN,
)


class GoalWeights(BaseModel):
    """Weights of the objective's levels: their weighted sum is optimised when the order is
    not lexicographic; in either case a weight of 0 drops its level."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    promises: Weight = 5000  # per confirmed booking moved that no change forced
    kept: Weight = 2000  # per priority point of a scheduled request kept
    scheduled: Weight = 1000  # per priority point of a new request scheduled
    waiting: Weight = 1000  # per priority point of a waiting request scheduled
    disruption: Weight = 50  # per point of move cost (see move_proposed, move_confirmed)
    lateness: Weight = 10  # per slot late against a soft due date, times priority
    continuity: Weight = 1  # per distinct person on a project's tasks
    cost: Weight = 0  # per cent-minute spent
    finish: Weight = 1  # per slot of the plan's latest end


class PlanningSettings(BaseModel):
    """What a re-plan keeps, and what it optimises after that."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    freeze_days: Annotated[int, Field(ge=0, le=60)] = 2
    preempt: Literal["never", "higher-priority"] = "never"
    move_proposed: Weight = 1
    move_confirmed: Weight = 10
    soon_days: Annotated[int, Field(ge=0, le=365)] = 7
    soon_factor: Annotated[int, Field(ge=1, le=100)] = 2
    order: tuple[Goal, ...] = GOALS
    lexicographic: bool = True
    weights: GoalWeights = GoalWeights()
    # Who may supervise a student on a task (beside the student's named supervisor):
    # investors and corporate partners fund and buy, they do not supervise lab work.
    supervising_roles: tuple[Role, ...] = SUPERVISING_ROLES
    # A request left waiting since its approval weighs one priority step more for every
    # ``ageing_weeks`` weeks it has waited, past the top priority too: a steady stream of
    # higher-priority work would otherwise starve a low-priority project for good, and a
    # capped weight still loses to two top-priority requests on its unit. 0: no ageing.
    ageing_weeks: Annotated[int, Field(ge=0, le=52)] = 2
    # Target shares of booked hours (percent) by fund pool or project id. One whose share of
    # the last ``share_weeks`` weeks fell short ranks its waiting requests a step higher:
    # a goal after the priority levels would never outweigh a request's priority.
    shares: dict[Slug, Annotated[int, Field(ge=1, le=100)]] = {}
    share_weeks: Annotated[int, Field(ge=1, le=52)] = 4
    # How long the next person of a task in shifts overlaps the one they take over from.
    handover: Annotated[Minutes, Field(le=24 * 60)] = 0

    @model_validator(mode="after")
    def _every_goal_once(self) -> PlanningSettings:
        if sorted(self.order) != sorted(GOALS):
            raise ValueError(f"order must name each of {', '.join(GOALS)} once")
        return self

    def solver_weights(self) -> Weights:
        """The solver's objective for these settings."""
        values = self.weights.model_dump()
        values["tardiness"] = values.pop("lateness")
        order = tuple(_SOLVER_NAME.get(goal, goal) for goal in self.order)
        assert sorted(order) == sorted(TAIL_LEVELS)
        return Weights(
            **values,
            order=order,
            preempt=self.preempt == "higher-priority",
            lexicographic=self.lexicographic,
        )

    def aged(
        self, priority: int, approved: dt.datetime | None, now: dt.datetime, short: bool = False
    ) -> int:
        """The priority a request approved at ``approved`` and not scheduled since plans with
        at ``now`` (see ``ageing_weeks``); a step more when its pool or project is ``short``
        of its target share (see ``shares``)."""
        steps = 1 if short else 0
        if self.ageing_weeks and approved is not None and approved < now:
            steps += (now - approved) // dt.timedelta(weeks=self.ageing_weeks)
        return priority + steps

    def move_cost(self, *, confirmed: bool, start: dt.datetime, now: dt.datetime) -> int:
        """What moving or re-staffing a booking costs in the disruption level."""
        base = self.move_confirmed if confirmed else self.move_proposed
        soon = start < now + dt.timedelta(days=self.soon_days)
        return base * (self.soon_factor if soon else 1)
