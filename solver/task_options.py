"""How ``solver.facts.Facts`` works out one task's facts: which people and units can work
when (fits cached per class of working hours and per unit), then each staff need's eligible
people, each mode's candidate units and allowed starts, and a note for each option ruled out.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from solver import ranges as R
from solver import shifts as S
from solver.problem import Mode, Person, Problem, StaffNeed, Task, Unit
from solver.ranges import Ranges
from solver.rules import Rule
from solver.task_facts import NEVER, ModeOption, Note, TaskFacts, UnitOption


class TaskOptions:
    """The part of ``Facts`` that works out one task's options (``Facts`` sets these up)."""

    problem: Problem
    _hours: dict[str, int]  # person id -> their class of working hours
    _person_fit: dict[tuple[int, int], Ranges]
    _fit_unions: dict[frozenset[Ranges], Ranges]
    _unit_fits: dict[tuple[str, int, int], Ranges]
    _need_fits: dict[tuple[tuple[str, ...], int], Ranges]
    _admitted: dict[StaffNeed, list[Person]]

    def person_fit(self, person: Person, length: int) -> Ranges:
        """Starts at which ``length`` staffed slots lie inside the person's availability."""
        key = (self._hours[person.id], length)
        if key not in self._person_fit:
            if person.available is None:
                self._person_fit[key] = R.span(-NEVER, NEVER)
            else:
                self._person_fit[key] = R.fitting_starts(person.available, 0, length)
        return self._person_fit[key]

    def _open_fits(self, unit: Unit, lo_offset: int, hi_offset: int) -> Ranges:
        """Starts at which ``[start + lo_offset, start + hi_offset)`` lies in one of the
        unit's open windows (cached: many tasks of one length share a unit)."""
        key = (unit.id, lo_offset, hi_offset)
        if key not in self._unit_fits:
            self._unit_fits[key] = R.fitting_starts(unit.open or (), lo_offset, hi_offset)
        return self._unit_fits[key]

    def _fits_of(self, people: tuple[str, ...], length: int) -> Ranges:
        """Starts at which one of ``people`` can work ``length`` staffed slots (many people
        share their hours, so the union is over the distinct ones, and cached)."""
        key = (people, length)
        if key not in self._need_fits:
            person = self.problem.person
            distinct = frozenset(self.person_fit(person[p], length) for p in people)
            if distinct not in self._fit_unions:
                self._fit_unions[distinct] = R.union(*distinct)
            self._need_fits[key] = self._fit_unions[distinct]
        return self._need_fits[key]

    def _task_facts(self, task: Task) -> TaskFacts:
        problem = self.problem
        notes: list[Note] = []
        staff = tuple(self._eligible(task, k, notes) for k in range(len(task.staff)))
        people = [problem.person[p] for p in dict.fromkeys(p for need in staff for p in need)]
        for role, cap in task.at_most.items():
            wanted = sum(need.count for need in task.staff if need.role == role)
            if wanted > cap:
                notes.append(
                    Note(
                        Rule.ROLE_CAP,
                        f"its staff needs ask for {wanted} {role}, and it may have at most {cap}",
                    )
                )
                staff = tuple(() for _ in task.staff)
        if task.staff and people and all(p.is_student for p in people):
            notes.append(
                Note(
                    Rule.STUDENT_SUPERVISION,
                    "only students are eligible, and a student needs someone to supervise them",
                )
            )
            staff = tuple(() for _ in task.staff)
        modes = []
        for index, mode in enumerate(task.modes):
            option = self._mode_option(task, index, mode, staff, notes)
            if option is not None:
                modes.append(option)
        windows: tuple[S.Window, ...] = ()
        if task.shifts is not None:
            windows, modes = self._shift_options(task, modes, notes)
        starts = R.union(*(option.starts for option in modes))
        return TaskFacts(
            task=task,
            modes=tuple(modes),
            staff=staff,
            starts=starts,
            notes=notes,
            shift_windows=windows,
        )

    def _shift_options(
        self, task: Task, modes: list[ModeOption], notes: list[Note]
    ) -> tuple[tuple[S.Window, ...], list[ModeOption]]:
        """The candidate shifts of a shift-staffed task, and its modes with only the starts
        whose run the eligible people's windows can cover (bookings aside)."""
        assert task.shifts is not None
        people = [self.problem.person[p] for p in S.eligible(self.problem, task)]
        lo, hi = task.earliest, self._end_bound(task)
        windows = tuple(w for p in people for w in S.windows_of(p, lo, hi))
        kept = []
        for option in modes:
            cover = S.coverable(windows, option.duration, task.shifts.handover)
            starts = R.intersect(option.starts, cover)
            if starts:
                kept.append(dataclasses.replace(option, starts=starts))
        if modes and not kept:
            what = _describe_need(task.shifts.need)
            notes.append(
                Note(
                    Rule.SHIFT_COVER,
                    f"it needs {what} throughout, in shifts; the working windows of the "
                    f"{len(people)} eligible (not students) never cover its "
                    f"{self.problem.length(modes[0].duration)} in its window, with hand-overs",
                    tuple(p.id for p in people),
                )
            )
        return windows, kept

    def _eligible(self, task: Task, k: int, notes: list[Note]) -> tuple[str, ...]:
        need = task.staff[k]
        if need not in self._admitted:
            self._admitted[need] = [p for p in self.problem.people if need.admits(p)]
        admitted = self._admitted[need]
        what = _describe_need(need)
        if len(admitted) < need.count:
            notes.append(
                Note(
                    Rule.STAFF_ELIGIBLE,
                    f"it needs {what} and {_how_many(len(admitted))} eligible",
                )
            )
        window = self._base(task, 0)
        if not window:  # no time at all (beyond the horizon, past its due): task_window says
            return ()
        lengths = (
            {task.staff_slots} if task.staff_slots is not None else {m.duration for m in task.modes}
        )
        eligible = []
        works: dict[int, bool] = {}  # per class of working hours: some fit in the window
        for person in admitted:
            hours = self._hours[person.id]
            if hours not in works:
                works[hours] = bool(window) and any(
                    R.meets(self.person_fit(person, n), window[0][0], window[-1][1])
                    for n in lengths
                )
            if not works[hours]:
                continue
            capped = window and window[0][0] >= self.problem.week_starts[0]
            if capped and person.weekly_cap is not None and min(lengths) > person.weekly_cap:
                continue
            eligible.append(person.id)
        if len(admitted) >= need.count > len(eligible):
            longest = max((_longest(p.available) for p in admitted), default=0)
            if longest < min(lengths):  # no shift could hold it, whatever the dates
                message = (
                    f"it needs {what} for {self.problem.length(min(lengths))} at a stretch, "
                    f"longer than any working window of the {len(admitted)} eligible (the "
                    f"longest is {self.problem.length(longest)}): staff it in shifts "
                    f"(task field shifts = true)"
                )
            else:
                message = (
                    f"it needs {what}; of the {len(admitted)} eligible, {len(eligible)} can "
                    f"work (available, within weekly cap) between "
                    f"{self.problem.when(task.earliest)} and "
                    f"{self.problem.when(self._end_bound(task))}"
                )
            notes.append(Note(Rule.PERSON_AVAILABLE, message, tuple(p.id for p in admitted)))
        return tuple(eligible) if len(eligible) >= need.count else ()

    def _end_bound(self, task: Task) -> int:
        if task.deadline is None:
            return self.problem.horizon
        return min(self.problem.horizon, task.deadline)

    def _base(self, task: Task, duration: int) -> Ranges:
        """Starts allowed by the task window alone."""
        return R.span(task.earliest, self._end_bound(task) - duration)

    def _mode_option(
        self,
        task: Task,
        index: int,
        mode: Mode,
        staff: tuple[tuple[str, ...], ...],
        notes: list[Note],
    ) -> ModeOption | None:
        label = f"mode {index + 1}: " if len(task.modes) > 1 else ""
        base = self._base(task, mode.duration)
        if not base:
            beyond = task.earliest + mode.duration > self.problem.horizon and (
                task.deadline is None or task.deadline >= self.problem.horizon
            )
            if beyond:  # the plan's end, not the task's, is what it does not fit in
                message = (
                    f"{label}its {self.problem.length(mode.duration)} from "
                    f"{self.problem.when(task.earliest)} end beyond the planning horizon "
                    f"({self.problem.when(self.problem.horizon)}): plan more weeks"
                )
            else:
                message = (
                    f"{label}its {self.problem.length(mode.duration)} do not fit "
                    f"between {self.problem.when(task.earliest)} and "
                    f"{self.problem.when(self._end_bound(task))}"
                )
            notes.append(Note(Rule.TASK_WINDOW, message))
            return None
        if any(not people for people in staff):
            # Staffed or not, units never open long enough are the first cause to name.
            closed = self._never_open(task, mode, base)
            if closed is not None:
                notes.insert(0, Note(closed.rule, f"{label}{closed.message}", closed.refs))
            return None
        staffed = task.staff_slots if task.staff_slots is not None else mode.duration
        people = [self.problem.person[p] for need in staff for p in need]
        units = [self.problem.unit[u] for need in mode.needs for u in need.candidates]
        expiry = {  # per certified kind: when the last certificate of its people expires
            kind: max((p.certs.get(kind, -NEVER) for p in people), default=-NEVER)
            for kind in {u.kind for u in units if u.needs_certified}
        }
        for k, need_people in enumerate(staff):
            lo, hi = base[0][0], base[-1][1]
            fits = R.clip(self._fits_of(need_people, staffed), lo, hi)
            base = R.intersect(base, fits)
            if not base:
                notes.append(
                    Note(
                        Rule.PERSON_AVAILABLE,
                        f"{label}no eligible person for staff "
                        f"need {k + 1} is available for {self.problem.length(staffed)} in the "
                        "task's window",
                    )
                )
                return None
        needs = []
        for need in mode.needs:
            options = []
            ruled_out: dict[tuple[Rule, str], list[str]] = defaultdict(list)
            for unit_id in need.candidates:
                unit = self.problem.unit[unit_id]
                option = self._unit_option(task, mode, staffed, base, unit, need.amount, expiry)
                if isinstance(option, Note):
                    ruled_out[option.rule, option.message].append(unit_id)
                else:
                    options.append(option)
            for (rule, message), unit_ids in ruled_out.items():  # one note per cause
                names = ", ".join(repr(u) for u in unit_ids)
                notes.append(Note(rule, f"{label}{names}: {message}", tuple(unit_ids)))
            if not options:
                return None
            needs.append(tuple(options))
        starts = base
        per_site: dict[str, Ranges] = {}
        if needs:
            sites = set.intersection(*({o.unit.site for o in opts} for opts in needs))
            if not sites:
                notes.append(
                    Note(Rule.ONE_SITE, f"{label}its equipment needs have no site in common")
                )
                return None
            for site in sorted(sites):
                site_starts = base
                for opts in needs:
                    site_starts = R.intersect(
                        site_starts, R.union(*(o.starts for o in opts if o.unit.site == site))
                    )
                if site_starts:
                    per_site[site] = site_starts
            # Units at a site the other needs cannot share are of no use (one_site).
            needs = [tuple(o for o in opts if o.unit.site in per_site) for opts in needs]
            starts = R.union(*per_site.values())
            if not starts:
                notes.append(
                    Note(
                        Rule.EQUIPMENT_OPEN,
                        f"{label}its units are never free of "
                        "closures and downtime at the same time",
                    )
                )
                return None
        return ModeOption(
            index=index,
            mode=mode,
            staffed=staffed,
            needs=tuple(needs),
            starts=starts,
            sites=frozenset(per_site),
        )

    def _never_open(self, task: Task, mode: Mode, base: Ranges) -> Note | None:
        """The note for an equipment need none of whose units is ever open long enough for
        the task in its window, or None."""
        for need in mode.needs:
            units = [self.problem.unit[u] for u in need.candidates]
            runs_alone = task.unattended or task.shifts is not None
            if not units or any(u.open is None or (runs_alone and u.unattended_ok) for u in units):
                continue
            spans = {u.id: mode.duration + u.setup + u.cleanup for u in units}
            if all(
                not R.intersect(base, self._open_fits(u, -u.setup, mode.duration + u.cleanup))
                for u in units
            ):
                longest, span = max(_longest(u.open) for u in units), min(spans.values())
                why = (
                    f"open at most {self.problem.length(longest)} at a stretch, and it needs "
                    f"{self.problem.length(span)} with set-up and clean-up"
                    if longest < span
                    else f"no opening window long enough for {self.problem.length(span)} "
                    "in the task's window"
                )
                names = ", ".join(repr(u.id) for u in units)
                return Note(Rule.EQUIPMENT_OPEN, f"{names}: {why}", tuple(u.id for u in units))
        return None

    def _unit_option(
        self,
        task: Task,
        mode: Mode,
        staffed: int,
        base: Ranges,
        unit: Unit,
        amount: int,
        expiry: dict[str, int],
    ) -> UnitOption | Note:
        if amount > unit.capacity:
            return Note(
                Rule.EQUIPMENT_CAPACITY,
                f"capacity {unit.capacity}, less than the {amount} it needs",
                (unit.id,),
            )
        starts = base
        # A task in shifts: each shift person's certificate is the shift rule's to check.
        if unit.needs_certified and task.shifts is None:
            if not task.staff:
                return Note(
                    Rule.CERTIFIED_OPERATOR,
                    "a certified operator is required and the task has no staff",
                    (unit.id,),
                )
            starts = R.intersect(starts, R.span(-NEVER, expiry[unit.kind] - 1))
            if not starts:
                return Note(
                    Rule.CERTIFIED_OPERATOR,
                    f"no eligible person holds a {unit.kind!r} certificate valid from "
                    f"{self.problem.when(task.earliest)}",
                    (unit.id,),
                )
        lo, hi = -unit.setup, mode.duration + unit.cleanup
        # In shifts, on a unit that may run outside opening hours, its people are there.
        if unit.open is not None and not (task.shifts is not None and unit.unattended_ok):
            if task.unattended and unit.unattended_ok:
                fits = self._open_fits(unit, 0, staffed)
            else:
                fits = self._open_fits(unit, lo, hi)
            starts = R.intersect(starts, fits)
            if not starts:
                return Note(
                    Rule.EQUIPMENT_OPEN,
                    f"no opening window long enough for {self.problem.length(hi - lo)} "
                    "in the task's window",
                    (unit.id,),
                )
        if unit.down:
            starts = R.subtract(starts, R.clashing_starts(unit.down, lo, hi))
        if not starts:
            return Note(
                Rule.EQUIPMENT_DOWNTIME,
                "downtime covers every possible slot in the task's window",
                (unit.id,),
            )
        return UnitOption(unit=unit, amount=amount, starts=starts)

    # Precedence bounds --------------------------------------------------------------------


def _longest(windows: tuple[tuple[int, int], ...] | None) -> int:
    """The longest of a person's working windows (a very large number when always there)."""
    if windows is None:
        return NEVER
    stretches = R.normalize((start, end - 1) for start, end in windows)  # touching ones join
    return max((hi - lo + 1 for lo, hi in stretches), default=0)


def _describe_need(need: StaffNeed) -> str:
    """E.g. "2 technicians with 'sem' at level 2+"."""
    if need.role is not None:
        noun = need.role if need.count == 1 else f"{need.role}s"
    else:
        noun = "person" if need.count == 1 else "people"
    text = f"{need.count} {noun}"
    if need.skill is not None:
        text += f" with {need.skill!r} at level {need.min_level}+"
    if need.among is not None:
        text += " from the project team"
    return text


def _how_many(count: int) -> str:
    return {0: "nobody is", 1: "only 1 person is"}.get(count, f"only {count} people are")
