"""The labops scheduling engine: stdlib and OR-Tools only, no database or UI.

Public API: ``solve`` (CP-SAT, level by level), ``validate`` (independent check of every
hard rule), ``serial_schedule`` / ``first_come_first_served`` (constructive plans),
``precheck`` / ``explain`` (why requests are left out), and the plain data of
``solver.problem`` and ``solver.plan``.
"""

from solver.explain import explain, precheck
from solver.plan import Plan, Reason, Violation
from solver.rules import Rule
from solver.sgs import first_come_first_served, serial_schedule
from solver.solve import Progress, SolveOptions, solve
from solver.validate import validate

__all__ = [
    "Plan",
    "Progress",
    "Reason",
    "Rule",
    "SolveOptions",
    "Violation",
    "explain",
    "first_come_first_served",
    "precheck",
    "serial_schedule",
    "solve",
    "validate",
]
