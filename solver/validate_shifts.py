"""The validator's check of a task in shifts (``solver.validate``), in plain Python and
sharing no code with the model or the constructive board, like the rest of the validator.

Shifts of eligible people cover the run: the first holds its start, and each one ending
inside it is taken over by another person who came ``handover`` slots before it ends.
Their hours, absences, other work and travel are checked with everyone's work.
"""

from __future__ import annotations

from solver.problem import Assignment, Problem, Task


def shift_problems(
    problem: Problem, task: Task, a: Assignment, end: int
) -> list[tuple[str, tuple[str, ...]]]:
    """(message, refs) per way the shifts of ``a`` break the shift rule."""
    when = problem.when
    if task.shifts is None:
        return [(f"{task.id!r} is not staffed in shifts", ())] if a.shifts else []
    out: list[tuple[str, tuple[str, ...]]] = []
    need, handover = task.shifts.need, task.shifts.handover
    units = [problem.unit[u] for u in dict.fromkeys(a.units)]
    for shift in a.shifts:
        person = problem.person[shift.person]
        if not a.start <= shift.start < shift.end <= end:
            out.append(
                (
                    f"{shift.person!r}'s shift on {task.id!r} from {when(shift.start)} to "
                    f"{when(shift.end)} is not inside the run",
                    (shift.person,),
                )
            )
        if not need.admits(person) or person.is_student:
            out.append(
                (f"{shift.person!r} does not meet the shift need of {task.id!r}", (shift.person,))
            )
        for unit in units:
            if unit.needs_certified and person.certs.get(unit.kind, a.start) <= a.start:
                out.append(
                    (
                        f"{shift.person!r} holds no valid {unit.kind!r} certificate "
                        f"{when(a.start)} for a shift on {task.id!r}",
                        (shift.person, unit.id),
                    )
                )
    if not any(s.start <= a.start < s.end for s in a.shifts):
        out.append((f"no shift starts {task.id!r} at its start", ()))
    for shift in a.shifts:
        if shift.end >= end:
            continue
        if not any(
            o.start <= shift.end - handover and o.end > shift.end and o.person != shift.person
            for o in a.shifts
        ):
            out.append(
                (
                    f"nobody takes over {task.id!r} from {shift.person!r} {when(shift.end)} "
                    f"(hand-over {problem.length(handover)})",
                    (shift.person,),
                )
            )
    return out
