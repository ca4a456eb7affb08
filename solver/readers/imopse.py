"""Reader of iMOPSE multi-skill RCPSP (MS-RCPSP) ``.def`` files.

Mapping into :class:`solver.problem.Problem` (objective "makespan"):

- each resource (a person) becomes a :class:`Person` with id ``str(ResourceID)``;
- skill levels in iMOPSE files run 0..2 (checked on every stored instance); they are shifted
  by one to labops' 1..3, on both sides, so "level >= l" keeps its meaning;
- the salary (money per time unit, one decimal in the files) becomes ``cost_per_slot`` in
  tenths: ``round(salary * 10)``, because costs are integers;
- each task becomes a :class:`Task` with id ``str(TaskID)`` (ids may have gaps in the
  ``_D*`` instances), one :class:`Mode` of its duration with no equipment, and one
  ``StaffNeed(count=1, skill="Qk", min_level=l + 1)``;
- predecessor lists become finish-to-start precedences; all tasks go in one required
  request named after the file; the horizon is the sum of the durations.
"""

from __future__ import annotations

from pathlib import Path

from solver.problem import Mode, Person, Precedence, Problem, ProblemError, Request, StaffNeed, Task

from ._lines import Lines, ReaderError, is_rule

LEVEL_SHIFT = 1
"""Added to an iMOPSE skill level (0-based) to get a labops level (1-based)."""

MAX_FILE_LEVEL = 2


def _skills(lines: Lines, index: int, words: list[str]) -> list[tuple[str, int]]:
    """Pairs ``("Qk", level)`` from tokens like ``Q3:`` ``1``."""
    if len(words) % 2:
        raise lines.error(index, "skills must be pairs like 'Q3: 1'")
    pairs = []
    for name, level in zip(words[::2], words[1::2], strict=True):
        if not name.endswith(":") or not name[:-1]:
            raise lines.error(index, f"expected a skill like 'Q3:', got {name!r}")
        value = lines.ints(index, [level])[0]
        if not 0 <= value <= MAX_FILE_LEVEL:
            raise lines.error(
                index, f"skill level {value} is outside 0..{MAX_FILE_LEVEL} (labops levels 1..3)"
            )
        pairs.append((name[:-1], value + LEVEL_SHIFT))
    return pairs


def read_imopse_def(path: str | Path) -> Problem:
    """Read an iMOPSE MS-RCPSP ``.def`` file."""
    lines = Lines(path)
    text = lines.lines
    name = Path(path).stem

    people: list[Person] = []
    index = lines.find(0, "RESOURCEID") + 1
    while index < len(text) and not is_rule(text[index]):
        words = text[index].split()
        if words:
            if len(words) < 2:
                raise lines.error(index, "expected ResourceID, Salary, then skills")
            try:
                salary = float(words[1])
            except ValueError:
                raise lines.error(index, f"salary {words[1]!r} is not a number") from None
            skills = dict(_skills(lines, index, words[2:]))
            pid = str(lines.ints(index, words[:1])[0])
            if salary < 0:
                raise lines.error(index, "negative salary")
            people.append(Person(id=pid, skills=skills, cost_per_slot=round(salary * 10)))
        index += 1

    tasks: list[Task] = []
    preds: list[tuple[int, str, list[int]]] = []
    index = lines.find(index, "TASKID") + 1
    while index < len(text) and not is_rule(text[index]):
        words = text[index].split()
        if words:
            if len(words) < 4:
                raise lines.error(index, "expected TaskID, Duration, skill 'Qk: l', predecessors")
            task_id, duration = lines.ints(index, words[:2])
            ((skill, level),) = _skills(lines, index, words[2:4])
            if duration < 0:
                raise lines.error(index, "negative duration")
            preds.append((index, str(task_id), lines.ints(index, words[4:])))
            tasks.append(
                Task(
                    id=str(task_id),
                    request=name,
                    modes=(Mode(duration=duration),),
                    staff=(StaffNeed(count=1, skill=skill, min_level=level),),
                )
            )
        index += 1
    if not tasks:
        raise lines.error(None, "no tasks")
    known = {task.id for task in tasks}
    precedences = []
    for line, after, before in preds:
        for pred in before:
            if str(pred) not in known:
                raise lines.error(line, f"task {after}: unknown predecessor {pred}")
            precedences.append(Precedence(before=str(pred), after=after))
    try:
        return Problem(
            horizon=max(1, sum(task.modes[0].duration for task in tasks)),
            units=(),
            tasks=tuple(tasks),
            requests=(Request(id=name, required=True),),
            people=tuple(people),
            precedences=tuple(precedences),
            objective="makespan",
            name=name,
        )
    except ProblemError as exc:
        raise ReaderError(f"{path}: {exc}") from None
