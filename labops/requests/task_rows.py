"""A request's tasks as rows: what a platform file and a request form both write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session

from labops import tables as t
from labops.platform.file_schema import TaskSpec
from labops.requests.model import need_values


def add_tasks(
    session: Session,
    request_id: int,
    tasks: list[TaskSpec],
    instant: Callable[[dt.datetime], dt.datetime],
) -> dict[str, t.Task]:
    """Add the tasks of a request with their equipment and staff needs and precedences;
    ``instant`` turns the specs' wall-clock times into UTC. Returns the rows by key."""
    rows: dict[str, t.Task] = {}
    for task in tasks:
        row = t.Task(
            request_id=request_id,
            key=task.key,
            name=task.name,
            duration=task.duration,
            staff_for=task.staff_for if task.unattended else None,
            earliest=instant(task.earliest) if task.earliest else None,
            due=instant(task.due) if task.due else None,
            due_hard=task.due_hard,
            operator=task.operator,
            shifts=task.shifts,
            note=task.note,
        )
        session.add(row)
        session.flush()
        rows[task.key] = row
        session.add_all(
            t.TaskEquipment(task_id=row.id, **need_values(need)) for need in task.equipment
        )
        session.add_all(t.TaskStaff(task_id=row.id, **need_values(need)) for need in task.staff)
        session.add_all(
            t.TaskRoleCap(task_id=row.id, role=role, count=cap)
            for role, cap in task.at_most.items()
        )
    session.add_all(
        t.TaskPrecedence(before_id=rows[after.task].id, after_id=rows[task.key].id, lag=after.lag)
        for task in tasks
        for after in task.after
    )
    return rows
