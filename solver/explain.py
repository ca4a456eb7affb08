"""Why requests are left out, in sentences a person can act on.

Two sources. ``precheck`` finds requests that can never fit, whatever else is planned: no
usable unit, nobody eligible or certified in time, windows too short, downtime, a
precedence chain that cannot fit before the deadline, a budget too small even for the
cheapest mode, a team rule its people cannot meet (labops uses it to refuse a request at
submission). ``explain`` adds, for a request that could fit on its own but was left out of a
plan, what blocks it in that plan: which units or people are taken, and by which requests.
Reasons name the same rules as the validator (``solver.rules``); ``TIME_LIMIT`` is the one
extra name, for a request that fits the plan as it stands but the search ended first, or
that the constructive phase did not reach before the time limit (``not_reached``).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.facts import Facts, TaskFacts
from solver.placement import Board
from solver.plan import Plan, Reason
from solver.problem import Problem
from solver.rules import Rule

TIME_LIMIT = "time_limit"
_MAX_NOTES_PER_TASK = 4


NOT_A_REASON: dict[Rule, str] = {
    Rule.MODE: "a task no mode fits is explained by what blocks its modes: units, people, window",
    Rule.EQUIPMENT_ELIGIBLE: "a need always has candidates (labops refuses one without); a "
    "busy candidate is equipment_capacity",
    Rule.WHOLE_REQUEST: "a request waits whole; its reason is what blocks one of its tasks",
    Rule.REQUIRED_REQUEST: "a required request that cannot be placed makes the plan infeasible, "
    "said as such",
    Rule.KNOWN_IDS: "every plan the solver makes keeps it; only a plan from outside breaks it",
}
"""The rules that are never the reason a request is left out, and why; every other rule is
named by a reason here or by a note of ``solver.facts``."""


def precheck(problem: Problem, facts: Facts | None = None) -> dict[str, tuple[Reason, ...]]:
    """Requests that can never be scheduled, with the reasons; the others are absent."""
    facts = facts or Facts(problem)
    out: dict[str, list[Reason]] = defaultdict(list)
    for task in problem.tasks:
        task_facts = facts[task.id]
        if not task_facts.possible:
            out[task.request].extend(_note_reasons(task_facts))
    for request_id, reasons in _budget_reasons(problem, facts).items():
        out[request_id].extend(reasons)
    for request_id, reasons in _team_reasons(problem, facts).items():
        out[request_id].extend(reasons)
    for request_id, reasons in _locked_reasons(problem, facts).items():
        out[request_id].extend(reasons)
    return {r: tuple(dict.fromkeys(reasons)) for r, reasons in out.items() if reasons}


def explain(
    problem: Problem, plan: Plan, facts: Facts | None = None
) -> dict[str, tuple[Reason, ...]]:
    """Reasons for every request that ``plan`` leaves out."""
    facts = facts or Facts(problem)
    placed = plan.assignments
    left_out = [
        r.id
        for r in problem.requests
        if not all(t.id in placed for t in problem.request_tasks[r.id])
    ]
    never = precheck(problem, facts)
    out = {r: never[r] for r in left_out if r in never}
    if len(out) < len(left_out):
        board = Board(problem, facts)
        board.load(placed.values())
        for request_id in left_out:
            if request_id not in out:
                out[request_id] = (blocked_request(problem, board, request_id),)
    return out


def blocked_request(problem: Problem, board: Board, request_id: str) -> Reason:
    """What stops a request from fitting into the board, found by trying to insert it.

    The board is left as it was.
    """
    facts = board.facts
    added: list[str] = []
    try:
        for task in facts.in_order(problem.request_tasks[request_id]):
            if task.id in board.placed:
                continue
            diagnose: Counter[Rule] = Counter()
            choice = board.find(facts[task.id], diagnose=diagnose)
            if choice is None:
                return blocked_reason(problem, board, facts[task.id], diagnose)
            board.commit(choice)
            added.append(task.id)
        for team in sorted({t.team for t in problem.request_tasks[request_id] if t.team}):
            shortfall = board.team_shortfall(team)
            if shortfall is not None:
                return Reason(
                    rule=Rule.TEAM_COMPOSITION.value,
                    message=f"with the people free for it, {shortfall}",
                    request=request_id,
                    refs=(team,),
                )
    finally:
        for task_id in reversed(added):
            board.remove(task_id)
    return Reason(
        rule=TIME_LIMIT,
        message="it fits in the plan as it stands; the search ended before adding it, "
        "solve again with more time",
        request=request_id,
    )


def not_reached(request_id: str) -> Reason:
    """The reason of a request the constructive phase had no time to try."""
    return Reason(
        rule=TIME_LIMIT,
        message="not reached before the time limit; solve again with more time",
        request=request_id,
    )


def blocked_reason(
    problem: Problem, board: Board, task_facts: TaskFacts, diagnose: Counter[Rule]
) -> Reason:
    """A reason for a task that found no place, from the rules that blocked its starts."""
    task = task_facts.task
    rule = diagnose.most_common(1)[0][0] if diagnose else Rule.PRECEDENCE
    lo = task_facts.earliest
    hi = task_facts.latest + task_facts.max_duration
    window = f"between {problem.when(lo)} and {problem.when(hi)}"
    if rule in (Rule.EQUIPMENT_CAPACITY, Rule.ONE_SITE, Rule.EQUIPMENT_OPEN):
        units = sorted({o.unit.id for m in task_facts.modes for opts in m.needs for o in opts})
        holders = _holders(problem, board, lo, hi, units=set(units))
        # Not "fully booked": they may be free for less than the task's run (what `free`
        # lists), or at times its people cannot come.
        message = (
            f"its candidate units {_names(units)} have no room for its "
            f"{problem.length(task_facts.min_duration)} {window}"
        )
        refs = (*units, *holders)
    elif rule in (
        Rule.PERSON_OVERLAP,
        Rule.PERSON_WEEKLY_CAP,
        Rule.PERSON_AVAILABLE,
        Rule.TRAVEL_TIME,
        Rule.STAFF_COUNT,
    ):
        people = sorted(task_facts.people)
        holders = _holders(problem, board, lo, hi, people=set(people))
        what = {
            Rule.PERSON_WEEKLY_CAP: "have reached their weekly cap",
            Rule.TRAVEL_TIME: "cannot travel between sites in time",
        }.get(rule, "are busy or away")
        message = f"the eligible people {_names(people)} {what} {window}"
        refs = (*people, *holders)
    elif rule == Rule.BUDGET:
        budgets = sorted({b for m in task_facts.modes for b in m.mode.consumes})
        if task.budget is not None and task.budget not in budgets:
            budgets.append(task.budget)
        left = ", ".join(
            f"{b!r} has {problem.amount(board.limits[b] - board.spent[b])} left" for b in budgets
        )
        holders = sorted(
            {c.task.request for c in board.placed.values() if c.task.budget in budgets}
        )
        message = f"not enough money: {left}"
        refs = (*budgets, *holders)
    elif rule == Rule.CERTIFIED_OPERATOR:
        message = f"no certified operator is free {window}"
        holders, refs = [], ()
    elif rule == Rule.STUDENT_SUPERVISION:
        message = f"only students are free {window}, and no one free may supervise them"
        holders, refs = [], ()
    elif rule == Rule.ROLE_CAP:
        caps = ", ".join(f"{cap} {role}" for role, cap in sorted(task.at_most.items()))
        message = f"it may have at most {caps}, and too few others are free {window}"
        holders, refs = [], ()
    elif rule == Rule.SHIFT_COVER:
        people = sorted({w.person for w in task_facts.shift_windows})
        holders = _holders(problem, board, lo, hi, people=set(people))
        handover = task.shifts.handover if task.shifts is not None else 0
        message = (
            f"no run of shifts of the eligible people {_names(people)} covers it "
            f"{window} (hand-over {problem.length(handover)}): they are busy, away or "
            f"not certified"
        )
        refs = (*people, *holders)
    else:
        message = f"its predecessors and successors leave no room {window}"
        holders, refs = [], ()
    if holders:
        message += "; held by requests " + ", ".join(
            f"{r!r} (priority {problem.request[r].priority})" for r in holders
        )
    return Reason(
        rule=rule.value,
        message=f"task {task.id!r}: {message}",
        request=task.request,
        task=task.id,
        refs=tuple(dict.fromkeys(refs)),
    )


# Pre-check helpers --------------------------------------------------------------------------


def _note_reasons(task_facts: TaskFacts) -> list[Reason]:
    task = task_facts.task
    notes = task_facts.notes[:_MAX_NOTES_PER_TASK] or []
    if not notes:
        return [
            Reason(
                rule=Rule.TASK_WINDOW.value,
                message=f"task {task.id!r} has no start that meets all its rules",
                request=task.request,
                task=task.id,
            )
        ]
    return [
        Reason(
            rule=note.rule.value,
            message=f"task {task.id!r}: {note.message}",
            request=task.request,
            task=task.id,
            refs=note.refs,
        )
        for note in notes
    ]


def _min_spend(problem: Problem, facts: Facts, task_id: str, budget_id: str) -> int:
    """The least a task can charge to a budget, over its modes and options."""
    task_facts = facts[task_id]
    task = task_facts.task
    best = None
    for option in task_facts.modes:
        spend = option.mode.consumes.get(budget_id, 0)
        if task.budget == budget_id:
            spend += sum(
                min(o.unit.cost_per_slot * o.amount for o in opts) * option.duration
                for opts in option.needs
            )
            for need, eligible in zip(task.staff, task_facts.staff, strict=True):
                rates = sorted(problem.person[p].cost_per_slot for p in eligible)
                spend += sum(rates[: need.count]) * option.staffed
        best = spend if best is None else min(best, spend)
    return best or 0


def _budget_reasons(problem: Problem, facts: Facts) -> dict[str, list[Reason]]:
    out: dict[str, list[Reason]] = defaultdict(list)
    for budget in problem.budgets:
        need = {
            r.id: sum(_min_spend(problem, facts, t.id, budget.id) for t in tasks)
            for r in problem.requests
            if (tasks := problem.request_tasks[r.id])
        }
        committed = sum(need.get(r, 0) for r in facts.required_requests)
        for request_id, amount in need.items():
            others = committed - (amount if request_id in facts.required_requests else 0)
            if amount and others + amount > budget.limit:
                out[request_id].append(
                    Reason(
                        rule=Rule.BUDGET.value,
                        message=f"it needs at least {problem.amount(amount)} from budget "
                        f"{budget.id!r}, which has {problem.amount(budget.limit - others)} left "
                        "for it",
                        request=request_id,
                        refs=(budget.id,),
                    )
                )
    return out


def _team_reasons(problem: Problem, facts: Facts) -> dict[str, list[Reason]]:
    out: dict[str, list[Reason]] = defaultdict(list)
    for rule in problem.teams:
        tasks = [t for t in problem.tasks if t.team == rule.id]
        people = {p for t in tasks for p in facts[t.id].people} | rule.members
        for role, minimum in rule.min_roles.items():
            have = sum(1 for p in people if problem.person[p].role == role)
            if have < minimum:
                for request_id in dict.fromkeys(t.request for t in tasks):
                    out[request_id].append(
                        Reason(
                            rule=Rule.TEAM_COMPOSITION.value,
                            message=f"team {rule.id!r} needs {minimum} {role!r} and only "
                            f"{have} are eligible for its tasks",
                            request=request_id,
                            refs=(rule.id,),
                        )
                    )
    return out


def _locked_reasons(problem: Problem, facts: Facts) -> dict[str, list[Reason]]:
    out: dict[str, list[Reason]] = defaultdict(list)
    board = Board(problem, facts)
    for task_id in sorted(problem.locked):
        if board.exact(facts[task_id], problem.current[task_id]) is None:
            task = problem.task[task_id]
            out[task.request].append(
                Reason(
                    rule=Rule.LOCKED_BOOKING.value,
                    message=f"locked task {task_id!r} cannot keep its booking: it breaks a "
                    "rule on its own (unit, people, window or calendar changed)",
                    request=task.request,
                    task=task_id,
                )
            )
    return out


# Plan helpers -------------------------------------------------------------------------------


def _holders(
    problem: Problem,
    board: Board,
    lo: int,
    hi: int,
    units: set[str] | None = None,
    people: set[str] | None = None,
) -> list[str]:
    """Requests, highest priority first, holding the units or people in ``[lo, hi)``."""
    found = set()
    for choice in board.placed.values():
        if choice.start >= hi or choice.end <= lo:
            continue
        if units and any(o.unit.id in units for o in choice.units):
            found.add(choice.task.request)
        if people and set(choice.people) & people:
            found.add(choice.task.request)
    return sorted(found, key=lambda r: (-problem.request[r].priority, r))[:5]


def _names(ids: list[str], limit: int = 6) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
