"""The request form a project lead fills in (TOML), and recurring tasks' expansion.

The form uses the platform file's task fields (docs/fixture-format.md) plus ``repeat``: a
task that recurs (a sampling step every weekday for three weeks) becomes one task per
occurrence, ``sample-01``, ``sample-02``..., each due by the end of its day (or week), all
placed together or not at all since they belong to one request.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Annotated, Literal, Self

from pydantic import Field, ValidationError, model_validator

from labops.errors import InputError
from labops.fields import Day, Entry, Name, Slug, Text
from labops.platform.checks import find_cycle
from labops.platform.file_schema import AfterSpec, TaskSpec
from labops.platform.read import describe_error

MAX_OCCURRENCES = 100


class RepeatSpec(Entry):
    every: Literal["day", "weekday", "week"]
    count: Annotated[int, Field(ge=1, le=MAX_OCCURRENCES)] | None = None
    until: Day | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if (self.count is None) == (self.until is None):
            raise ValueError("repeat needs either count or until")
        return self


class TaskForm(TaskSpec):
    repeat: RepeatSpec | None = None

    @model_validator(mode="after")
    def _repeat_needs_a_start(self) -> Self:
        if self.repeat is not None and self.earliest is None:
            raise ValueError("a repeating task needs earliest: the first occurrence's start")
        return self


class RequestForm(Entry):
    project: Slug
    title: Name
    note: Text = ""
    tasks: Annotated[list[TaskForm], Field(min_length=1, max_length=200)]

    def expanded(self) -> list[TaskSpec]:
        """The tasks with every repeating task replaced by its occurrences."""
        occurrences = {task.key: _occurrence_keys(task) for task in self.tasks}
        result: list[TaskSpec] = []
        for task in self.tasks:
            keys = occurrences[task.key]
            starts = _occurrence_starts(task) if task.repeat else [task.earliest]
            for index, (key, start) in enumerate(zip(keys, starts, strict=True)):
                after = []
                for dependency in task.after:
                    before = occurrences.get(dependency.task, [dependency.task])
                    if len(before) == len(keys) > 1:  # two series of the same length: pairwise
                        before = [before[index]]
                    after += [AfterSpec(task=k, lag=dependency.lag) for k in before]
                fields = task.model_dump(
                    exclude={"repeat", "key", "after", "earliest", "due", "due_hard"}
                )
                due, hard = task.due, task.due_hard
                if task.repeat:
                    assert start is not None  # a repeated task has its first start
                    due, hard = _occurrence_deadline(start, task.repeat.every), True
                result.append(
                    TaskSpec.model_validate(
                        {
                            **fields,
                            "key": key,
                            "after": after,
                            "earliest": start,
                            "due": due,
                            "due_hard": hard,
                        }
                    )
                )
        return result


def _occurrence_keys(task: TaskForm) -> list[str]:
    if task.repeat is None:
        return [task.key]
    n = len(_occurrence_starts(task))
    width = max(2, len(str(n)))
    return [f"{task.key}-{i + 1:0{width}d}" for i in range(n)]


def _occurrence_starts(task: TaskForm) -> list[dt.datetime]:
    repeat, first = task.repeat, task.earliest
    assert repeat is not None and first is not None  # only a repeated task, which has a start
    starts: list[dt.datetime] = []
    day = first
    while len(starts) < MAX_OCCURRENCES:
        if repeat.until is not None and day.date() > repeat.until:
            break
        if repeat.every != "weekday" or day.weekday() < 5:
            starts.append(day)
        if repeat.count is not None and len(starts) == repeat.count:
            break
        day += dt.timedelta(days=7 if repeat.every == "week" else 1)
    return starts


def _occurrence_deadline(start: dt.datetime, every: str) -> dt.datetime:
    """An occurrence happens on its day (or within its week)."""
    day_end = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(), start.tzinfo)
    return day_end + dt.timedelta(days=6) if every == "week" else day_end


def parse_request_form(text: str, *, source: str) -> RequestForm:
    """A checked form, or ``InputError`` with one line per problem naming the field."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from None
    try:
        form = RequestForm.model_validate(document)
    except ValidationError as exc:
        raise InputError(
            "\n".join(f"{source}: {describe_error(document, error)}" for error in exc.errors())
        ) from None
    problems = _check_form(form)
    if problems:
        raise InputError("\n".join(f"{source}: {problem}" for problem in problems))
    return form


def _check_form(form: RequestForm) -> list[str]:
    keys = [task.key for task in form.tasks]
    problems = [] if form.title != TEMPLATE_TITLE else [f"title: still {TEMPLATE_TITLE!r}"]
    problems += [
        f"task '{key}': defined {keys.count(key)} times"
        for key in sorted(set(keys))
        if keys.count(key) > 1
    ]
    successors: dict[str, list[str]] = {key: [] for key in keys}
    for task in form.tasks:
        for after in task.after:
            if after.task not in successors:
                problems.append(
                    f"task '{task.key}': comes after '{after.task}', "
                    "which is not a task of this request"
                )
            else:
                successors[after.task].append(task.key)
    cycle = find_cycle(successors)
    if cycle:
        problems.append(f"precedence cycle {' -> '.join(cycle)}")
    return problems


TEMPLATE_TITLE = "What this lab time is for"
"""The template's title: a form that still has it was not filled in."""

TEMPLATE = """\
# A request for lab time. Fill in, then: labops request submit {filename}
# Times are local ({timezone}); durations like "45m", "2h", "1h30m".
project = "{project}"
title = "{title}"
note = ""

[[tasks]]
key = "prepare"                 # short id, unique in this request
name = "Prepare samples"
duration = "2h"
equipment = [{{ kind = "{kind}" }}]   # or {{ unit = "unit-id" }}; add site = "..." to pick a site
staff = [{{ role = "{role}" }}]       # and/or skill = "...", level = 1-3, count = N
earliest = {earliest}
# due = {due}               # soft due date; add due_hard = true if it cannot slip

[[tasks]]
key = "measure"
name = "Measure"
duration = "1h"
equipment = [{{ kind = "{kind}" }}]
staff = [{{ role = "{role}" }}]
after = [{{ task = "prepare", lag = "1h" }}]
# unattended = true             # runs on its own after staff_for, on units that allow it
# staff_for = "30m"
# repeat = {{ every = "weekday", count = 10 }}   # or until = 2026-12-18
"""


def fill_template(
    *, project: str, kind: str, role: str, timezone: str, earliest: dt.datetime, filename: str
) -> str:
    return TEMPLATE.format(
        project=project,
        title=TEMPLATE_TITLE,
        kind=kind,
        role=role,
        timezone=timezone,
        earliest=earliest.strftime("%Y-%m-%dT%H:%M:00"),
        due=(earliest + dt.timedelta(days=14)).strftime("%Y-%m-%dT17:00:00"),
        filename=filename,
    )
