"""How contested each unit and person is, and what a request costs of the contested capacity.

The load of a unit is the occupation its candidate tasks ask of it (each need's occupation
spread evenly over its candidate units) over the slots it can be used in (opening hours, or
the whole horizon for units that run unattended, minus downtime); people likewise with their
staffed slots over their available slots. A request's cost is, summed over its needs, the
share of the candidates' capacity it takes times their load squared, so capacity on a
bottleneck costs far more than capacity nobody else wants. ``density`` (priority per cost)
orders requests for the knapsack-like choice of what to schedule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from solver.facts import Facts
from solver.problem import Person, Problem, Request, Unit

_FLOOR = 0.05  # least load counted, so free capacity still costs a little


class Contention:
    """Loads of units and people, and the cost of each request."""

    def __init__(self, problem: Problem, facts: Facts) -> None:
        self.problem = problem
        self.facts = facts
        self.slots: dict[str, float] = {}
        for unit in problem.units:
            self.slots[unit.id] = _unit_slots(unit, problem.horizon)
        for person in problem.people:
            self.slots[person.id] = _person_slots(person, problem.horizon)
        demand: dict[str, float] = defaultdict(float)
        for need in self._needs(problem.tasks):
            for resource in need[1]:
                demand[resource] += need[0] / len(need[1])
        self.load = {r: demand[r] / max(1.0, slots) for r, slots in self.slots.items()}
        self._cost: dict[str, float] = {}

    def cost(self, request: Request) -> float:
        """The contested capacity a request takes (see the module docstring)."""
        if request.id not in self._cost:
            total = 0.0
            for amount, resources in self._needs(self.problem.request_tasks[request.id]):
                capacity = sum(self.slots[r] for r in resources)
                load = sum(self.load[r] for r in resources) / len(resources)
                total += amount / max(1.0, capacity) * max(_FLOOR, load) ** 2
            self._cost[request.id] = total
        return self._cost[request.id]

    def density(self, request: Request) -> float:
        """Priority per unit of contested capacity."""
        return request.priority / (self.cost(request) + 1e-9)

    def _needs(self, tasks: Iterable) -> list[tuple[float, tuple[str, ...]]]:
        """(occupation, candidate units or people) of every need of the tasks' shortest
        modes; tasks that can never be placed are skipped."""
        out = []
        for task in tasks:
            facts = self.facts[task.id]
            if not facts.possible:
                continue
            option = min(facts.modes, key=lambda o: o.duration)
            for options in option.needs:
                units = tuple(o.unit.id for o in options)
                occupation = min(o.unit.setup + o.unit.cleanup for o in options) + option.duration
                out.append((float(occupation * options[0].amount), units))
            for need, eligible in zip(task.staff, facts.staff, strict=True):
                if eligible and option.staffed > 0:
                    out.append((float(option.staffed * need.count), tuple(eligible)))
        return out


def _unit_slots(unit: Unit, horizon: int) -> float:
    """Slots a unit can be occupied in: open hours (or all, if it runs unattended or has no
    hours) minus downtime, times its capacity."""
    windows = ((0, horizon),) if unit.unattended_ok or unit.open is None else unit.open
    slots = _overlap(windows, horizon) - _overlap(unit.down, horizon)
    return float(max(0, slots) * unit.capacity)


def _person_slots(person: Person, horizon: int) -> float:
    windows = ((0, horizon),) if person.available is None else person.available
    return float(_overlap(windows, horizon))


def _overlap(windows: Iterable[tuple[int, int]], horizon: int) -> int:
    return sum(max(0, min(b, horizon) - max(a, 0)) for a, b in windows)
