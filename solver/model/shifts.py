"""Shift-staffed tasks in CP-SAT: one optional interval per candidate shift.

A candidate shift is a working window of an eligible person meeting the task's possible span
(``solver.shifts``); its literal says the person works it, clipped to the run. Coverage
needs no per-slot constraint: some chosen shift holds the start, and each chosen shift that
ends inside the run has a chosen successor (another person, arriving the hand-over before
it ends, leaving after it). The model grows with the candidate windows (people times days
of the task's window), not with its length in slots, which keeps hundreds of 48-72 h runs
tractable. Chosen intervals join each person's no-overlap, padded by the longest travel
time when sites are apart (a shift at one site keeps that gap to any other work).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.model.variables import Lit, TaskVar, Variables
from solver.problem import Shift
from solver.shifts import Window, pick


@dataclass(slots=True)
class ShiftVar:
    """A candidate shift of a task: worked iff ``lit``, over ``[start, end)``."""

    window: Window
    lit: cp_model.IntVar
    start: cp_model.LinearExprT
    end: cp_model.LinearExprT
    busy: cp_model.IntervalVar  # for the person's no-overlap (padded by travel)


def shift_vars(v: Variables, task_var: TaskVar) -> list[ShiftVar]:
    """The candidate shifts of a shift-staffed task, hinted from the hint plan."""
    facts = task_var.facts
    lo, hi = facts.earliest, facts.latest + facts.max_duration
    hinted = v.hints.plan.get(facts.task.id) if v.hints.plan is not None else None
    worked = {(s.person, s.start, s.end) for s in hinted.shifts} if hinted else set()
    pad = max(v.problem.travel.values(), default=0)
    out = []
    for w in facts.shift_windows:
        if not (w.start < hi and lo < w.end):
            continue
        name = f"task[{facts.task.id}].shift[{w.person}@{w.start}]"
        hint_start = hinted.start if hinted else lo
        hint_end = hint_start + (facts.task.modes[hinted.mode].duration if hinted else 0)
        guess = w.clipped(hint_start, hint_end)
        lit = v.new_bool(name, (guess.person, guess.start, guess.end) in worked)
        v.model.add_implication(lit, task_var.present)
        start = _clip(v, name + ".start", task_var.start, w.start, lo, hi, upper=False)
        end = _clip(v, name + ".end", task_var.end, w.end, lo, hi, upper=True)
        # Its clipped length is at least a slot: a chosen shift meets the run.
        size = v.model.new_int_var(1, hi - lo, name + ".length")
        busy = v.model.new_optional_interval_var(start, size, end, lit, name)
        if pad:
            busy = v.model.new_optional_interval_var(
                start - pad, size + 2 * pad, end + pad, lit, name + ".busy"
            )
        out.append(ShiftVar(window=w, lit=lit, start=start, end=end, busy=busy))
    return out


def _clip(
    v: Variables,
    name: str,
    run: cp_model.LinearExprT,
    bound: int,
    lo: int,
    hi: int,
    *,
    upper: bool,
) -> cp_model.LinearExprT:
    """``min(bound, run)`` (``upper``) or ``max(bound, run)``; a constant or the run
    itself when the task's possible span decides it."""
    if (upper and bound >= hi) or (not upper and bound <= lo):
        return run
    if (upper and bound <= lo) or (not upper and bound >= hi):
        return bound
    var = v.model.new_int_var(lo, hi, name)
    if upper:
        v.model.add_min_equality(var, [run, bound])
    else:
        v.model.add_max_equality(var, [run, bound])
    return var


def add_cover(v: Variables, task_var: TaskVar) -> None:
    """The chosen shifts cover the run: one holds the start, each ending inside it hands
    over to another person, and every chosen one is one of those (no idle extras)."""
    task = task_var.facts.task
    assert task.shifts is not None
    handover = task.shifts.handover
    model = v.model
    name = f"task[{task.id}]"
    first: list[Lit] = []
    holds: dict[int, Lit] = {}
    for k, sv in enumerate(task_var.shifts):
        w = sv.window
        here = v.new_bool(f"{name}.first[{w.person}@{w.start}]")
        model.add_implication(here, sv.lit)
        model.add(task_var.start >= w.start).only_enforce_if(here)
        model.add(task_var.start <= w.end - 1).only_enforce_if(here)
        first.append(here)
        holds[k] = here
    v.enforce(model.add_bool_or(first), task_var.present)
    for k, sv in enumerate(task_var.shifts):
        w = sv.window
        after = [
            o.lit
            for o in task_var.shifts
            if o.window.person != w.person
            and o.window.start <= w.end - handover
            and o.window.end > w.end
        ]
        inside = v.new_bool(f"{name}.hands_over[{w.person}@{w.start}]")
        model.add(task_var.end <= w.end).only_enforce_if(~inside)
        model.add_bool_or([~sv.lit, ~inside, *after])
        before = [
            o.lit
            for o in task_var.shifts
            if o.window.person != w.person
            and w.start <= o.window.end - handover
            and w.end > o.window.end
        ]
        model.add_bool_or([~sv.lit, holds[k], *before])


def add_certified(v: Variables, task_var: TaskVar) -> None:
    """Each shift person holds the certificate of every chosen unit needing one, at the
    task's start."""
    facts = task_var.facts
    person = v.problem.person
    for mode in task_var.modes:
        for unit_vars in mode.needs:
            for unit_var in unit_vars:
                unit = unit_var.option.unit
                if not unit.needs_certified:
                    continue
                for sv in task_var.shifts:
                    expiry = person[sv.window.person].certs.get(unit.kind, -1)
                    if expiry > facts.latest:
                        continue
                    if expiry <= facts.earliest:
                        v.enforce(model_false(v, sv.lit), unit_var.lit)
                        continue
                    v.enforce(v.model.add(task_var.start <= expiry - 1), sv.lit, unit_var.lit)


def model_false(v: Variables, lit: Lit) -> cp_model.Constraint:
    return v.model.add_bool_or([~lit])


def shifts_of(task_var: TaskVar, value, start: int, end: int) -> tuple[Shift, ...]:
    """The shifts of a solution, in time order; ``value`` reads a literal. Nothing in the
    objective counts shifts, so a solution may hold one that covers nothing another does
    not (someone called in for the last half hour of a run the night shift ends): the
    fewest of the chosen that still cover the run are kept."""
    chosen = [sv.window.clipped(start, end) for sv in task_var.shifts if value(sv.lit)]
    ordered = tuple(sorted(chosen, key=lambda s: (s.start, s.end, s.person)))
    if task_var.facts.task.shifts is None:
        return ordered
    handover = task_var.facts.task.shifts.handover
    windows = [Window(s.person, s.start, s.end) for s in ordered]
    fewest = pick(windows, start, end, handover, lambda _: True)
    return ordered if fewest is None else fewest
