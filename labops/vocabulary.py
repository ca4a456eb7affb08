"""The fixed words of a platform: roles, statuses, pools, stages.

They are StrEnums so that the database, the fixture files and the CLI all carry the same
plain strings, and a typo is caught wherever a value comes in.
"""

from enum import StrEnum


class Role(StrEnum):
    """What a person brings to a gap-bridging team."""

    SOURCE_RESEARCHER = "source researcher"
    PLATFORM_ARCHITECT = "platform architect"
    INDUSTRY_ENGINEER = "industry engineer"
    INNOVATOR = "innovator"
    STUDENT = "student"
    INVESTOR = "investor"
    BUSINESS_VETERAN = "business veteran"
    CORPORATE_PARTNER = "corporate partner"


class Access(StrEnum):
    """What a person may do in labops (see labops.permissions)."""

    ADMIN = "admin"
    OPERATOR = "operator"
    LEAD = "lead"
    MEMBER = "member"
    VIEWER = "viewer"


class PoolKind(StrEnum):
    """The platform's four capital pools."""

    ASSET_OPERATIONS = "asset operations"
    PRODUCT_DEVELOPMENT = "product development"
    VENTURE = "venture"
    MERGERS_ACQUISITIONS = "mergers & acquisitions"


class Stage(StrEnum):
    """How far a project has bridged the gap from lab result to product."""

    LAB_RESULT = "lab result"
    PROOF_OF_CONCEPT = "proof of concept"
    PROTOTYPE = "prototype"
    PILOT = "pilot"
    INDUSTRIALISATION = "industrialisation"


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"


class BookingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    LOCKED = "locked"
    DONE = "done"
    CANCELLED = "cancelled"


ACTIVE_BOOKING = (
    BookingStatus.PROPOSED,
    BookingStatus.CONFIRMED,
    BookingStatus.LOCKED,
    BookingStatus.DONE,
)
"""Bookings that hold their equipment and people."""


class DowntimeKind(StrEnum):
    MAINTENANCE = "maintenance"
    CALIBRATION = "calibration"
    BREAKDOWN = "breakdown"
    OTHER = "other"


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    TEACHING = "teaching"
    SICK = "sick"
    OTHER = "other"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
