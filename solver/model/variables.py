"""The CP-SAT variables of a plan, with their warm-start hints beside them.

Per request a presence literal (the constant true for required requests), per task a start,
an end, mode and unit literals, interval variables for unit occupation and staffed time, and
literals for the people filling each staff need. Choices with a single option reuse the
literal above them instead of creating one, so pure RCPSP gets no optional literal at all.
Every variable is named after what it stands for (``task[deposition-3].start``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver import ranges as R
from solver.facts import Facts, ModeOption, TaskFacts, UnitOption
from solver.problem import Assignment, Problem
from solver.staffing import fill_needs

Lit = cp_model.IntVar | cp_model.NotBooleanVariable
Expr = cp_model.LinearExpr | cp_model.IntVar | int  # LinearExprT less the numpy ints we never use


class OutOfTime(Exception):
    """Building the model was given up: the time ran out (or a stop was asked)."""


def domain(ranges: R.Ranges) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([[lo, hi] for lo, hi in ranges])


class Hints:
    """Warm-start values, set where each variable is made; also remembered so derived
    literals (products, orders) can be hinted consistently."""

    def __init__(self, model: cp_model.CpModel, plan: Mapping[str, Assignment] | None) -> None:
        self.model = model
        self.plan = plan
        self.values: dict[int, int] = {}

    @property
    def on(self) -> bool:
        return self.plan is not None

    def set(self, var: cp_model.IntVar, value: int | bool) -> None:
        """Record a hint; ``write`` puts the recorded hints into the model in one go."""
        if self.plan is not None:
            self.values[var.index] = int(value)

    def write(self) -> None:
        """Replace the model's hints with the recorded ones (add_hint per variable is slow)."""
        self.model.clear_hints()
        hint = self.model.proto.solution_hint
        hint.vars.extend(self.values.keys())
        hint.values.extend(self.values.values())

    def of(self, lit: Lit) -> int:
        """Hinted value of a variable or negated literal (0 when not hinted)."""
        index = lit.index
        if index < 0:
            return 1 - self.values.get(-index - 1, 0)
        return self.values.get(index, 0)


@dataclass(slots=True)
class UnitVar:
    """A candidate unit for one need of one mode: chosen iff ``lit``."""

    option: UnitOption
    lit: Lit
    interval: cp_model.IntervalVar | None  # None when the occupation is empty


@dataclass(slots=True)
class ModeVar:
    option: ModeOption
    lit: Lit
    needs: list[list[UnitVar]] = field(default_factory=list)


@dataclass(slots=True)
class TaskVar:
    """The variables of one task."""

    facts: TaskFacts
    present: Lit
    start: cp_model.IntVar
    duration: cp_model.IntVar | int  # an int, or a variable when the modes' durations differ
    end: Expr
    staffed_end: Expr
    modes: list[ModeVar]
    staff: list[dict[str, Lit]]  # per staff need: person id -> fills this need
    people: dict[str, Lit]  # person id -> works on this task
    sites: dict[str, Lit]  # site -> task runs there (empty when the site is fixed or none)
    staffed_interval: dict[str, cp_model.IntervalVar]  # person id -> their staffed time
    weeks: dict[int, Lit] | None = None  # lazily: week index -> the task starts in it
    shifts: list = field(default_factory=list)  # candidate shifts (model.shifts.ShiftVar)

    @property
    def id(self) -> str:
        return self.facts.task.id

    def staffed_options(self) -> list[tuple[int, Lit | None]]:
        """(staffed length, mode literal or None when the length does not depend on it)."""
        lengths = {m.option.staffed for m in self.modes}
        if len(lengths) == 1:
            return [(lengths.pop(), None)]
        return [(m.option.staffed, m.lit) for m in self.modes]

    def site_lit(self, site: str) -> Lit | None:
        """The literal "runs at ``site``" (None when the site is fixed)."""
        return self.sites.get(site)


class Variables:
    """All decision variables of the model, built from the facts."""

    def __init__(
        self,
        model: cp_model.CpModel,
        problem: Problem,
        facts: Facts,
        hint: Mapping[str, Assignment] | None = None,
        exclude: Collection[str] = (),
        until: Callable[[], bool] | None = None,
    ) -> None:
        """``until`` is asked before each task: once it says stop, ``OutOfTime`` is raised."""
        self.model = model
        self.problem = problem
        self.facts = facts
        self.hints = Hints(model, hint)
        self.true = model.new_constant(1)
        self.hints.set(self.true, 1)
        self.requests: dict[str, Lit] = {}
        self.tasks: dict[str, TaskVar] = {}
        self._ands: dict[tuple[int, ...], Lit] = {}
        self._members: dict[str, dict[str, Lit]] = {}
        for request in problem.requests:  # the others are left out before solving
            if request.id not in exclude and facts.request_possible(request.id):
                self.requests[request.id] = self._request_lit(request.id)
        for task in problem.tasks:
            if until is not None and until():
                raise OutOfTime
            if task.request in self.requests:
                self.tasks[task.id] = self._task(facts[task.id])

    # Helpers ------------------------------------------------------------------------------

    def is_true(self, lit: Lit) -> bool:
        return lit is self.true

    def enforce(self, constraint: cp_model.Constraint, *lits: Lit | None) -> None:
        """Make ``constraint`` hold only when all ``lits`` hold (true and None are skipped)."""
        wanted = [lit for lit in lits if lit is not None and lit is not self.true]
        if wanted:
            constraint.only_enforce_if(wanted)

    def new_bool(self, name: str, hint: int | bool | None = None) -> cp_model.IntVar:
        var = self.model.new_bool_var(name)
        if hint is not None:
            self.hints.set(var, hint)
        return var

    def implied_by_all(self, lits: Sequence[Lit | None], name: str) -> Lit:
        """A literal that holds whenever all ``lits`` hold (cached; true and None skipped).

        Only the implication is posted: use it where the literal being true can only hurt,
        i.e. in upper bounds (weekly caps, budgets) and in minimised sums (cost), where it
        equals the conjunction at any optimum. Half the constraints of a full equivalence.
        """
        wanted = [lit for lit in lits if lit is not None and lit is not self.true]
        if not wanted:
            return self.true
        if len(wanted) == 1:
            return wanted[0]
        key = tuple(sorted(lit.index for lit in wanted))
        if key not in self._ands:
            both = self.new_bool(name, all(self.hints.of(lit) for lit in wanted))
            self.model.add_bool_or([both, *(~lit for lit in wanted)])
            self._ands[key] = both
        return self._ands[key]

    def any_of(self, lits: Iterable[Lit], name: str) -> Lit:
        """A literal equal to the disjunction of ``lits``."""
        lits = list(dict.fromkeys(lits))
        if any(lit is self.true for lit in lits):
            return self.true
        if len(lits) == 1:
            return lits[0]
        either = self.new_bool(name, any(self.hints.of(lit) for lit in lits))
        self.model.add_max_equality(either, lits)
        return either

    # Requests and tasks -------------------------------------------------------------------

    def _request_lit(self, request_id: str) -> Lit:
        if request_id in self.facts.required_requests:
            return self.true
        placed = self.hints.plan is not None and all(
            t.id in self.hints.plan for t in self.problem.request_tasks[request_id]
        )
        return self.new_bool(f"request[{request_id}].scheduled", placed)

    def _task(self, facts: TaskFacts) -> TaskVar:
        task = facts.task
        name = f"task[{task.id}]"
        hinted = self.hints.plan.get(task.id) if self.hints.plan is not None else None
        present = self.requests[task.request]
        starts = R.intersect(facts.starts, R.span(facts.earliest, facts.latest))
        start = self.model.new_int_var_from_domain(domain(starts), f"{name}.start")
        self.hints.set(start, hinted.start if hinted else facts.earliest)

        if len(facts.modes) == 1:
            modes = [ModeVar(facts.modes[0], present)]
        else:
            modes = [
                ModeVar(
                    option,
                    self.new_bool(
                        f"{name}.mode[{option.index}]",
                        hinted is not None and hinted.mode == option.index,
                    ),
                )
                for option in facts.modes
            ]
            self._sum_equals([m.lit for m in modes], present)
        for mode in modes:
            if not R.includes(mode.option.starts, starts):
                self.enforce(
                    self.model.add_linear_expression_in_domain(start, domain(mode.option.starts)),
                    mode.lit,
                )

        duration, end = self._duration(facts, name, start, modes, hinted)
        task = facts.task
        staffed_end = start + task.staff_slots if task.staff_slots is not None else end
        task_var = TaskVar(
            facts=facts,
            present=present,
            start=start,
            duration=duration,
            end=end,
            staffed_end=staffed_end,
            modes=modes,
            staff=[],
            people={},
            sites={},
            staffed_interval={},
        )
        for mode in modes:
            self._units(task_var, mode, hinted, starts)
        self._sites(task_var, hinted)
        self._people(task_var, hinted)
        return task_var

    def _sum_equals(self, lits: list[Lit], total: Lit) -> None:
        if self.is_true(total):
            self.model.add_exactly_one(lits)
        else:
            self.model.add(sum(lits) == total)

    def _duration(
        self,
        facts: TaskFacts,
        name: str,
        start: cp_model.IntVar,
        modes: list[ModeVar],
        hinted: Assignment | None,
    ) -> tuple[cp_model.IntVar | int, Expr]:
        """Duration and end; variables only when the modes' durations differ."""
        durations = sorted({m.option.duration for m in modes})
        if len(durations) == 1:
            return durations[0], start + durations[0]
        # An absent task gets duration 0 (no mode literal holds), which is harmless.
        values = durations if self.is_true(modes[0].lit) else [0, *durations]
        duration = self.model.new_int_var_from_domain(
            cp_model.Domain.from_values(values), f"{name}.duration"
        )
        self.model.add(duration == sum(m.option.duration * m.lit for m in modes))
        end = self.model.new_int_var(
            facts.earliest, facts.latest + facts.max_duration, f"{name}.end"
        )
        self.model.add(end == start + duration)
        length = 0
        if hinted is not None:
            length = self.problem.task[facts.task.id].modes[hinted.mode].duration
        self.hints.set(duration, length)
        self.hints.set(end, (hinted.start if hinted else facts.earliest) + length)
        return duration, end

    def _units(
        self, task_var: TaskVar, mode: ModeVar, hinted: Assignment | None, starts: R.Ranges
    ) -> None:
        name = f"task[{task_var.id}]"
        if len(task_var.modes) > 1:
            name += f".mode[{mode.option.index}]"
        in_mode = hinted is not None and hinted.mode == mode.option.index
        for k, options in enumerate(mode.option.needs):
            unit_vars = []
            for option in options:
                if len(options) == 1:
                    lit = mode.lit
                else:
                    chosen = in_mode and hinted.units[k] == option.unit.id  # type: ignore[union-attr]
                    lit = self.new_bool(f"{name}.need[{k}].unit[{option.unit.id}]", chosen)
                    if not R.includes(option.starts, R.intersect(starts, mode.option.starts)):
                        self.enforce(
                            self.model.add_linear_expression_in_domain(
                                task_var.start, domain(option.starts)
                            ),
                            lit,
                        )
                unit_vars.append(
                    UnitVar(option, lit, self._occupation(task_var, mode, option, lit))
                )
            if len(options) > 1:
                self._sum_equals([u.lit for u in unit_vars], mode.lit)
            mode.needs.append(unit_vars)

    def _occupation(
        self, task_var: TaskVar, mode: ModeVar, option: UnitOption, lit: Lit
    ) -> cp_model.IntervalVar | None:
        unit = option.unit
        size = unit.setup + mode.option.duration + unit.cleanup
        if size <= 0:
            return None
        name = f"task[{task_var.id}].uses[{unit.id}]"
        begin = task_var.start - unit.setup
        if self.is_true(lit):
            return self.model.new_fixed_size_interval_var(begin, size, name)
        return self.model.new_optional_fixed_size_interval_var(begin, size, lit, name)

    def _sites(self, task_var: TaskVar, hinted: Assignment | None) -> None:
        """Site literals for a task whose units may be at several sites (one_site)."""
        facts = task_var.facts
        if len(facts.sites) <= 1:
            return
        hinted_site = self.problem.unit[hinted.units[0]].site if hinted and hinted.units else None
        for site in sorted(facts.sites):
            task_var.sites[site] = self.new_bool(
                f"task[{task_var.id}].site[{site}]", site == hinted_site
            )
        self.model.add_at_most_one(task_var.sites.values())
        for mode in task_var.modes:
            for unit_vars in mode.needs:
                for unit_var in unit_vars:
                    site_lit = task_var.sites.get(unit_var.option.unit.site)
                    if site_lit is None:  # a site not shared by all needs of any mode
                        self.model.add(unit_var.lit == 0)
                    else:
                        self.model.add_implication(unit_var.lit, site_lit)

    def _people(self, task_var: TaskVar, hinted: Assignment | None) -> None:
        facts = task_var.facts
        task = facts.task
        name = f"task[{task.id}]"
        filled: list[str] = []
        if hinted is not None and hinted.people:
            lists = [[p for p in need if p in hinted.people] for need in facts.staff]
            filled = fill_needs(task.staff, lists, []) or []
        offset = 0
        for k, (need, eligible) in enumerate(zip(task.staff, facts.staff, strict=True)):
            mine = set(filled[offset : offset + need.count])
            offset += need.count
            fills: dict[str, Lit] = {
                p: self.new_bool(f"{name}.staff[{k}].person[{p}]", p in mine) for p in eligible
            }
            self.model.add(sum(fills.values()) == need.count * task_var.present)
            task_var.staff.append(fills)
        for person_id in facts.people:
            fills_any = [need[person_id] for need in task_var.staff if person_id in need]
            if len(fills_any) == 1:
                works = fills_any[0]
            else:
                works = self.new_bool(f"{name}.person[{person_id}]", person_id in filled)
                self.model.add(sum(fills_any) == works)
            task_var.people[person_id] = works
            interval = self._staffed_interval(task_var, person_id, works)
            if interval is not None:
                task_var.staffed_interval[person_id] = interval

    def _staffed_interval(
        self, task_var: TaskVar, person_id: str, works: Lit
    ) -> cp_model.IntervalVar | None:
        task = task_var.facts.task
        name = f"task[{task.id}].staffed[{person_id}]"
        options = task_var.staffed_options()
        if len(options) == 1:
            length = options[0][0]
            if length <= 0:
                return None
            return self.model.new_optional_fixed_size_interval_var(
                task_var.start, length, works, name
            )
        return self.model.new_optional_interval_var(
            task_var.start, task_var.duration, task_var.end, works, name
        )

    # Lazily made literals -----------------------------------------------------------------

    def possible_weeks(self, task_var: TaskVar) -> list[int]:
        """The weeks the task's start domain meets (-1: before the first week)."""
        facts = task_var.facts
        starts = R.intersect(facts.starts, R.span(facts.earliest, facts.latest))
        weeks = []
        for week in range(self.facts.week_of(facts.earliest), len(self.problem.week_starts)):
            lo, hi = self.facts.week_span(week)
            if lo > facts.latest:
                break
            if R.intersect(starts, R.span(lo, hi)):
                weeks.append(week)
        return weeks

    def weeks(self, task_var: TaskVar) -> dict[int, Lit]:
        """Literals "the task starts in week w", for the weeks its start domain meets."""
        if task_var.weeks is None:
            weeks = self.possible_weeks(task_var)
            if len(weeks) == 1:
                task_var.weeks = {weeks[0]: self.true}
            else:
                hinted = self.facts.week_of(self.hints.values.get(task_var.start.index, 0))
                task_var.weeks = {}
                for week in weeks:
                    lit = self.new_bool(f"task[{task_var.id}].week[{week}]", week == hinted)
                    lo, hi = self.facts.week_span(week)
                    self.model.add_linear_constraint(task_var.start, lo, hi).only_enforce_if(lit)
                    task_var.weeks[week] = lit
                self.model.add_exactly_one(task_var.weeks.values())
        return task_var.weeks

    def cost_terms(self, task_var: TaskVar) -> list[tuple[int, Lit]]:
        """Money spent by a task on its units and people, as (amount, literal) terms."""
        terms: list[tuple[int, Lit]] = []
        for mode in task_var.modes:
            for unit_vars in mode.needs:
                for unit_var in unit_vars:
                    unit = unit_var.option.unit
                    amount = unit.cost_per_slot * unit_var.option.amount * mode.option.duration
                    if amount:
                        terms.append((amount, unit_var.lit))
        for person_id, works in task_var.people.items():
            rate = self.problem.person[person_id].cost_per_slot
            if rate:
                for length, mode_lit in task_var.staffed_options():
                    both = self.implied_by_all(
                        [works, mode_lit], f"task[{task_var.id}].person[{person_id}].{length}"
                    )
                    terms.append((rate * length, both))
        return terms

    def members(self, group: str) -> dict[str, Lit]:
        """Literals "person works on some task of ``group``" (a team id, or "request:<id>"
        for the tasks of a request without a team), made on first use."""
        if group not in self._members:
            works: dict[str, list[Lit]] = {}
            for task_var in self.tasks.values():
                if _group(task_var) == group:
                    for person_id, lit in task_var.people.items():
                        works.setdefault(person_id, []).append(lit)
            self._members[group] = {
                person_id: self.any_of(lits, f"{group}.person[{person_id}]")
                for person_id, lits in works.items()
            }
        return self._members[group]

    def team_active(self, team_id: str) -> Lit | None:
        """Literal "some task of the team is scheduled"; None when it has no task left."""
        present = [t.present for t in self.tasks.values() if t.facts.task.team == team_id]
        if not present:
            return None
        return self.any_of(present, f"team[{team_id}].active")

    def keep_literals(self, task_var: TaskVar, want: Assignment) -> list[Lit] | None:
        """Literals whose conjunction keeps the mode, units and people of ``want`` (the start
        is separate); None when ``want`` is not among the task's options."""
        task = task_var.facts.task
        mode = next((m for m in task_var.modes if m.option.index == want.mode), None)
        if mode is None or len(want.units) != len(mode.needs):
            return None
        if len(want.people) != sum(need.count for need in task.staff):
            return None
        lits = [task_var.present, mode.lit]
        for unit_vars, unit_id in zip(mode.needs, want.units, strict=True):
            match = [u.lit for u in unit_vars if u.option.unit.id == unit_id]
            if not match:
                return None
            lits.append(match[0])
        for person_id in want.people:
            if person_id not in task_var.people:
                return None
            lits.append(task_var.people[person_id])
        end = want.start + task.modes[want.mode].duration
        for shift in want.shifts:
            match = [s.lit for s in task_var.shifts if s.window.clipped(want.start, end) == shift]
            if not match:
                return None
            lits.append(match[0])
        return list(dict.fromkeys(lit for lit in lits if not self.is_true(lit)))


def _group(task_var: TaskVar) -> str:
    task = task_var.facts.task
    return task.team if task.team is not None else f"request:{task.request}"
