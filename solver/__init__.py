"""The labops scheduling engine: stdlib and OR-Tools only, no database or UI.

Import from the modules (a function re-exported here would shadow its module of the same
name): ``solver.solve.solve`` (CP-SAT, level by level), ``solver.validate.validate``
(independent check of every hard rule), ``solver.sgs.serial_schedule`` and
``first_come_first_served`` (constructive plans), ``solver.explain.precheck`` and
``explain`` (why requests are left out), ``solver.problem`` (the input) and
``solver.plan`` (the results).
"""
