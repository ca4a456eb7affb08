"""A fund pool's budget as a limit of the plan (``enforce_budget`` on the pool).

Tiny platform (fixtures/tiny.toml), clock Wed 25 Nov: request 2's ref booking (1.5 h on
sem-1 at 120/h: 180.00, Mon 30 Nov, outside the freeze window, so in the plan) and request
1, once approved: coat 6 h on the sputter coater at 95/h (570.00) and image 2 h on sem-1
(120/h) with 2 of the fume hoods (8.50/h each), 2 x 137 = 274.00: 844.00 in all. Both are
project tandem's, in pool "product", 1,024.00 together. With the pool's budget at 1,000 and
enforced, only one fits: the plan places request 1 (844.00, its greater hours) and leaves
request 2 out, the pool having 1,000 - 844 = 156.00 left for its 180.00. At 1,100 both fit.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

POOL = 'id = "product"\nname = "Product development"\nkind = "product development"\n'


def _platform(cli, tmp_path, budget: int):
    text = (FIXTURES / "tiny.toml").read_text()
    assert POOL + "budget = 250000\n" in text
    text = text.replace(
        POOL + "budget = 250000\n", POOL + f"budget = {budget}\nenforce_budget = true\n"
    )
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    assert cli("load", str(path)).code == 0
    assert cli("--as", "dara", "request", "approve", "1").code == 0
    result = cli("--as", "dara", "schedule", "--time-limit", "5", "--deterministic", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.one_backend
def test_a_pool_budget_that_binds_leaves_a_request_out_with_the_reason_in_money(
    cli, tmp_path
) -> None:
    proposal = _platform(cli, tmp_path, 1000)
    [left] = proposal["left_out"]
    assert left["request"] == 2
    assert left["reasons"] == ["pool 'product' has 156.00 left; this request needs at least 180.00"]
    assert left["rules"] == ["budget"]


@pytest.mark.one_backend
def test_a_pool_budget_that_does_not_bind_leaves_nothing_out(cli, tmp_path) -> None:
    proposal = _platform(cli, tmp_path, 1100)
    assert proposal["left_out"] == []


@pytest.mark.parametrize(("budget", "broken"), [(100, True), (180, False)])
def test_the_validator_counts_a_pool_budget(db, budget, broken) -> None:
    import tomllib

    from labops.planning.build import build_snapshot
    from labops.platform.load import load_platform
    from labops.platform.read import parse_platform_document
    from solver.plan import Plan
    from solver.problem import Assignment
    from solver.validate import validate
    from tests.conftest import NOW

    document = tomllib.loads((FIXTURES / "tiny.toml").read_text())
    for pool in document["fund_pools"]:
        if pool["id"] == "product":
            pool |= {"budget": budget, "enforce_budget": True}
    load_platform(db, parse_platform_document(document, source="tiny"), actor=None, now=NOW)
    with db.read() as session:
        snapshot = build_snapshot(session, now=NOW)
    # The plan in force (ref, 180.00) breaks a pool budget of 100.00, not one of 180.00.
    violations = validate(
        snapshot.problem, Plan(assignments=dict(snapshot.problem.current), status="feasible")
    )
    over = [v.refs[:1] for v in violations if v.rule == "budget"]
    assert over == ([("pool:product",)] if broken else [])
    assert set(snapshot.problem.current) == {"R2.ref"}
    assert isinstance(snapshot.problem.current["R2.ref"], Assignment)
