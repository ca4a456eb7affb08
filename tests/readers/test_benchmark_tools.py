"""The benchmark side tools: SGS + justification heuristics and the independent re-check."""

from __future__ import annotations

from benchmarks.check import check_imopse_schedule, check_psplib_schedule
from benchmarks.study.heuristics import best_schedule, justify, makespan, serial_sgs
from benchmarks.study.instance import to_instance
from solver.readers import read_imopse_def, read_psplib_sm

from .test_psplib import DATA, needs_data

J301_1 = DATA / "psplib/j30/j301_1.sm"


@needs_data
def test_sgs_schedules_pass_the_independent_check():
    inst = to_instance(read_psplib_sm(J301_1))
    modes = [0] * inst.n
    starts = serial_sgs(inst, modes, [float(h) for h in inst.heads])
    as_ids = dict(zip(inst.ids, starts, strict=True))
    assert check_psplib_schedule(J301_1, as_ids, makespan=makespan(inst, modes, starts)) == []
    better = justify(inst, modes, starts)
    assert makespan(inst, modes, better) <= makespan(inst, modes, starts)
    assert check_psplib_schedule(J301_1, dict(zip(inst.ids, better, strict=True))) == []


@needs_data
def test_sampling_reaches_the_optimum_of_an_easy_instance():
    inst = to_instance(read_psplib_sm(J301_1))
    _, span, _ = best_schedule(inst, [0] * inst.n, budget=2.0, max_schedules=300, target=43)
    assert span == 43  # j301_1: optimum 43 (best_known.csv)


@needs_data
def test_check_finds_broken_schedules():
    inst = to_instance(read_psplib_sm(J301_1))
    starts = dict(zip(inst.ids, serial_sgs(inst, [0] * inst.n, [0.0] * inst.n), strict=True))
    starts["6"] = 0  # job 6 follows job 2 (duration 8)
    problems = check_psplib_schedule(J301_1, starts)
    assert any("precedence 2->6" in p for p in problems)
    everything_at_zero = dict.fromkeys(inst.ids, 0)
    assert any("capacity" in p for p in check_psplib_schedule(J301_1, everything_at_zero))


@needs_data
def test_imopse_check():
    path = DATA / "imopse/small/10_3_5_3.def"
    problem = read_imopse_def(path)
    # One person per task in id order of who can do it, tasks one after another.
    t, starts, people = 0, {}, {}
    order = to_instance(problem).topo
    for j in order:
        task = problem.tasks[j]
        starts[task.id] = t
        people[task.id] = [next(p.id for p in problem.people if task.staff[0].admits(p))]
        t += task.modes[0].duration
    assert check_imopse_schedule(path, starts, people) == []
    people["7"] = ["2"]  # person 2 has no Q1
    assert any("lacks Q1" in p for p in check_imopse_schedule(path, starts, people))
