"""The named hard rules of a plan.

Each rule has a stable snake_case name used identically by the CP-SAT constraints, the
validator's violations and the reasons a request was left out, so a person sees the same
word everywhere. ``Rule`` is a ``StrEnum``: ``Rule.BUDGET == "budget"``.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """A hard rule; its value is the stable name, ``description`` the one-line statement."""

    TASK_WINDOW = "task_window"
    MODE = "mode"
    EQUIPMENT_ELIGIBLE = "equipment_eligible"
    ONE_SITE = "one_site"
    EQUIPMENT_CAPACITY = "equipment_capacity"
    EQUIPMENT_OPEN = "equipment_open"
    EQUIPMENT_DOWNTIME = "equipment_downtime"
    PRECEDENCE = "precedence"
    STAFF_COUNT = "staff_count"
    STAFF_ELIGIBLE = "staff_eligible"
    PERSON_OVERLAP = "person_overlap"
    PERSON_AVAILABLE = "person_available"
    PERSON_WEEKLY_CAP = "person_weekly_cap"
    TRAVEL_TIME = "travel_time"
    CERTIFIED_OPERATOR = "certified_operator"
    STUDENT_SUPERVISION = "student_supervision"
    ROLE_CAP = "role_cap"
    SHIFT_COVER = "shift_cover"
    TEAM_COMPOSITION = "team_composition"
    LOCKED_BOOKING = "locked_booking"
    WHOLE_REQUEST = "whole_request"
    REQUIRED_REQUEST = "required_request"
    BUDGET = "budget"
    KNOWN_IDS = "known_ids"

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]


DESCRIPTIONS: dict[Rule, str] = {
    Rule.TASK_WINDOW: "a task starts at or after its earliest slot and ends by its deadline "
    "and the horizon",
    Rule.MODE: "a task runs in exactly one of its modes",
    Rule.EQUIPMENT_ELIGIBLE: "each equipment need of the chosen mode gets exactly one of its "
    "candidate units",
    Rule.ONE_SITE: "all units of a task are at the same site",
    Rule.EQUIPMENT_CAPACITY: "at no slot do the tasks occupying a unit (setup and cleanup "
    "included) ask for more than its capacity",
    Rule.EQUIPMENT_OPEN: "attended use of a unit lies inside one of its opening windows",
    Rule.EQUIPMENT_DOWNTIME: "no unit is occupied during its downtime",
    Rule.PRECEDENCE: "a task starts no earlier than lag slots after its predecessor ends",
    Rule.STAFF_COUNT: "each staff need of a task gets exactly its count of distinct people",
    Rule.STAFF_ELIGIBLE: "each person fills a staff need whose role and skill they have",
    Rule.PERSON_OVERLAP: "a person works on one task at a time",
    Rule.PERSON_AVAILABLE: "a person works only inside their available windows",
    Rule.PERSON_WEEKLY_CAP: "a person's staffed slots of the tasks starting in a week stay "
    "within their weekly cap",
    Rule.TRAVEL_TIME: "a person moving between sites has the travel time between two tasks",
    Rule.CERTIFIED_OPERATOR: "a unit that needs a certified operator has one among the "
    "task's people, certified on the start day",
    Rule.STUDENT_SUPERVISION: "a student works beside someone who may supervise them",
    Rule.ROLE_CAP: "a task has no more people of a role than its cap for that role",
    Rule.SHIFT_COVER: "a shift-staffed task is watched throughout by shifts of eligible "
    "people, each inside one of their working windows, handing over with the overlap asked",
    Rule.TEAM_COMPOSITION: "a team's people meet its role minimums and student ratio",
    Rule.LOCKED_BOOKING: "a locked task keeps its current start, mode, units and people",
    Rule.WHOLE_REQUEST: "a request is scheduled with all its tasks or not at all",
    Rule.REQUIRED_REQUEST: "a required request is scheduled",
    Rule.BUDGET: "the spending charged to a budget stays within its limit",
    Rule.KNOWN_IDS: "a plan names only tasks, units and people of the problem",
}
