"""What if: the plan the platform would get with a change, beside the plan it gets today.

Management's questions are about capacity: would a second SEM clear the queue, what does
the furnace's two-week overhaul cost us. ``compare`` builds the planning problem twice
from one read of the database, today's and with the change applied inside the same
transaction, which is then rolled back: nothing is ever written, and both problems see the
same platform at the same instant. Both are solved with the same settings, seed and time
limit, deterministically, so the difference comes from the change and not the search.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from labops import tables as t
from labops.bookings.costs import unit_cost
from labops.db import Database
from labops.equipment.model import EquipmentFields
from labops.errors import InputError
from labops.fields import format_cents, format_money
from labops.permissions import Action, Actor
from labops.planning.build import build_snapshot
from labops.planning.settings import TIME_LIMIT, WEEKS, WORKERS
from labops.planning.snapshot import Snapshot
from labops.views import Listing, columns
from labops.vocabulary import DowntimeKind
from solver import ranges as R
from solver.plan import Plan
from solver.problem import Problem, Unit
from solver.solve import Progress, SolveOptions, solve
from solver.validate import validate


@dataclasses.dataclass(frozen=True)
class NewUnit:
    """A unit bought: of ``kind``, at ``site`` (default: where most of the kind's units
    are), charging ``hourly_rate`` cents (default: as the kind's first unit there)."""

    kind: str
    site: str | None = None
    hourly_rate: int | None = None


@dataclasses.dataclass(frozen=True)
class Outage:
    """A unit out of use from ``start`` to ``end`` (an overhaul, a long repair)."""

    unit: str
    start: dt.datetime
    end: dt.datetime


@dataclasses.dataclass(frozen=True)
class Scenario:
    new_units: tuple[NewUnit, ...] = ()
    outages: tuple[Outage, ...] = ()
    weeks: int | None = None  # plan this many weeks instead of the baseline's

    def describe(self) -> list[str]:
        lines = [f"one more {u.kind}" + (f" at {u.site}" if u.site else "") for u in self.new_units]
        lines += [f"{o.unit} down {o.start:%Y-%m-%d %H:%M} to {o.end:%Y-%m-%d %H:%M} UTC"
                  for o in self.outages]  # fmt: skip
        if self.weeks is not None:
            lines.append(f"plan {self.weeks} weeks")
        return lines or ["no change"]


@dataclasses.dataclass
class KindUse:
    booked_hours: float
    usable_hours: float

    @property
    def utilisation(self) -> float:
        return self.booked_hours / self.usable_hours if self.usable_hours else 0.0


@dataclasses.dataclass
class Side:
    """One plan's figures: requests placed (ids) and left out, their priority, hours late
    against due dates, booked and open hours per equipment kind, hours per new unit."""

    status: str
    seconds: float
    placed: list[int]
    left_out: list[int]
    priority: int
    late_hours: float
    kinds: dict[str, KindUse]
    new_units: dict[str, float]
    money: dict[str, int]  # fund pool -> cents its planned requests' units cost

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "placed": self.placed,
            "left_out": self.left_out,
            "priority": self.priority,
            "late_hours": round(self.late_hours, 2),
            "kinds": {
                k: {
                    "booked_hours": round(u.booked_hours, 2),
                    "usable_hours": round(u.usable_hours, 2),
                    "utilisation": round(u.utilisation, 3),
                }
                for k, u in sorted(self.kinds.items())
            },
            "new_units": {u: round(h, 2) for u, h in self.new_units.items()},
            "money": {pool: format_cents(cents) for pool, cents in sorted(self.money.items())},
        }


@dataclasses.dataclass
class Comparison:
    scenario: Scenario
    baseline: Side
    changed: Side

    @property
    def unblocked(self) -> list[int]:
        """Requests the change lets in."""
        return sorted(set(self.changed.placed) - set(self.baseline.placed))

    @property
    def pushed_out(self) -> list[int]:
        """Requests the change leaves out that today's plan places."""
        return sorted(set(self.baseline.placed) - set(self.changed.placed))

    def bottlenecks(self, side: Side, top: int = 3) -> list[str]:
        """The busiest kinds of a plan, most used first."""
        ranked = sorted(side.kinds.items(), key=lambda kv: (-kv[1].utilisation, kv[0]))
        return [kind for kind, use in ranked[:top] if use.booked_hours > 0]

    def listing(self) -> Listing:
        """Today's plan and the what-if plan side by side, as management reads them."""
        a, b = self.baseline, self.changed

        def ids(values: list[int]) -> str:
            return ", ".join(str(v) for v in values) or "none"

        rows = [
            ("requests placed", len(a.placed), len(b.placed)),
            ("their priority", a.priority, b.priority),
            ("left out", ids(a.left_out), ids(b.left_out)),
            ("hours late", f"{a.late_hours:g}", f"{b.late_hours:g}"),
            ("busiest kinds", ", ".join(self.bottlenecks(a)), ", ".join(self.bottlenecks(b))),
        ]
        kinds = {*self.bottlenecks(a), *self.bottlenecks(b)}
        kinds |= {u.kind for u in self.scenario.new_units}
        for kind in sorted(kinds):
            rows.append((f"{kind} booked", _use(a.kinds.get(kind)), _use(b.kinds.get(kind))))
        for unit_id, hours in b.new_units.items():
            rows.append((f"{unit_id} booked", "", f"{hours:g} h"))
        for pool in sorted({*a.money, *b.money}):
            rows.append(
                (
                    f"{pool} spends",
                    format_money(a.money.get(pool, 0)),
                    format_money(b.money.get(pool, 0)),
                )
            )
        rows.append(("requests it lets in", "", ids(self.unblocked)))
        if self.pushed_out:
            rows.append(("requests it pushes out", "", ids(self.pushed_out)))
        return Listing(
            "What if: " + "; ".join(self.scenario.describe()),
            columns("figure:Figure", "today:Today", "whatif:What if"),
            [{"figure": f, "today": x, "whatif": y} for f, x, y in rows],
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.describe(),
            "baseline": self.baseline.as_json(),
            "changed": self.changed.as_json(),
            "unblocked": self.unblocked,
            "pushed_out": self.pushed_out,
        }


def compare(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    scenario: Scenario,
    weeks: int = WEEKS,
    time_limit: float = TIME_LIMIT,
    workers: int = WORKERS,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    on_built: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Today's plan and the plan with ``scenario``, solved alike (each within
    ``time_limit``); nothing is written."""
    baseline, changed = problems(db, actor=actor, now=now, scenario=scenario, weeks=weeks)
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=True,
        progress=progress,
        stop=stop,
    )
    sides = []
    for name, built in (("today", baseline), ("what if", changed)):
        if on_built is not None:
            on_built(len(built.problem.tasks), len(built.planned))
        plan = solve(built.problem, options)
        if validate(built.problem, plan):  # a bug in the solver: say so, compare nothing
            raise RuntimeError(f"the {name} plan breaks a hard rule")
        sides.append(_side(built, plan, built.added))
    return Comparison(scenario, sides[0], sides[1])


def problems(
    db: Database, *, actor: Actor, now: dt.datetime, scenario: Scenario, weeks: int = WEEKS
) -> tuple[Built, Built]:
    """The planning problems of today and of ``scenario``, from one read of the database;
    the scenario's change is rolled back before this returns."""
    actor.require(Action.REPORT)
    if not 1 <= (scenario.weeks or weeks) <= 26:
        raise InputError(f"--weeks {scenario.weeks or weeks}: plan between 1 and 26 weeks")
    with db.read() as session:
        baseline = _built(session, build_snapshot(session, now=now, weeks=weeks))
        added = _apply(session, scenario)
        snapshot = build_snapshot(session, now=now, weeks=scenario.weeks or weeks)
        changed = dataclasses.replace(_built(session, snapshot), added=tuple(added))
        session.rollback()  # the change never leaves this transaction
    return baseline, changed


@dataclasses.dataclass(frozen=True)
class Built:
    """What a comparison needs of a snapshot, taken before its rows go with the rollback:
    the problem, the slot length, the planned requests (solver id -> request id), and the
    units the scenario added."""

    problem: Problem
    slot_minutes: int
    planned: dict[str, int]
    pools: dict[str, str]  # solver request id -> the fund pool its project draws on
    added: tuple[str, ...] = ()


def _built(session: Session, snapshot: Snapshot) -> Built:
    planned = {key: row.id for key, row in snapshot.requests.items() if row.id is not None}
    pool_of = {p.id: p.fund_pool for p in session.exec(select(t.Project))}
    pools = {key: pool_of[row.project] for key, row in snapshot.requests.items()}
    return Built(snapshot.problem, snapshot.grid.slot_minutes, planned, pools)


def _apply(session: Session, scenario: Scenario) -> list[str]:
    """Write the scenario's changes into ``session`` (flushed, never committed); the ids of
    the new units."""
    units = session.exec(select(t.Equipment).order_by(t.Equipment.id)).all()
    by_kind: dict[str, list[t.Equipment]] = defaultdict(list)
    for unit in units:
        by_kind[unit.kind].append(unit)
    taken = {unit.id for unit in units}
    added = []
    for new in scenario.new_units:
        same = by_kind.get(new.kind)
        if not same:
            raise InputError(f"no equipment of kind {new.kind!r} to copy: name a kind in use")
        site = new.site or max(
            sorted({u.site for u in same}), key=lambda s: sum(u.site == s for u in same)
        )
        if session.get(t.Site, site) is None:
            raise InputError(f"no site {site!r}")
        model = next((u for u in same if u.site == site), same[0])
        n = 1
        while f"what-if-{new.kind}-{n}" in taken:
            n += 1
        unit_id = f"what-if-{new.kind}-{n}"
        taken.add(unit_id)
        copied = set(EquipmentFields.model_fields) - {"id", "name", "site", "room", "notes"}
        values = {name: getattr(model, name) for name in copied}
        if new.hourly_rate is not None:
            values["hourly_rate"] = new.hourly_rate
        session.add(t.Equipment(id=unit_id, name=f"what-if {model.name}", site=site, **values))
        added.append(unit_id)
    for outage in scenario.outages:
        if session.get(t.Equipment, outage.unit) is None:
            raise InputError(f"no equipment {outage.unit!r}")
        if outage.end <= outage.start:
            raise InputError(f"{outage.unit}: the outage ends before it starts")
        session.add(
            t.Downtime(
                equipment_id=outage.unit,
                start=outage.start,
                end=outage.end,
                kind=DowntimeKind.MAINTENANCE,
                reason="what-if",
            )
        )
    session.flush()
    return added


def _use(use: KindUse | None) -> str:
    if use is None:
        return ""
    return f"{use.booked_hours:g} of {use.usable_hours:g} h ({use.utilisation:.0%})"


def _side(built: Built, plan: Plan, added: tuple[str, ...]) -> Side:
    problem = built.problem
    hours = built.slot_minutes / 60
    placed, left_out, priority = [], [], 0
    for request in problem.requests:
        request_id = built.planned.get(request.id)
        if request_id is None:  # fixed context, the same in both plans
            continue
        if all(task.id in plan.assignments for task in problem.request_tasks[request.id]):
            placed.append(request_id)
            priority += request.priority
        else:
            left_out.append(request_id)
    late = 0
    booked: dict[str, float] = defaultdict(float)
    money: dict[str, int] = defaultdict(int)
    minutes = built.slot_minutes
    for task_id, a in plan.assignments.items():
        task = problem.task[task_id]
        mode = task.modes[a.mode]
        if task.due is not None:
            late += max(0, a.start + mode.duration - task.due)
        pool = built.pools.get(task.request)
        for need, unit_id in zip(mode.needs, a.units, strict=False):
            booked[unit_id] += need.amount * mode.duration * hours
            if pool is not None:  # the planned requests' spending (fixed bookings stay)
                rate = problem.unit[unit_id].cost_per_slot // minutes  # cents an hour
                money[pool] += unit_cost(rate, need.amount, mode.duration * minutes)
    kinds: dict[str, KindUse] = {}
    for unit in problem.units:
        use = kinds.setdefault(unit.kind, KindUse(0.0, 0.0))
        use.booked_hours += booked.get(unit.id, 0.0)
        use.usable_hours += unit.capacity * _usable_slots(unit, problem.horizon) * hours
    return Side(
        status=plan.status,
        seconds=plan.seconds,
        placed=sorted(placed),
        left_out=sorted(left_out),
        priority=priority,
        late_hours=late * hours,
        kinds=kinds,
        new_units={unit_id: booked.get(unit_id, 0.0) for unit_id in added},
        money=dict(money),
    )


def _usable_slots(unit: Unit, horizon: int) -> int:
    """Slots of the horizon the unit can be booked: its opening hours, or every hour when it
    may run unattended, less its downtime."""
    full = ((0, horizon),)
    windows = full if unit.unattended_ok or unit.open is None else unit.open
    usable = R.subtract(
        R.normalize((a, b - 1) for a, b in windows), R.normalize((a, b - 1) for a, b in unit.down)
    )
    return R.size(R.clip(usable, 0, horizon - 1))
