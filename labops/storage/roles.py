"""Database roles of a platform network on PostgreSQL: the server itself refuses writes to
people whose access is read-only, whatever program they connect with.

Two group roles per platform database carry the privileges on every table of it:
``<database>_read`` (SELECT) for viewers, ``<database>_write`` (SELECT, INSERT, UPDATE,
DELETE and the id sequences) for everyone else; what a member, a lead or an operator may
write is the services' check, as on SQLite, and the audit trail's triggers refuse any
change to it. ``sync_roles`` makes the groups and puts each person's login role in the
group of their access, and takes every other role out of both. It makes no login roles:
a person's role and how they prove it (pg_hba.conf, a password) are the server
administrator's (README).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import col, select

from labops import tables as t
from labops.audit import record
from labops.db import Database
from labops.errors import InputError
from labops.permissions import Action, Actor, current_actor
from labops.vocabulary import Access


@dataclass
class RoleSync:
    """What a sync did: the group of each login role, and the logins with no role yet."""

    read: str
    write: str
    groups: dict[str, str] = field(default_factory=dict)  # login -> group
    missing: list[str] = field(default_factory=list)  # logins without a role on the server
    removed: list[str] = field(default_factory=list)  # roles taken out of the groups


def group_names(database: str) -> tuple[str, str]:
    """The read and write groups of a platform database (role names hold 63 bytes)."""
    stem = database[:50]
    return f"{stem}_read", f"{stem}_write"


def sync_roles(db: Database, *, actor: Actor, now: dt.datetime) -> RoleSync:
    """Make the platform's group roles, grant them its tables, and put each person's login
    role in the group of their access (see the module docstring); one transaction."""
    actor.require(Action.MANAGE)
    if db.engine.dialect.name != "postgresql":
        raise InputError(
            "database roles are PostgreSQL's: on SQLite whoever may write the file may write "
            "the platform (keep it where only the platform's people can reach it)"
        )
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.MANAGE)
        run = session.connection().exec_driver_sql
        database = run("SELECT current_database()").scalar_one()
        read, write = group_names(database)
        result = RoleSync(read, write)
        roles = set(run("SELECT rolname FROM pg_roles").scalars())
        for group in (read, write):
            if group not in roles:
                run(f'CREATE ROLE "{group}" NOLOGIN')
        both = f'"{read}", "{write}"'
        run(f'GRANT CONNECT ON DATABASE "{database}" TO {both}')
        run(f"GRANT USAGE ON SCHEMA public TO {both}")
        run(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {both}")
        run(f'GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{write}"')
        run(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{write}"')
        people = session.exec(select(t.Person).where(col(t.Person.login).is_not(None))).all()
        wanted: dict[str, str] = {}
        for person in sorted(people, key=lambda p: p.id):
            assert person.login is not None
            if person.login not in roles:
                result.missing.append(person.login)
                continue
            wanted[person.login] = read if person.access == Access.VIEWER else write
        members = run(
            "SELECT g.rolname, m.rolname FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname IN (%(read)s, %(write)s)",
            {"read": read, "write": write},
        ).all()
        for group, member in members:
            if wanted.get(member) != group:
                run(f'REVOKE "{group}" FROM "{member}"')
                result.removed.append(member)
        for login, group in wanted.items():
            run(f'GRANT "{group}" TO "{login}"')
        result.groups = wanted
        record(
            session,
            actor=actor.id,
            at=now,
            action="roles.sync",
            record_type="database",
            record_id=database,
            summary=f"{len(wanted)} people's roles in {read} or {write}",
            changes={"groups": wanted, "missing": result.missing, "removed": result.removed},
        )
    return result
