"""What every command shares: the database chosen by --db and the person acting (--as)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from labops import clock
from labops.db import Database
from labops.identity import acting_actor
from labops.permissions import Actor

ENV_USER = "LABOPS_USER"
CREATING = frozenset({"init", "load", "demo"})  # the commands that may create a database


@dataclass
class CliState:
    db_arg: str | None = None
    as_arg: str | None = None
    command: str | None = None
    read_only: bool = False
    _db: Database | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)
    _looked: bool = field(default=False, repr=False)  # whether _actor was looked for

    @property
    def db(self) -> Database:
        """The database, opened and migrated on first use (so `labops --help` stays instant).
        Only init, load and demo create one; the others refuse what is not a labops
        database."""
        if self._db is None:
            self._db = Database.open(
                self.db_arg, create=self.command in CREATING, read_only=self.read_only
            )
        return self._db

    @property
    def identity(self) -> str | None:
        """Who says they are acting: --as, else $LABOPS_USER."""
        return self.as_arg or os.environ.get(ENV_USER) or None

    @property
    def actor(self) -> Actor:
        """The acting person, checked against the platform's people (once per command):
        named by --as, or the login on a platform that takes it from there
        (labops.identity)."""
        if self._actor is None:
            with self.db.read() as session:
                self._actor = acting_actor(session, self.identity, required=True)
            self._looked = True
        assert self._actor is not None  # required: refused (PermissionDenied) when nobody
        return self._actor

    @property
    def actor_or_none(self) -> Actor | None:
        """The acting person if one was named or logged in; reads open to all work
        without one."""
        if not self._looked:
            with self.db.read() as session:
                self._actor = acting_actor(session, self.identity, required=False)
            self._looked = True
        return self._actor

    def now(self) -> dt.datetime:
        return clock.now()

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
