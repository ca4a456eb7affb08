"""Fund pools' budgets as limits of the plan (pools with ``enforce_budget``).

Each planned task of a project in such a pool takes from the pool's budget (``pool:ID`` in
the solver's problem) a fixed amount: what the task costs on its dearest candidate units,
so a plan never spends beyond the pool, whichever units it picks. The limit is the pool's
budget less what its projects' bookings outside the plan commit. Amounts are cent-minutes
in the problem, like the units' costs; the reasons a request is left out say money.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from labops import tables as t
from labops.fields import format_money
from solver.plan import Plan, Reason
from solver.problem import Budget, Problem
from solver.rules import Rule

PREFIX = "pool:"


def pool_key(pool_id: str) -> str:
    return f"{PREFIX}{pool_id}"


def task_consumes(
    pool: t.FundPool | None, candidate_costs: Iterable[Iterable[int]], duration: int
) -> dict[str, int]:
    """What a task of ``duration`` slots takes from ``pool`` (nothing unless it enforces its
    budget): per equipment need, the dearest candidate's cost per slot (amount included)."""
    if pool is None or not pool.enforce_budget:
        return {}
    return {pool_key(pool.id): sum(max(costs, default=0) for costs in candidate_costs) * duration}


def pool_budgets(
    pools: Mapping[str, t.FundPool],
    projects: Iterable[t.Project],
    spent_elsewhere: Mapping[str, int],
    used: set[str],
) -> list[Budget]:
    """A limit per enforcing pool that some task takes from (``used``: budget ids)."""
    out = []
    for pool_id, pool in sorted(pools.items()):
        if pool_key(pool_id) not in used:
            continue
        committed = sum(spent_elsewhere.get(p.id, 0) for p in projects if p.fund_pool == pool_id)
        out.append(Budget(id=pool_key(pool_id), limit=max(pool.budget - committed, 0) * 60))
    return out


def in_money(problem: Problem, plan: Plan, request: str, reasons: Iterable[Reason]) -> list[Reason]:
    """``reasons`` with each pool budget's reason said in money: what the pool has left
    beside the plan's other requests, and the least this request needs from it."""
    out = []
    for reason in reasons:
        pools = [ref for ref in reason.refs if ref.startswith(PREFIX)]
        if reason.rule != Rule.BUDGET.value or not pools:
            out.append(reason)
            continue
        for budget_id in pools:
            out.append(
                Reason(
                    rule=reason.rule,
                    message=pool_message(problem, plan, request, budget_id),
                    request=reason.request,
                    task=reason.task,
                    refs=reason.refs,
                )
            )
    return out


def pool_message(problem: Problem, plan: Plan, request: str, budget_id: str) -> str:
    limit = next(b.limit for b in problem.budgets if b.id == budget_id)
    others = sum(
        problem.task[key].modes[a.mode].consumes.get(budget_id, 0)
        for key, a in plan.assignments.items()
        if problem.task[key].request != request
    )
    need = sum(
        min(mode.consumes.get(budget_id, 0) for mode in task.modes)
        for task in problem.tasks
        if task.request == request
    )
    left = max(limit - others, 0)
    return (
        f"pool '{budget_id.removeprefix(PREFIX)}' has {format_money(left // 60)} left; "
        f"this request needs at least {format_money(-(-need // 60))}"
    )
