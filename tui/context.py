"""What every screen shares: the database, who is acting, the clock, and a change counter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from labops.db import Database
from labops.localtime import to_local
from labops.permissions import Action, Actor
from labops.vocabulary import Access

Clock = Callable[[], dt.datetime]


@dataclass
class Context:
    db: Database
    actor: Actor
    clock: Clock
    platform: str
    timezone: str
    version: int = field(default=0)  # bumped by every write, so screens know to reload

    def now(self) -> dt.datetime:
        return self.clock()

    def local_now(self) -> dt.datetime:
        return to_local(self.clock(), self.timezone)

    def can(self, action: Action, project: str | None = None) -> bool:
        return self.actor.can(action, project)

    @property
    def is_operator(self) -> bool:
        return self.actor.access in (Access.ADMIN, Access.OPERATOR)

    @property
    def is_lead(self) -> bool:
        return self.actor.access == Access.LEAD

    def changed(self) -> None:
        self.version += 1
