"""The CP-SAT translation: variables, constraints (one method per rule) and objective.

Nothing from OR-Tools leaves this package: ``Model.assignments`` turns a solution back into
plain ``Assignment`` records.
"""

from solver.model.builder import Model
from solver.model.variables import OutOfTime

__all__ = ["Model", "OutOfTime"]
