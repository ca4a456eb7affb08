"""The hard rules as CP-SAT constraints, one method per rule.

Some rules are already built into the variables and the facts behind them: task_window,
equipment_open and equipment_downtime are start domains (per unit, enforced only when the
unit is chosen), equipment_eligible and mode are the exactly-one sums over literals,
whole_request is the request's shared presence literal and required_request makes it the
constant true. The methods below add the rest.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver import ranges as R
from solver.model import shifts
from solver.model.travel import TravelPairs
from solver.model.variables import Lit, TaskVar, Variables, domain
from solver.problem import Person, Problem
from solver.rules import Rule

TRAVEL_LIMIT = 50_000
"""Clauses of the full travel encoding above which pairs are added lazily (a few seconds of
model building and presolve on a 500-task instance)."""


ADDED: tuple[Rule, ...] = (
    Rule.EQUIPMENT_CAPACITY,
    Rule.PRECEDENCE,
    Rule.SHIFT_COVER,  # before person_overlap, which takes in the shifts' intervals
    Rule.PERSON_OVERLAP,
    Rule.PERSON_AVAILABLE,
    Rule.PERSON_WEEKLY_CAP,
    Rule.TRAVEL_TIME,
    Rule.CERTIFIED_OPERATOR,
    Rule.STUDENT_SUPERVISION,
    Rule.ROLE_CAP,
    Rule.TEAM_COMPOSITION,
    Rule.BUDGET,
    Rule.LOCKED_BOOKING,
)
"""The rules added as constraints, each by the method of its name, in this order."""

BY_VARIABLES: dict[Rule, str] = {
    Rule.TASK_WINDOW: "each start's domain (facts: earliest, deadline, horizon)",
    Rule.MODE: "one literal per mode, exactly one true when the task is placed",
    Rule.EQUIPMENT_ELIGIBLE: "unit literals only for candidate units, one per need (_units)",
    Rule.ONE_SITE: "one site literal per task, implied by each unit chosen (_sites)",
    Rule.EQUIPMENT_OPEN: "a unit's literal restricts the start to its open starts (_units)",
    Rule.EQUIPMENT_DOWNTIME: "open starts leave out downtime (facts.UnitOption.starts)",
    Rule.STAFF_COUNT: "exactly count person literals per staff need (_people)",
    Rule.STAFF_ELIGIBLE: "person literals only for people who qualify (staffing.fill_needs)",
    Rule.WHOLE_REQUEST: "every task of a request shares its presence literal",
    Rule.REQUIRED_REQUEST: "a required request's presence literal is the constant true",
    Rule.KNOWN_IDS: "variables exist only for the problem's tasks, units and people",
}
"""The rules the variables themselves keep, and how: no constraint is needed."""


class Constraints:
    """Adds each hard rule to the model (``ADDED``; the rest hold by ``BY_VARIABLES``)."""

    def __init__(self, variables: Variables, travel_limit: int | None = None) -> None:
        self.v = variables
        self.travel = TravelPairs(variables)
        # Clauses of the full travel encoding above which pairs are added lazily.
        self.travel_limit = TRAVEL_LIMIT if travel_limit is None else travel_limit
        self._fit_domains: dict[tuple[str, int], cp_model.Domain] = {}
        self.model: cp_model.CpModel = variables.model
        self.problem: Problem = variables.problem
        self.facts = variables.facts
        self.tasks = variables.tasks

    def add_all(self) -> None:
        for rule in ADDED:
            getattr(self, rule.value)()

    def equipment_capacity(self) -> None:
        """The tasks occupying a unit (setup and cleanup included) never exceed its capacity."""
        by_unit: dict[str, list[tuple[cp_model.IntervalVar, int]]] = defaultdict(list)
        for task_var in self.tasks.values():
            for mode in task_var.modes:
                for unit_vars in mode.needs:
                    for unit_var in unit_vars:
                        if unit_var.interval is not None:
                            by_unit[unit_var.option.unit.id].append(
                                (unit_var.interval, unit_var.option.amount)
                            )
        for unit_id, uses in by_unit.items():
            capacity = self.problem.unit[unit_id].capacity
            if sum(amount for _, amount in uses) <= capacity:
                continue
            if capacity == 1:
                self.model.add_no_overlap([interval for interval, _ in uses])
            else:
                self.model.add_cumulative(
                    [interval for interval, _ in uses], [amount for _, amount in uses], capacity
                )

    def precedence(self) -> None:
        """``after`` starts no earlier than ``lag`` slots after ``before`` ends, when both run."""
        for prec in self.problem.precedences:
            before, after = self.tasks.get(prec.before), self.tasks.get(prec.after)
            if before is None or after is None:
                continue
            self.v.enforce(
                self.model.add(after.start >= before.end + prec.lag),
                before.present,
                after.present,
            )

    def shift_cover(self) -> None:
        """A shift-staffed task is covered by shifts of eligible people, handing over."""
        for task_var in self.tasks.values():
            if task_var.facts.task.shifts is None:
                continue
            task_var.shifts = shifts.shift_vars(self.v, task_var)
            shifts.add_cover(self.v, task_var)
            shifts.add_certified(self.v, task_var)

    def person_overlap(self) -> None:
        """A person works on one task at a time over the staffed parts."""
        for intervals in self._staffed_intervals().values():
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    def person_available(self) -> None:
        """The staffed part of a task lies inside one of each of its people's windows."""
        for task_var in self.tasks.values():
            starts = self._start_domain(task_var)
            for person_id, works in task_var.people.items():
                person = self.problem.person[person_id]
                if person.available is None:
                    continue
                for length, mode_lit in task_var.staffed_options():
                    fit = self.facts.person_fit(person, length)
                    if not R.includes(fit, starts):
                        self.v.enforce(
                            self.model.add_linear_expression_in_domain(
                                task_var.start, self._fit_domain(person_id, length, fit)
                            ),
                            works,
                            mode_lit,
                        )

    def person_weekly_cap(self) -> None:
        """Staffed slots of the tasks a person starts in a week stay within their cap."""
        person = self.problem.person
        longest = max((t.facts.max_staffed for t in self.tasks.values()), default=0)
        weeks_of_cap = range(len(self.problem.week_starts))
        # Only where their hours that week could hold more than the cap.
        binding = {
            (p.id, week)
            for p in self.problem.people
            if p.weekly_cap is not None
            for week in weeks_of_cap
            if self._most_work(p, week, longest) > p.weekly_cap
        }
        if not binding:
            return
        loads: dict[tuple[str, int], list[tuple[int, TaskVar, Lit | None]]] = defaultdict(list)
        for task_var in self.tasks.values():
            weeks = [w for w in self.v.possible_weeks(task_var) if w >= 0]
            options = [(n, lit) for n, lit in task_var.staffed_options() if n > 0]
            for person_id in task_var.people:
                for week in weeks:
                    if (person_id, week) in binding:
                        loads[person_id, week].extend((n, task_var, lit) for n, lit in options)
        for (person_id, week), items in loads.items():
            cap = person[person_id].weekly_cap
            assert cap is not None  # binding holds capped people only
            if sum(length for length, _, _ in items) <= cap:
                continue
            terms = []
            for length, task_var, mode_lit in items:
                in_week = self.v.weeks(task_var)[week]
                lit = self.v.implied_by_all(
                    [task_var.people[person_id], in_week, mode_lit],
                    f"task[{task_var.id}].person[{person_id}].week[{week}].{length}",
                )
                terms.append(length * lit)
            self.model.add(sum(terms) <= cap)

    def travel_time(self) -> None:
        """A person working at two sites has the travel time between the staffed parts.

        All pairs when the encoding is small; otherwise the pairs the hint staffs with one
        person, and the solve adds others as solutions break the rule (``travel.lazy``).
        """
        if self.travel.size <= self.travel_limit:
            self.travel.add(self.travel.candidates)
        else:
            self.travel.lazy = True
            self.travel.seed_from_hint()

    def certified_operator(self) -> None:
        """A unit needing a certified operator has one among the task's people on the day."""
        for task_var in self.tasks.values():
            if task_var.facts.task.shifts is not None:
                continue  # each shift person's certificate: shift_cover
            holders: dict[str, list[Lit]] = {}
            for mode in task_var.modes:
                for unit_vars in mode.needs:
                    for unit_var in unit_vars:
                        unit = unit_var.option.unit
                        if not unit.needs_certified:
                            continue
                        if unit.kind not in holders:
                            holders[unit.kind] = self._certified(task_var, unit.kind)
                        self.v.enforce(self.model.add_bool_or(holders[unit.kind]), unit_var.lit)

    def student_supervision(self) -> None:
        """A student on a task has someone on it who may supervise them."""
        person = self.problem.person
        for task_var in self.tasks.values():
            for person_id, works in task_var.people.items():
                student = person[person_id]
                if not student.is_student:
                    continue
                seniors = [
                    w for p, w in task_var.people.items() if person[p].can_supervise(student)
                ]
                if seniors:
                    self.model.add_bool_or(seniors).only_enforce_if(works)
                else:
                    self.model.add(works == 0)

    def role_cap(self) -> None:
        """A task has at most its cap of people of a role."""
        person = self.problem.person
        for task_var in self.tasks.values():
            for role, cap in task_var.facts.task.at_most.items():
                works = [w for p, w in task_var.people.items() if person[p].role == role]
                if len(works) > cap:
                    self.model.add(sum(works) <= cap)

    def team_composition(self) -> None:
        """A team's people meet its role minimums and student ratio, when it has any task."""
        for rule in self.problem.teams:
            active = self.v.team_active(rule.id)
            if active is None:
                continue
            # People already on the team (bookings outside the problem) count as constants.
            members: dict[str, Lit | int] = {**self.v.members(rule.id)}
            members.update(dict.fromkeys(rule.members, 1))
            person = self.problem.person
            for role, minimum in rule.min_roles.items():
                have = [m for p, m in members.items() if person[p].role == role]
                self._at_least(have, minimum, active)
            if rule.max_students_per_senior is not None:
                students = [m for p, m in members.items() if person[p].is_student]
                seniors = [m for p, m in members.items() if not person[p].is_student]
                if students and any(not isinstance(m, int) for m in students + seniors):
                    self.model.add(sum(students) <= rule.max_students_per_senior * sum(seniors))

    def _at_least(self, terms: list[Lit | int], minimum: int, active: Lit) -> None:
        """``sum(terms) >= minimum`` when ``active`` (terms may be constants)."""
        fixed = sum(term for term in terms if isinstance(term, int))
        free = [term for term in terms if not isinstance(term, int)]
        if fixed >= minimum:
            return
        if free:
            self.v.enforce(self.model.add(sum(free) >= minimum - fixed), active)
        else:
            self.v.enforce(self.model.add_bool_or([]), active)

    def budget(self) -> None:
        """What the tasks charged to a budget spend (units, people, consumption) fits it."""
        spending: dict[str, list[tuple[int, Lit]]] = defaultdict(list)
        for task_var in self.tasks.values():
            task = task_var.facts.task
            if task.budget is not None:
                spending[task.budget].extend(self.v.cost_terms(task_var))
            for mode in task_var.modes:
                for budget_id, amount in mode.option.mode.consumes.items():
                    if amount:
                        spending[budget_id].append((amount, mode.lit))
        for budget in self.problem.budgets:
            terms = spending.get(budget.id, [])
            if sum(max(amount, 0) for amount, _ in terms) > budget.limit:
                self.model.add(sum(amount * lit for amount, lit in terms) <= budget.limit)

    def locked_booking(self) -> None:
        """A locked task keeps its current start, mode, units and people."""
        for task_id in sorted(self.problem.locked):
            want = self.problem.current[task_id]
            task_var = self.tasks.get(task_id)
            lits = self.v.keep_literals(task_var, want) if task_var is not None else None
            if task_var is None or lits is None:
                self.model.add_bool_or([])  # the locked booking cannot be kept: infeasible
                continue
            self.model.add(task_var.start == want.start)
            self.model.add_bool_and(lits)

    # Helpers ------------------------------------------------------------------------------

    def _fit_domain(self, person_id: str, length: int, fit: R.Ranges) -> cp_model.Domain:
        key = (person_id, length)
        if key not in self._fit_domains:
            self._fit_domains[key] = domain(fit)
        return self._fit_domains[key]

    def _most_work(self, person: Person, week: int, longest: int) -> int:
        """The most staffed slots a person can work on tasks starting in ``week``: their
        available slots from the week's start to ``longest`` slots past its end (staffed
        parts never overlap and lie inside the person's windows)."""
        if person.available is None:
            return self.problem.horizon
        lo, hi = self.facts.week_span(week)
        hi = min(hi + 1 + longest, self.problem.horizon)
        return sum(max(0, min(b, hi) - max(a, lo)) for a, b in person.available)

    def _start_domain(self, task_var: TaskVar) -> R.Ranges:
        facts = task_var.facts
        return R.intersect(facts.starts, R.span(facts.earliest, facts.latest))

    def _staffed_intervals(self) -> dict[str, list[cp_model.IntervalVar]]:
        by_person: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        for task_var in self.tasks.values():
            for person_id, interval in task_var.staffed_interval.items():
                by_person[person_id].append(interval)
            for shift in task_var.shifts:
                by_person[shift.window.person].append(shift.busy)
        return by_person

    def _certified(self, task_var: TaskVar, kind: str) -> list[Lit]:
        """Literals "this person works on the task and is certified for ``kind`` at its
        start", one per eligible person holding the certificate."""
        facts = task_var.facts
        lits: list[Lit] = []
        for person_id, works in task_var.people.items():
            expiry = self.problem.person[person_id].certs.get(kind)
            if expiry is None or expiry <= facts.earliest:
                continue
            if expiry > facts.latest:
                lits.append(works)
                continue
            hinted = self.v.hints.of(works) and (
                self.v.hints.values.get(task_var.start.index, expiry) < expiry
            )
            valid = self.v.new_bool(f"task[{task_var.id}].certified[{kind}][{person_id}]", hinted)
            self.model.add_implication(valid, works)
            self.model.add(task_var.start <= expiry - 1).only_enforce_if(valid)
            lits.append(valid)
        return lits
