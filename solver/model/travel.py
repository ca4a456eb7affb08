"""The travel rule between pairs of tasks that may share a person at different sites.

The exact encoding is pairwise: per pair one "kept apart" literal per distinct travel time
(and one order literal), per shared person one clause "both tasks, at these sites => kept
apart". Pairs are pruned to those whose staffed parts can come within the travel time of
each other. On a big instance (hundreds of tasks with wide windows and dozens of eligible
people each) that is still hundreds of thousands of clauses, so ``TravelPairs`` can hold
pairs back: it starts with the pairs the hint staffs with one person, and the solve adds the
pairs around any that a solution breaks.
"""

from __future__ import annotations

from collections.abc import Iterable

from solver.model.variables import Lit, TaskVar, Variables

Pair = tuple[str, str]


class TravelPairs:
    """Candidate pairs (tasks that may share a person at sites apart), and what is in the
    model of them: per pair, the people its rule covers so far."""

    def __init__(self, v: Variables) -> None:
        self.v = v
        self._people: list[str] = []  # bit i of a mask stands for _people[i]
        self.candidates: dict[Pair, int] = self._candidates()
        self.added: dict[Pair, _PairRule] = {}
        self.lazy = False  # True when some candidate pairs or people are held back
        self._by_task: dict[str, list[Pair]] | None = None

    @property
    def size(self) -> int:
        """Clauses the full encoding needs: one per pair and shared person."""
        return sum(mask.bit_count() for mask in self.candidates.values())

    def shared(self, pair: Pair) -> list[str]:
        """The people both tasks of a candidate pair may have, in a stable order."""
        mask = self.candidates[pair]
        return [person for i, person in enumerate(self._people) if mask >> i & 1]

    def add(self, pairs: Iterable[Pair], people: Iterable[str] | None = None) -> int:
        """Cover these pairs (either order; unknown ones are skipped) for ``people`` (all
        they share when None); returns how many (pair, person) rules were new."""
        count = 0
        wanted = None if people is None else set(people)
        for a, b in pairs:
            key = (a, b) if (a, b) in self.candidates else (b, a)
            if key not in self.candidates:
                continue
            rule = self.added.get(key)
            if rule is None:
                tasks = self.v.tasks
                rule = self.added[key] = _PairRule(self.v, tasks[key[0]], tasks[key[1]])
            for person_id in self.shared(key):
                if (wanted is None or person_id in wanted) and person_id not in rule.people:
                    rule.add_person(person_id)
                    count += 1
        return count

    def add_around(self, pairs: Iterable[Pair], limit: int | None = None) -> int:
        """Cover the pairs themselves, then every candidate pair that involves one of their
        tasks, for all people (a break suggests its tasks are where the search is moving
        things), stopping once ``limit`` (pair, person) rules were added."""
        if self._by_task is None:
            self._by_task = {}
            for key in self.candidates:
                for task_id in key:
                    self._by_task.setdefault(task_id, []).append(key)
        pairs = list(pairs)
        count = self.add(pairs)
        for task_id in sorted({task_id for pair in pairs for task_id in pair}):
            if limit is not None and count >= limit:
                break
            count += self.add(self._by_task.get(task_id, ()))
        return count

    def seed_from_hint(self) -> int:
        """Cover the pairs the hint staffs with a shared person, for those people."""
        plan = self.v.hints.plan or {}
        by_person: dict[str, list[str]] = {}
        for task_id in sorted(plan):
            if task_id in self.v.tasks:
                for person_id in plan[task_id].people:
                    by_person.setdefault(person_id, []).append(task_id)
        count = 0
        for person_id, task_ids in by_person.items():
            for i, a in enumerate(task_ids):
                for b in task_ids[i + 1 :]:
                    if (a, b) in self.candidates or (b, a) in self.candidates:
                        count += self.add([(a, b)], [person_id])
        return count

    def _candidates(self) -> dict[Pair, int]:
        """Pairs at sites apart whose staffed parts may come within travel time, with the
        people both could have as a bit mask (a sweep over tasks sorted by earliest start)."""
        travel = max(self.v.facts.travel_times)
        out: dict[Pair, int] = {}
        if travel == 0:
            return out
        problem = self.v.problem
        apart: dict[tuple[frozenset[str], frozenset[str]], bool] = {}
        task_vars = sorted(
            (t for t in self.v.tasks.values() if t.facts.sites and t.people),
            key=lambda t: t.facts.earliest,
        )
        self._people = sorted({p for t in task_vars for p in t.people})
        bit = {person_id: 1 << i for i, person_id in enumerate(self._people)}
        masks = [sum(bit[p] for p in t.people) for t in task_vars]
        for i, a in enumerate(task_vars):
            reach = a.facts.latest + a.facts.max_staffed + travel
            mask_a = masks[i]
            for j in range(i + 1, len(task_vars)):
                b = task_vars[j]
                if b.facts.earliest >= reach:
                    break
                shared = mask_a & masks[j]
                if not shared:
                    continue
                key = (a.facts.sites, b.facts.sites)
                if key not in apart:
                    apart[key] = any(problem.travel_time(x, y) > 0 for x in key[0] for y in key[1])
                if apart[key]:
                    out[a.id, b.id] = shared
        return out


class _PairRule:
    """The travel rule between two tasks, for every person they may share."""

    def __init__(self, v: Variables, first: TaskVar, second: TaskVar) -> None:
        self.v = v
        self.first, self.second = first, second
        self.apart: dict[int, Lit | None] = {}
        self.order: Lit | None = None
        self.people: set[str] = set()
        self.combos: list[tuple[str, str, int]] = []
        problem = v.problem
        for site_a in sorted(first.facts.sites):
            for site_b in sorted(second.facts.sites):
                gap = problem.travel_time(site_a, site_b)
                if gap > 0 and self._close(gap):
                    self.combos.append((site_a, site_b, gap))

    def _close(self, gap: int) -> bool:
        """True when the two staffed parts can come within ``gap`` slots of each other."""
        a, b = self.first.facts, self.second.facts
        return (
            b.earliest < a.latest + a.max_staffed + gap
            and a.earliest < b.latest + b.max_staffed + gap
        )

    def add_person(self, person_id: str) -> None:
        self.people.add(person_id)
        both = [self.first.people[person_id], self.second.people[person_id]]
        for site_a, site_b, gap in self.combos:
            at_sites = [self.first.site_lit(site_a), self.second.site_lit(site_b)]
            clause = [~lit for lit in [*both, *at_sites] if lit is not None]
            apart = self._apart(gap)
            self.v.model.add_bool_or(clause if apart is None else [*clause, apart])

    def _apart(self, gap: int) -> Lit | None:
        """Literal implying the staffed parts are ``gap`` apart; None when they never can be."""
        if gap in self.apart:
            return self.apart[gap]
        a, b = self.first, self.second
        a_first = a.facts.earliest + _min_staffed(a) + gap <= b.facts.latest
        b_first = b.facts.earliest + _min_staffed(b) + gap <= a.facts.latest
        if not (a_first or b_first):
            self.apart[gap] = None
            return None
        model = self.v.model
        (start_a, end_a), (start_b, end_b) = self._hinted(a), self._hinted(b)
        # Kept apart only when both are hinted (an absent task's start is hinted elsewhere).
        both = self._in_hint(a) and self._in_hint(b)
        hint = both and (
            (a_first and start_b >= end_a + gap) or (b_first and start_a >= end_b + gap)
        )
        apart = self.v.new_bool(f"travel[{a.id},{b.id}].apart[{gap}]", hint)
        if a_first and b_first:
            if self.order is None:
                self.order = self.v.new_bool(f"travel[{a.id},{b.id}].first", start_a <= start_b)
            model.add(b.start >= a.staffed_end + gap).only_enforce_if([apart, self.order])
            model.add(a.start >= b.staffed_end + gap).only_enforce_if([apart, ~self.order])
        elif a_first:
            model.add(b.start >= a.staffed_end + gap).only_enforce_if(apart)
        else:
            model.add(a.start >= b.staffed_end + gap).only_enforce_if(apart)
        self.apart[gap] = apart
        return apart

    def _in_hint(self, task_var: TaskVar) -> bool:
        return task_var.id in (self.v.hints.plan or {})

    def _hinted(self, task_var: TaskVar) -> tuple[int, int]:
        """Hinted start and staffed end of a task; (0, 0) when it is not in the hint."""
        a = (self.v.hints.plan or {}).get(task_var.id)
        if a is None:
            return (0, 0)
        return (a.start, a.start + _staffed(task_var, a.mode))


def _staffed(task_var: TaskVar, mode: int) -> int:
    task = task_var.facts.task
    return task.staff_slots if task.staff_slots is not None else task.modes[mode].duration


def _min_staffed(task_var: TaskVar) -> int:
    return min(length for length, _ in task_var.staffed_options())
