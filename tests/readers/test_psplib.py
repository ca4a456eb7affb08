"""PSPLIB .sm and MMLIB .mm readers, checked against hand-read values of real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.problem import ResourceNeed
from solver.readers import ReaderError, read_mm, read_psplib_sm

DATA = Path("/work/shared/benchmarks")
if not DATA.exists():
    DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
needs_data = pytest.mark.skipif(not DATA.exists(), reason="benchmark data not present")


@needs_data
def test_j301_1_jobs_resources_and_horizon():
    problem = read_psplib_sm(DATA / "psplib/j30/j301_1.sm")
    # 32 jobs minus the dummy source (1) and sink (32).
    assert len(problem.tasks) == 30
    assert [t.id for t in problem.tasks[:3]] == ["2", "3", "4"]
    assert {u.id: u.capacity for u in problem.units} == {"R1": 12, "R2": 13, "R3": 4, "R4": 12}
    assert problem.horizon == 158
    assert problem.objective == "makespan"
    assert len(problem.requests) == 1 and problem.requests[0].required
    assert {t.request for t in problem.tasks} == {problem.requests[0].id}


@needs_data
def test_j301_1_durations_and_demands():
    task = read_psplib_sm(DATA / "psplib/j30/j301_1.sm").task
    # "  2      1     8       4    0    0    0"
    assert task["2"].modes[0].duration == 8
    assert task["2"].modes[0].needs == (ResourceNeed(candidates=("R1",), amount=4),)
    # "  4      1     6       0    0    0    3"
    assert task["4"].modes[0].needs == (ResourceNeed(candidates=("R4",), amount=3),)
    assert len(task["2"].modes) == 1


@needs_data
def test_j301_1_precedences_drop_the_dummies():
    problem = read_psplib_sm(DATA / "psplib/j30/j301_1.sm")
    edges = {(p.before, p.after) for p in problem.precedences}
    # "   2        1          3           6  11  15"
    assert {("2", "6"), ("2", "11"), ("2", "15")} <= edges
    # "  19        1          2          24  29"
    assert {("19", "24"), ("19", "29")} <= edges
    assert not any("1" in e or "32" in e for e in edges)
    assert all(p.lag == 0 for p in problem.precedences)


@needs_data
@pytest.mark.parametrize("name", ["j60/j6012_3", "j120/j12060_10"])
def test_larger_sets_read(name):
    problem = read_psplib_sm(DATA / f"psplib/{name}.sm")
    assert len(problem.tasks) == int(name.split("/")[0][1:])
    assert len(problem.units) == 4


@needs_data
def test_mmlib50_modes_and_budgets():
    problem = read_mm(DATA / "mmlib/MMLIB50/J50100_1.mm")
    assert len(problem.tasks) == 50
    assert {u.id: u.capacity for u in problem.units} == {"R1": 40, "R2": 31}
    assert {b.id: b.limit for b in problem.budgets} == {"N1": 289, "N2": 292}
    modes = problem.task["2"].modes
    # 2 1 2 0 5 9 9 / 2 5 5 0 3 5 / 3 6 5 0 2 1
    assert [m.duration for m in modes] == [2, 5, 6]
    assert modes[0].needs == (ResourceNeed(candidates=("R2",), amount=5),)
    assert dict(modes[0].consumes) == {"N1": 9, "N2": 9}
    assert dict(modes[2].consumes) == {"N1": 2, "N2": 1}
    edges = {(p.before, p.after) for p in problem.precedences}
    assert ("2", "20") in edges and ("51", "52") not in edges
    # No horizon in MMLIB files: the sum of the longest mode durations.
    assert problem.horizon >= sum(max(m.duration for m in t.modes) for t in problem.tasks)


@needs_data
def test_sm_reader_refuses_multi_mode_files():
    with pytest.raises(ReaderError, match="read_mm"):
        read_psplib_sm(DATA / "mmlib/MMLIB50/J50100_1.mm")


SMALL_SM = """\
jobs (incl. supersource/sink ):  4
horizon                       :  7
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     4       1
  4      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    2
************************************************************************
"""


def write(tmp_path: Path, text: str, name: str = "tiny.sm") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_tiny_file(tmp_path):
    problem = read_psplib_sm(write(tmp_path, SMALL_SM))
    assert [t.id for t in problem.tasks] == ["2", "3"]
    assert problem.precedences == ()
    assert problem.units[0].capacity == 2
    assert problem.horizon == 7


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("   2        1          1           4", "   2        1          x           4", ":11:"),
        ("   2        1          1           4", "   2        1          2           4", ":11:"),
        ("   3        1          1           4", "   3        1          1           9", ":12:"),
        ("  3      1     4       1", "  3      1     4", ":20:"),
        ("    2\n", "    0\n", ""),
        ("RESOURCEAVAILABILITIES:", "NOTHING HERE", ""),
    ],
)
def test_malformed_sm_names_file_and_line(tmp_path, old, new, where):
    path = write(tmp_path, SMALL_SM.replace(old, new))
    with pytest.raises(ReaderError) as info:
        read_psplib_sm(path)
    message = str(info.value)
    assert str(path) + where in message
    assert "\n" not in message


def test_missing_file_is_a_reader_error(tmp_path):
    with pytest.raises(ReaderError, match="cannot read"):
        read_mm(tmp_path / "nope.mm")


def test_reader_error_is_a_value_error():
    assert issubclass(ReaderError, ValueError)
