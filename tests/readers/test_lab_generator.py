"""The lab problem generator: sizes, determinism, and the realism the brief asks for."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.lab_generator import ROLES, WEEK, generate_lab, kind_load


@pytest.fixture(scope="module")
def full():
    return generate_lab(seed=0)


def test_full_size(full):
    assert len(full.tasks) == 500
    assert 100 <= len(full.requests) <= 150
    assert len(full.units) == 40 and len(full.people) == 150
    assert len({u.kind for u in full.units}) == 12
    assert len({u.site for u in full.units}) == 3
    assert full.horizon == 4 * WEEK and full.week_starts == (0, 336, 672, 1008)
    assert full.slot_minutes == 30 and full.objective == "lab"


def test_requests_have_one_to_eight_tasks_linked_finish_to_start(full):
    sizes = Counter(len(tasks) for tasks in full.request_tasks.values())
    assert set(sizes) <= set(range(1, 9))
    for prec in full.precedences:
        assert full.task[prec.before].request == full.task[prec.after].request
        assert prec.lag >= 0


def test_people_roles_skills_certs_hours(full):
    assert {p.role for p in full.people} == set(ROLES)
    assert all(1 <= v <= 3 for p in full.people for v in p.skills.values())
    expired = [k for p in full.people for k, end in p.certs.items() if end <= 0]
    assert expired, "some certifications have expired"
    assert all(p.available and p.weekly_cap for p in full.people)
    on_leave = [p for p in full.people if len(p.available) < 20 and len(p.available) != 12]
    assert on_leave


def test_units_hours_downtime_unattended(full):
    assert all(u.open for u in full.units)
    assert any(u.down for u in full.units)
    assert any(u.unattended_ok for u in full.units)
    assert any(u.setup or u.cleanup for u in full.units)
    assert full.travel


def test_objective_inputs(full):
    assert {r.priority for r in full.requests} == {1, 2, 3, 4, 5}
    assert any(t.due is not None for t in full.tasks)
    deadlines = [t for t in full.tasks if t.deadline is not None]
    assert 0 < len(deadlines) < 0.1 * len(full.tasks)
    assert full.budgets and full.teams
    assert all(t.budget for t in full.tasks)


def test_some_kinds_are_tight(full):
    loads = kind_load(full)
    assert sum(0.75 <= v <= 1.15 for v in loads.values()) >= 2


def test_every_staff_need_can_be_met(full):
    for task in full.tasks:
        for need in task.staff:
            assert any(need.admits(p) for p in full.people), task.id


def test_seeded_and_small():
    a = generate_lab(seed=7, tasks=30, units=8, people=12, weeks=2)
    b = generate_lab(seed=7, tasks=30, units=8, people=12, weeks=2)
    assert a == b
    assert len(a.tasks) == 30 and len(a.units) == 8 and len(a.people) == 12


@pytest.mark.parametrize("seed", range(12))
def test_small_problems_construct(seed):
    generate_lab(
        seed=seed, tasks=10 + seed, units=4 + seed % 5, people=3 + seed, weeks=1 + seed % 3
    )


def test_load_scales_the_equipment_demand(full):
    half = kind_load(generate_lab(seed=0, load=0.5))
    tight = {k: v for k, v in kind_load(full).items() if v >= 0.75}
    assert tight
    for kind, value in tight.items():
        assert 0.4 * value <= half[kind] <= 0.6 * value, kind
