"""The independent validator: checks every hard rule on a plan, in plain Python.

It shares no code with the CP-SAT model or the constructive schedule on purpose, so a bug in
one of them shows up here. ``validate`` returns one ``Violation`` per broken rule instance;
an empty list means the plan is valid.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from solver.plan import Plan, Violation
from solver.problem import Assignment, Mode, Person, Problem, StaffNeed, Task, Unit
from solver.rules import Rule
from solver.validate_shifts import shift_problems


def validate(problem: Problem, plan: Plan) -> list[Violation]:
    """All hard-rule violations of ``plan``; empty when the plan is valid."""
    return _Validator(problem, plan.assignments).run()


def staffed_length(task: Task, mode: Mode) -> int:
    """Slots at the start of a task during which its people work on it."""
    return task.staff_slots if task.staff_slots is not None else mode.duration


def match_people(needs: tuple[StaffNeed, ...], people: list[Person]) -> list[int] | None:
    """Need index for each person so that every need gets exactly its count, or None.

    Kuhn's augmenting paths over the need slots; sizes are a handful of people.
    """
    slots = [k for k, need in enumerate(needs) for _ in range(need.count)]
    if len(slots) != len(people):
        return None
    slot_of_person: list[int | None] = [None] * len(people)
    person_of_slot: list[int | None] = [None] * len(slots)

    def augment(slot: int, seen: set[int]) -> bool:
        for p, person in enumerate(people):
            if p in seen or not needs[slots[slot]].admits(person):
                continue
            seen.add(p)
            holder = slot_of_person[p]
            if holder is None or augment(holder, seen):
                slot_of_person[p] = slot
                person_of_slot[slot] = p
                return True
        return False

    for slot in range(len(slots)):
        if not augment(slot, set()):
            return None
    return [slots[s] for s in slot_of_person]  # type: ignore[index]


def _inside(windows: tuple[tuple[int, int], ...] | None, lo: int, hi: int) -> bool:
    return windows is None or any(a <= lo and hi <= b for a, b in windows)


class _Validator:
    def __init__(self, problem: Problem, assignments: dict[str, Assignment]) -> None:
        self.problem = problem
        self.assignments = assignments
        self.out: list[Violation] = []
        self.when = problem.when
        # Placed tasks whose ids, mode and units check out, for the cross-task rules.
        self.placed: dict[str, tuple[Task, Assignment, Mode]] = {}

    def run(self) -> list[Violation]:
        for task_id, assignment in self.assignments.items():
            self.check_task(task_id, assignment)
        self.check_capacity()
        self.check_precedences()
        self.check_people()
        self.check_teams()
        self.check_budgets()
        self.check_locked()
        self.check_requests()
        return self.out

    def span(self, lo: int, hi: int) -> str:
        """Slots [lo, hi) as people read them: "from Tue 01 Dec 09:30 to Tue 01 Dec 11:00"."""
        return f"from {self.when(lo)} to {self.when(hi)}"

    def fail(
        self, rule: Rule, message: str, task: str | None = None, refs: tuple[str, ...] = ()
    ) -> None:
        self.out.append(Violation(rule=rule.value, message=message, task=task, refs=refs))

    # Per task -----------------------------------------------------------------------------

    def check_task(self, task_id: str, a: Assignment) -> None:
        problem = self.problem
        task = problem.task.get(task_id)
        if task is None or a.task != task_id:
            self.fail(Rule.KNOWN_IDS, f"assignment names unknown task {task_id!r}", task_id)
            return
        if not 0 <= a.mode < len(task.modes):
            self.fail(Rule.MODE, f"task {task_id!r} has no mode {a.mode}", task_id)
            return
        mode = task.modes[a.mode]
        unknown = [u for u in a.units if u not in problem.unit]
        unknown += [p for p in a.people if p not in problem.person]
        unknown += [s.person for s in a.shifts if s.person not in problem.person]
        if unknown:
            self.fail(Rule.KNOWN_IDS, f"task {task_id!r} names unknown {unknown}", task_id)
            return
        end = a.start + mode.duration
        if a.start < task.earliest:
            self.fail(
                Rule.TASK_WINDOW,
                f"{task_id!r} starts {self.when(a.start)}, before its earliest start "
                f"{self.when(task.earliest)}",
                task_id,
            )
        if task.deadline is not None and end > task.deadline:
            self.fail(
                Rule.TASK_WINDOW,
                f"{task_id!r} ends {self.when(end)}, after its deadline {self.when(task.deadline)}",
                task_id,
            )
        if end > problem.horizon:
            self.fail(
                Rule.TASK_WINDOW,
                f"{task_id!r} ends at {end}, after the horizon {problem.horizon}",
                task_id,
            )
        if not self.check_units(task, a, mode):
            return
        self.check_staff(task, a)
        self.check_shifts(task, a, end)
        self.placed[task_id] = (task, a, mode)

    def check_units(self, task: Task, a: Assignment, mode: Mode) -> bool:
        if len(a.units) != len(mode.needs):
            self.fail(
                Rule.EQUIPMENT_ELIGIBLE,
                f"{task.id!r} has {len(a.units)} units for {len(mode.needs)} equipment needs",
                task.id,
            )
            return False
        ok = True
        for need, unit_id in zip(mode.needs, a.units, strict=True):
            if unit_id not in need.candidates:
                self.fail(
                    Rule.EQUIPMENT_ELIGIBLE,
                    f"{unit_id!r} is not a candidate for {task.id!r}",
                    task.id,
                    (unit_id,),
                )
                ok = False
        sites = {self.problem.unit[u].site for u in a.units}
        if len(sites) > 1:
            self.fail(
                Rule.ONE_SITE, f"{task.id!r} uses units at sites {sorted(sites)}", task.id, a.units
            )
        for unit_id in dict.fromkeys(a.units):
            self.check_unit_calendar(task, a, mode, self.problem.unit[unit_id])
        return ok

    def check_unit_calendar(self, task: Task, a: Assignment, mode: Mode, unit: Unit) -> None:
        lo, hi = a.start - unit.setup, a.start + mode.duration + unit.cleanup
        for da, db in unit.down:
            if lo < db and da < hi:
                self.fail(
                    Rule.EQUIPMENT_DOWNTIME,
                    f"{task.id!r} occupies {unit.id!r} {self.span(lo, hi)}, during its "
                    f"downtime {self.span(da, db)}",
                    task.id,
                    (unit.id,),
                )
        if task.unattended and unit.unattended_ok:
            lo, hi = a.start, a.start + staffed_length(task, mode)
        if task.shifts is not None and unit.unattended_ok:
            return  # watched in shifts at any hour on a unit that may run outside them
        if not _inside(unit.open, lo, hi):
            self.fail(
                Rule.EQUIPMENT_OPEN,
                f"{task.id!r} uses {unit.id!r} {self.span(lo, hi)}, outside its opening hours",
                task.id,
                (unit.id,),
            )

    def check_staff(self, task: Task, a: Assignment) -> None:
        people = [self.problem.person[p] for p in a.people]
        wanted = sum(need.count for need in task.staff)
        if len(set(a.people)) != len(a.people):
            self.fail(Rule.STAFF_COUNT, f"{task.id!r} lists a person twice", task.id, a.people)
        elif len(people) != wanted:
            self.fail(
                Rule.STAFF_COUNT,
                f"{task.id!r} has {len(people)} people, needs {wanted}",
                task.id,
                a.people,
            )
        elif match_people(task.staff, people) is None:
            self.fail(
                Rule.STAFF_ELIGIBLE,
                f"the people of {task.id!r} cannot fill its staff needs (role or skill missing)",
                task.id,
                a.people,
            )
        for role, cap in task.at_most.items():
            have = sum(1 for p in people if p.role == role)
            if have > cap:
                self.fail(
                    Rule.ROLE_CAP,
                    f"{task.id!r} has {have} people of role {role!r}, at most {cap}",
                    task.id,
                    a.people,
                )
        for student in people:
            if student.is_student and not any(p.can_supervise(student) for p in people):
                self.fail(
                    Rule.STUDENT_SUPERVISION,
                    f"{task.id!r} has student {student.id!r} and no one to supervise them",
                    task.id,
                    a.people,
                )
        for unit_id in dict.fromkeys(a.units if task.shifts is None else ()):
            unit = self.problem.unit[unit_id]
            if unit.needs_certified and not any(
                p.certs.get(unit.kind, a.start) > a.start for p in people
            ):
                self.fail(
                    Rule.CERTIFIED_OPERATOR,
                    f"nobody on {task.id!r} holds a valid "
                    f"{unit.kind!r} certificate {self.when(a.start)} for {unit_id!r}",
                    task.id,
                    (unit_id,),
                )

    def check_shifts(self, task: Task, a: Assignment, end: int) -> None:
        """Shifts of eligible people cover the run, handing over (``validate_shifts``)."""
        for message, refs in shift_problems(self.problem, task, a, end):
            self.fail(Rule.SHIFT_COVER, message, task.id, refs)

    # Across tasks -------------------------------------------------------------------------

    def check_capacity(self) -> None:
        events: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for task, a, mode in self.placed.values():
            for need, unit_id in zip(mode.needs, a.units, strict=True):
                unit = self.problem.unit[unit_id]
                lo, hi = a.start - unit.setup, a.start + mode.duration + unit.cleanup
                if hi > lo:
                    events[unit_id].append((lo, need.amount, task.id))
                    events[unit_id].append((hi, -need.amount, task.id))
        for unit_id, unit_events in events.items():
            capacity = self.problem.unit[unit_id].capacity
            unit_events.sort(key=lambda e: (e[0], e[1]))  # releases before takes at a slot
            used, holders = 0, set()
            for slot, amount, task_id in unit_events:
                used += amount
                if amount > 0:
                    holders.add(task_id)
                else:
                    holders.discard(task_id)
                if amount > 0 and used > capacity:
                    self.fail(
                        Rule.EQUIPMENT_CAPACITY,
                        f"{unit_id!r} is asked for {used} {self.when(slot)}, capacity {capacity}",
                        task_id,
                        (unit_id, *sorted(holders)),
                    )

    def check_precedences(self) -> None:
        for prec in self.problem.precedences:
            if prec.before in self.placed and prec.after in self.placed:
                _, before, mode = self.placed[prec.before]
                _, after, _ = self.placed[prec.after]
                ready = before.start + mode.duration + prec.lag
                if after.start < ready:
                    self.fail(
                        Rule.PRECEDENCE,
                        f"{prec.after!r} starts {self.when(after.start)}, before "
                        f"{prec.before!r} ends plus lag ({self.when(ready)})",
                        prec.after,
                        (prec.before,),
                    )

    def check_people(self) -> None:
        work: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)
        # Shifts are work like any other, except against weekly caps (not counted there).
        shifts: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)
        for task, a, mode in self.placed.values():
            site = self.problem.unit[a.units[0]].site if a.units else None
            length = staffed_length(task, mode)
            for person_id in dict.fromkeys(a.people):  # a repeat is a staff_count break
                work[person_id].append((a.start, a.start + length, task.id, site))
            for shift in a.shifts:
                shifts[shift.person].append((shift.start, shift.end, task.id, site))
        for person_id, items in shifts.items():
            work[person_id].extend(items)
        for person_id, items in work.items():
            person = self.problem.person[person_id]
            items.sort()
            for start, end, task_id, _ in items:
                if not _inside(person.available, start, end):
                    self.fail(
                        Rule.PERSON_AVAILABLE,
                        f"{person_id!r} is not available {self.when(start)} to {self.when(end)} "
                        f"for {task_id!r}",
                        task_id,
                        (person_id,),
                    )
            self.check_person_pairs(person_id, items)
            shifted = set(shifts.get(person_id, ()))
            self.check_weekly_cap(person, [i for i in items if i not in shifted])

    def check_person_pairs(
        self, person_id: str, items: list[tuple[int, int, str, str | None]]
    ) -> None:
        for i, (s1, e1, t1, site1) in enumerate(items):
            for s2, e2, t2, site2 in items[i + 1 :]:
                if s1 < e2 and s2 < e1 and min(e1 - s1, e2 - s2) > 0:
                    self.fail(
                        Rule.PERSON_OVERLAP,
                        f"{person_id!r} works on {t1!r} and {t2!r} at the same time",
                        t2,
                        (person_id, t1),
                    )
                    continue
                if site1 is None or site2 is None or site1 == site2:
                    continue
                gap = self.problem.travel_time(site1, site2)
                if s2 < e1 + gap:  # items are sorted by start: task 1 comes first
                    self.fail(
                        Rule.TRAVEL_TIME,
                        f"{person_id!r} cannot travel {site1!r} to "
                        f"{site2!r} ({self.problem.length(gap)}) between {t1!r} and {t2!r}",
                        t2,
                        (person_id, t1),
                    )

    def check_weekly_cap(
        self, person: Person, items: list[tuple[int, int, str, str | None]]
    ) -> None:
        if person.weekly_cap is None:
            return
        weeks = self.problem.week_starts
        load: dict[int, int] = defaultdict(int)
        for start, end, _, _ in items:
            week = bisect_right(weeks, start) - 1
            if week >= 0:
                load[week] += end - start
        for week, slots in sorted(load.items()):
            if slots > person.weekly_cap:
                self.fail(
                    Rule.PERSON_WEEKLY_CAP,
                    f"{person.id!r} works {self.problem.length(slots)} in the week from "
                    f"{self.when(self.problem.week_starts[week])}, "
                    f"cap {self.problem.length(person.weekly_cap)}",
                    None,
                    (person.id,),
                )

    def check_teams(self) -> None:
        members: dict[str, set[str]] = defaultdict(set)
        active: set[str] = set()
        for task, a, _ in self.placed.values():
            if task.team is not None:
                active.add(task.team)
                members[task.team].update(a.people)
        for rule in self.problem.teams:
            if rule.id not in active:
                continue
            people = [self.problem.person[p] for p in members[rule.id] | rule.members]
            for role, minimum in rule.min_roles.items():
                have = sum(1 for p in people if p.role == role)
                if have < minimum:
                    self.fail(
                        Rule.TEAM_COMPOSITION,
                        f"team {rule.id!r} has {have} {role!r}, needs {minimum}",
                        None,
                        (rule.id,),
                    )
            if rule.max_students_per_senior is not None:
                students = sum(1 for p in people if p.is_student)
                seniors = len(people) - students
                if students > rule.max_students_per_senior * seniors:
                    self.fail(
                        Rule.TEAM_COMPOSITION,
                        f"team {rule.id!r} has {students} students for {seniors} non-students",
                        None,
                        (rule.id,),
                    )

    def check_budgets(self) -> None:
        spent: dict[str, int] = defaultdict(int)
        for task, a, mode in self.placed.values():
            for budget_id, amount in mode.consumes.items():
                spent[budget_id] += amount
            if task.budget is None:
                continue
            for need, unit_id in zip(mode.needs, a.units, strict=True):
                unit = self.problem.unit[unit_id]
                spent[task.budget] += unit.cost_per_slot * need.amount * mode.duration
            length = staffed_length(task, mode)
            for person_id in a.people:
                spent[task.budget] += self.problem.person[person_id].cost_per_slot * length
        for budget in self.problem.budgets:
            if spent[budget.id] > budget.limit:
                self.fail(
                    Rule.BUDGET,
                    f"budget {budget.id!r} spends {spent[budget.id]}, limit {budget.limit}",
                    None,
                    (budget.id,),
                )

    def check_locked(self) -> None:
        for task_id in sorted(self.problem.locked):
            want = self.problem.current[task_id]
            have = self.assignments.get(task_id)
            if have is None:
                self.fail(Rule.LOCKED_BOOKING, f"locked {task_id!r} is not placed", task_id)
            elif (have.start, have.mode, tuple(have.units), set(have.people)) != (
                want.start,
                want.mode,
                tuple(want.units),
                set(want.people),
            ):
                self.fail(Rule.LOCKED_BOOKING, f"locked {task_id!r} was changed", task_id)

    def check_requests(self) -> None:
        for request in self.problem.requests:
            tasks = self.problem.request_tasks[request.id]
            placed = [t.id for t in tasks if t.id in self.assignments]
            if placed and len(placed) < len(tasks):
                missing = [t.id for t in tasks if t.id not in self.assignments]
                self.fail(
                    Rule.WHOLE_REQUEST,
                    f"request {request.id!r} is placed without {missing}",
                    missing[0],
                    (request.id,),
                )
            if request.required and len(placed) < len(tasks):
                self.fail(
                    Rule.REQUIRED_REQUEST,
                    f"required request {request.id!r} is not scheduled",
                    None,
                    (request.id,),
                )
