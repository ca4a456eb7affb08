"""The platform's charging rules: the platform file's ``[charges]`` section.

Stored as a JSON column of the platform row, like ``[planning]``; money is cents and
durations minutes inside, as everywhere.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labops.fields import Minutes, Money, Slug
from labops.vocabulary import Role


class ChargeSettings(BaseModel):
    """How recorded use becomes money."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Rate tiers, as the platform names them; a project without a tier pays the first.
    # A unit's `rates` give its hourly rate per tier; a tier it leaves out pays its
    # `hourly_rate`.
    tiers: list[Slug] = Field(default_factory=lambda: ["internal"], min_length=1)
    # Money per hour of platform staff's time on a booking, by their role (0 when left out).
    staff_rates: dict[Role, Money] = {}
    # Time is billed in whole steps of this length, rounded up (0: to the minute).
    rounding: Minutes = 0
    # No line of use costs less than this.
    minimum_charge: Money = 0
    # A booking recorded as a no-show costs this.
    no_show_fee: Money = 0
    # A booking cancelled (`booking cancel`) less than `late_cancel_within` before its
    # start costs this.
    late_cancel_fee: Money = 0
    late_cancel_within: Minutes = 24 * 60

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if len(set(self.tiers)) != len(self.tiers):
            raise ValueError("tiers: a tier is named twice")
        if self.rounding > 24 * 60:
            raise ValueError("rounding: at most a day")
        return self

    @property
    def default_tier(self) -> str:
        return self.tiers[0]

    def billed_minutes(self, minutes: int) -> int:
        """``minutes`` rounded up to the billing step."""
        step = self.rounding
        return minutes if step <= 0 else -(-minutes // step) * step
