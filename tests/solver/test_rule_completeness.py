"""Every hard rule has its three parts: it is kept in the model, checked by the validator,
and explained when it leaves a request out (or says why it never does)."""

from __future__ import annotations

import ast
from pathlib import Path

import solver
from solver.explain import NOT_A_REASON
from solver.model.constraints import ADDED, BY_VARIABLES, Constraints
from solver.rules import DESCRIPTIONS, Rule

SOLVER = Path(solver.__file__).parent


def named_rules(*modules: str) -> set[Rule]:
    """The rules a module's code names as ``Rule.X``."""
    found: set[Rule] = set()
    for module in modules:
        tree = ast.parse((SOLVER / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Rule"
                and node.attr in Rule.__members__
            ):
                found.add(Rule[node.attr])
    return found


def test_every_rule_is_kept_by_the_model_once() -> None:
    assert set(ADDED).isdisjoint(BY_VARIABLES)
    assert set(ADDED) | set(BY_VARIABLES) == set(Rule), "a rule the model does not keep"
    for rule in ADDED:
        assert callable(getattr(Constraints, rule.value, None)), f"no method for {rule}"


def test_every_rule_is_checked_by_the_validator() -> None:
    assert named_rules("validate.py") == set(Rule)


def test_every_rule_is_explained_or_says_why_it_never_leaves_a_request_out() -> None:
    explained = named_rules("explain.py", "facts.py", "task_options.py") - set(NOT_A_REASON)
    assert explained | set(NOT_A_REASON) == set(Rule)
    # A rule said never to be a reason is not the rule of a note either.
    assert not named_rules("facts.py", "task_options.py") & set(NOT_A_REASON)


def test_every_rule_has_its_one_line_statement() -> None:
    assert set(DESCRIPTIONS) == set(Rule)
