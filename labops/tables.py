"""Every table of labops, from the home of each kind of record: the schema in one place
(for the migrations and for queries that join across kinds)."""

from labops.audit import AuditEvent
from labops.bookings.model import Booking, BookingPerson, BookingUnit
from labops.charges.model import ChargeLine, ChargeMonth, UnitRate
from labops.columns import UTCDateTime
from labops.equipment.model import Downtime, Equipment, Kind
from labops.funds.model import FundPool
from labops.notifications.model import Notification
from labops.people.model import Absence, Certification, Person, PersonHours, Skill
from labops.planning.model import LeftOut, PlanRun
from labops.platform.model import PlatformInfo
from labops.projects.model import Project, ProjectMember, ProjectRoleMinimum
from labops.requests.model import (
    Request,
    Task,
    TaskEquipment,
    TaskPrecedence,
    TaskRoleCap,
    TaskStaff,
)
from labops.sites.model import Site, SiteClosure, SiteHours, Travel
from labops.usage.model import Usage

__all__ = [
    "Absence", "AuditEvent", "Booking", "BookingPerson", "BookingUnit", "Certification",
    "ChargeLine", "ChargeMonth",
    "Downtime", "Equipment", "FundPool", "Kind", "LeftOut", "Notification", "Person", "PersonHours",
    "PlanRun", "PlatformInfo", "Project", "ProjectMember", "ProjectRoleMinimum", "Request",
    "Site", "SiteClosure", "SiteHours", "Skill", "Task", "TaskEquipment", "TaskPrecedence",
    "TaskRoleCap", "TaskStaff", "Travel", "UTCDateTime", "UnitRate", "Usage",
]  # fmt: skip
