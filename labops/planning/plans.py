"""Planning, as an operator runs it: build the problem, solve, review the diff, commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from labops import tables as t
from labops.db import Database
from labops.errors import LabopsError
from labops.localtime import shift_list, span, when
from labops.permissions import Action, Actor
from labops.planning.build import build_snapshot
from labops.planning.commit import CommitResult, commit_proposal
from labops.planning.proposal import Change, LeftOut, Proposal, make_proposal
from labops.planning.settings import TIME_LIMIT, WEEKS, WORKERS, PlanningSettings
from labops.views import Listing, columns
from solver.problem import Standing, Weights

if TYPE_CHECKING:
    from solver.solve import Progress


class NoPlan(LabopsError):
    """The solver found no plan in the time it had."""


_LEVEL_WORDS = {
    "constructive": "first plan",
    "promises": "confirmed bookings moved",
    "kept": "scheduled requests kept",
    "scheduled": "new requests scheduled",
    "waiting": "waiting requests scheduled",
    "disruption": "bookings moved (weighted)",
    "tardiness": "lateness",
    "continuity": "team continuity",
    "cost": "cost",
    "finish": "finish",
    "makespan": "makespan",
    "weighted": "remaining goals together",
}


def level_label(level: str) -> str:
    """An objective level of the solver's progress in words ("kept:5" -> "scheduled
    requests kept, priority 5")."""
    base, _, priority = level.partition(":")
    words = _LEVEL_WORDS.get(base, base)
    return f"{words}, priority {priority}" if priority else words


def propose(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    start: dt.datetime | None = None,
    weeks: int = WEEKS,
    repair: bool = False,
    time_limit: float = TIME_LIMIT,
    workers: int = WORKERS,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    stop=None,
    weights: Weights | None = None,
    on_built: Callable[[int, int], None] | None = None,
    freeze_days: int | None = None,
    retry_waiting: bool = False,
    deterministic: bool = False,
) -> Proposal:
    """Solve the platform's plan from ``start`` for ``weeks``; nothing is written.

    What the plan in force promised stays unless a change forces otherwise (see
    ``labops.planning.build``): locked bookings, bookings in the freeze window (the
    platform's ``freeze_days``, or ``freeze_days``), confirmed ones. ``repair`` re-plans
    only scheduled requests (after downtime or a cancellation): what the change hit, and
    the fewest others needed to keep them. Requests an earlier plan left out take only
    free room, unless ``retry_waiting``. With ``deterministic`` the same platform, seed
    and time limit give the same plan (``plan.repeatable`` says whether it held).
    """
    actor.require(Action.SCHEDULE)
    if not 1 <= weeks <= 26:
        raise LabopsError(f"--weeks {weeks}: plan between 1 and 26 weeks")
    if time_limit <= 0 or workers < 1:
        raise LabopsError("the time limit and the number of workers must be positive")
    if freeze_days is not None and not 0 <= freeze_days <= 60:
        raise LabopsError(f"--freeze {freeze_days}: between 0 and 60 working days")
    with db.read() as session:
        snapshot = build_snapshot(
            session,
            now=now,
            start=start,
            weeks=weeks,
            repair=repair,
            weights=weights,
            freeze_days=freeze_days,
            retry_waiting=retry_waiting,
        )
    if on_built is not None:
        on_built(len(snapshot.problem.tasks), len(snapshot.requests))
    # CP-SAT (with pandas behind it) loads here, not at start-up: the CLI and the TUI
    # open in a fraction of the time.
    from solver.solve import SolveOptions, solve

    plan = solve(
        snapshot.problem,
        SolveOptions(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            progress=progress,
            stop=stop,
            deterministic=deterministic,
        ),
    )
    if not plan.has_solution:
        raise NoPlan(
            f"no plan found ({plan.status}) in {plan.seconds:.0f} s: "
            "give the solver more time with --time-limit"
        )
    return make_proposal(snapshot, plan)


def planning_settings(db: Database) -> PlanningSettings:
    """The platform's planning settings (the freeze window, preemption, the objective)."""
    with db.read() as session:
        info = session.get(t.PlatformInfo, 1)
        return PlanningSettings.model_validate(info.planning if info else {})


def commit(db: Database, *, actor: Actor, now: dt.datetime, proposal: Proposal) -> CommitResult:
    actor.require(Action.SCHEDULE)
    return commit_proposal(db, proposal, actor=actor, now=now)


def commit_summary(result: CommitResult) -> str:
    """What a commit wrote, in one line: bookings by change, and requests that changed
    status (those back to waiting by id, as an operator will want to look at them)."""
    scheduled = len(result.scheduled_requests)
    text = (
        f"{result.created} new, {result.moved} moved, {result.restaffed} re-staffed, "
        f"{result.cancelled} cancelled bookings; "
        f"{scheduled} request{'' if scheduled == 1 else 's'} scheduled"
    )
    if result.returned_requests:
        returned = ", ".join(str(r) for r in result.returned_requests)
        text += f"; {len(result.returned_requests)} back to waiting ({returned})"
    return text


def proposal_listings(proposal: Proposal) -> list[Listing]:
    """The proposal as tables: booking changes, requests left out, people affected."""
    tz = proposal.snapshot.timezone

    def at(placement) -> str:
        return "" if placement is None else span(placement.start, placement.end, tz, joiner=" -> ")

    def was(change) -> str:
        """The old time, and the old units or people where those changed."""
        old, new = change.old, change.new
        if change.change == Change.NEW or old is None:
            return ""
        text = at(old)
        if new is not None and old.units != new.units:
            text += " on " + ", ".join(old.units)
        if new is not None and old.people != new.people:
            text += " with " + ", ".join(old.people)
        return text

    changes = Listing(
        "Changes to the plan",
        columns(
            "change:Change",
            "status:Status",
            "request:Req#",
            "task:Task",
            "project:Project",
            "when:When",
            "was:Was at",
            "units:Units",
            "people:People",
        ),
        [
            {
                "change": c.change.value,
                "status": c.status.value if c.status else "",
                "request": c.request_id,
                "task": c.task.split(".", 1)[1],
                "project": c.project,
                "when": at(c.new),
                "was": was(c),
                "units": ", ".join(c.placed.units),
                "people": ", ".join(c.placed.people) or shift_list(c.placed.shifts, tz),
            }
            for c in proposal.changes
        ],
        note=(
            f"{proposal.kept} booking{'' if proposal.kept == 1 else 's'} kept as "
            f"{'it is' if proposal.kept == 1 else 'they are'}; bookings starting before "
            f"{when(proposal.snapshot.frozen_until, tz)} stay (freeze)"
        ),
    )
    left_out = Listing(
        "Requests left out",
        columns("request:Req#", "project:Project", "title:Title", "reasons:Why"),
        [
            {
                "request": r.request_id,
                "project": r.project,
                "title": r.title + _left_out_note(r),
                "reasons": "\n".join(r.reasons),
            }
            for r in proposal.left_out
        ],
    )
    affected = Listing(
        "People whose day changes",
        columns("person:Person", "bookings:Bookings"),
        [
            {
                "person": person,
                "bookings": ", ".join(
                    f"{c.change.value} R{c.request_id}.{c.task.split('.', 1)[1]}" for c in found
                ),
            }
            for person, found in sorted(proposal.people_affected().items())
        ],
    )
    conflicts = Listing(
        "Bookings kept although they break a rule (resolve by hand)",
        columns("booking:Id", "request:Req#", "task:Task", "status:Status", "when:When", "why:Why"),
        [
            {
                "booking": c.booking_id,
                "request": c.request_id,
                "task": c.task,
                "status": c.status.value,
                "when": at(c),
                "why": "\n".join([*c.why, f"({c.fixed.value}: {c.remedy})"]),
            }
            for c in proposal.conflicts
        ],
    )
    return [changes, left_out, affected, conflicts]


def _left_out_note(left: LeftOut) -> str:
    """What leaving a request out costs it, after its title."""
    if left.keeps:
        return f" (loses its other bookings; {', '.join(left.keeps)} stay: resolve by hand)"
    if left.was_scheduled:
        return " (loses its bookings)"
    return " (waiting: takes free room only)" if left.standing == Standing.WAITING else ""
