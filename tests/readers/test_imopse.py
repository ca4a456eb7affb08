"""iMOPSE MS-RCPSP .def reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.problem import StaffNeed
from solver.readers import ReaderError, read_imopse_def

from .test_psplib import DATA, needs_data


@needs_data
def test_small_instance_people_tasks_precedences():
    problem = read_imopse_def(DATA / "imopse/small/10_3_5_3.def")
    assert len(problem.people) == 3 and len(problem.tasks) == 10
    assert problem.units == ()
    person = problem.person["1"]
    # "1  56.0  Q1: 0  Q2: 1": levels shifted by one, salary in tenths.
    assert dict(person.skills) == {"Q1": 1, "Q2": 2}
    assert person.cost_per_slot == 560
    task = problem.task["7"]
    # "7  13  Q1: 0  4  5"
    assert task.modes[0].duration == 13 and task.modes[0].needs == ()
    assert task.staff == (StaffNeed(count=1, skill="Q1", min_level=1),)
    edges = {(p.before, p.after) for p in problem.precedences}
    assert edges == {("4", "7"), ("5", "7"), ("7", "9"), ("3", "10")}
    assert problem.horizon == sum(t.modes[0].duration for t in problem.tasks)


@needs_data
def test_large_instance_counts_match_header():
    problem = read_imopse_def(DATA / "imopse/d36/100_10_27_9_D2.def")
    assert len(problem.tasks) == 81 and len(problem.people) == 10
    assert len(problem.precedences) == 54
    # Who may do task 2 ("Q4: 2"): only people with Q4 at file level 2.
    need = problem.task["2"].staff[0]
    assert need.min_level == 3
    able = sorted(p.id for p in problem.people if need.admits(p))
    assert able == ["1"]


DEF = """\
General characteristics:
Tasks: 2
Resources: 1
==========
ResourceID \t Salary \t Skills
1\t\t\t10.5\t\t Q0: 1 \t Q1: 2
==========
TaskID \t Duration \t Skill \t Predecessor IDs
1\t\t\t3\t Q0: 1\t\t
2\t\t\t4\t Q1: 2\t\t1
==========
"""


def test_tiny_def(tmp_path: Path):
    path = tmp_path / "tiny.def"
    path.write_text(DEF)
    problem = read_imopse_def(path)
    assert problem.person["1"].cost_per_slot == 105
    assert problem.precedences[0].before == "1"


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("Q1: 2\n", "Q1: 5\n", 6, "outside"),
        ("10.5", "ten", 6, "salary"),
        ("2\t\t\t4\t Q1: 2\t\t1", "2\t\t\t4\t Q1: 2\t\t7", 10, "predecessor"),
        ("1\t\t\t3\t Q0: 1", "1\t\t\t3\t Q0 1", 9, "skill"),
    ],
)
def test_malformed_def(tmp_path: Path, old, new, line, words):
    path = tmp_path / "bad.def"
    path.write_text(DEF.replace(old, new))
    with pytest.raises(ReaderError, match=words) as info:
        read_imopse_def(path)
    assert f"{path}:{line}:" in str(info.value)
