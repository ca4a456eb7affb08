"""`labops bench`: the production solver on benchmark files, per-instance JSON, a summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.readers.test_psplib import DATA, needs_data

# Jobs 2-4 between a dummy source (1) and sink (5), one resource of capacity 2 (R1):
# job 2 takes 3 slots and both units; jobs 3 -> 4 take 2 slots and one unit each. Job 2
# cannot run beside either, so the optimum is 3 + 2 + 2 = 7.
TINY_SM = """\
************************************************************************
jobs (incl. supersource/sink ):  5
horizon                       :  20
RESOURCES
  - renewable                 :  4   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           5
   3        1          1           4
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2  R 3  R 4
------------------------------------------------------------------------
  1      1     0       0    0    0    0
  2      1     3       2    0    0    0
  3      1     2       1    0    0    0
  4      1     2       1    0    0    0
  5      1     0       0    0    0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2  R 3  R 4
    2    1    1    1
************************************************************************
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "tiny1_1.sm").write_text(TINY_SM)
    (folder / "best_known.csv").write_text(
        "set,instance,best_known_makespan,optimal,lower_bound\ntiny,tiny1_1,7,true,7\n"
    )
    return folder


def test_a_folder_is_solved_to_the_optimum_with_starts_to_recheck(cli, tiny, tmp_path):
    out = tmp_path / "out.jsonl"
    result = cli("bench", "psplib", str(tiny), "--time-limit", "2", "--json", str(out), db=None)
    assert result.code == 0, result.err
    assert "1/1 at the best known makespan" in result.out
    assert "1 proved optimal" in result.out and "0 invalid" in result.out
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["name"] == "tiny1_1" and row["makespan"] == 7 and row["status"] == "optimal"
    assert row["best_known"] == 7 and row["violations"] == []
    start = row["starts"]
    end = {job: start[job] + duration for job, duration in {"2": 3, "3": 2, "4": 2}.items()}
    assert end["3"] <= start["4"]  # precedence
    # Job 2 needs both units: it shares no slot with job 3 or job 4.
    for other in ("3", "4"):
        assert end["2"] <= start[other] or end[other] <= start["2"]
    assert max(end.values()) == 7


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.sm", "no such file or folder"),
        (lambda d: d / "best_known.csv", "not a psplib instance (expected a .sm file)"),
        (lambda d: d.parent, "no .sm files in this folder"),
    ],
)
def test_bad_paths_get_one_line_and_a_non_zero_exit(cli, tiny, make, message):
    result = cli("bench", "psplib", str(make(tiny)), db=None)
    assert result.code != 0
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_malformed_instance_names_its_file(cli, tiny):
    broken = tiny / "tiny1_2.sm"
    broken.write_text(TINY_SM.replace("  2      1     3       2", "  2      1     x       2"))
    result = cli("bench", "psplib", str(broken), db=None)
    assert result.code == 1
    assert "tiny1_2.sm" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("option", [("--time-limit", "0"), ("--workers", "0")])
def test_bad_limits_are_refused(cli, tiny, option):
    result = cli("bench", "psplib", str(tiny), *option, db=None)
    assert result.code == 1 and option[0] in result.err


@needs_data
@pytest.mark.parametrize(
    ("kind", "path"),
    [("mmlib", "mmlib/MMLIB50/J501_1.mm"), ("imopse", "imopse/small/10_3_5_3.def")],
)
def test_multi_mode_and_multi_skill_instances_get_valid_plans(cli, kind, path):
    result = cli("bench", kind, str(DATA / path), "--time-limit", "2", db=None)
    assert result.code == 0, result.err
    assert "1 with a plan" in result.out and "0 invalid" in result.out
