"""Who is acting: named with --as (an open platform), or the login running labops.

A platform's ``identity`` setting says which. "open" (the default on SQLite, where whoever
can write the file can do anything anyway): ``--as``/``$LABOPS_USER`` names the person.
"login" (the default on a server database): the person is the one whose ``login`` is the
database role labops is connected as (PostgreSQL authenticated it) or the OS user running
it; ``--as`` another person is impersonation, for admins only, and the audit trail records
both.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import replace

from sqlmodel import Session, col, select

from labops import tables as t
from labops.errors import PermissionDenied
from labops.permissions import Actor, resolve_actor
from labops.vocabulary import Access

LOGIN = "login"
OPEN = "open"
MODES = (LOGIN, OPEN)


def identity_mode(session: Session) -> str:
    """The platform's setting, else the backend's default (an empty database is open:
    there is nobody to check against yet)."""
    info = session.get(t.PlatformInfo, 1)
    if info is None:
        return OPEN
    if info.identity in MODES:
        return info.identity
    return OPEN if session.connection().dialect.name == "sqlite" else LOGIN


def os_login() -> str:
    """The OS user running labops, from the process's user id (not from $USER, which anyone
    sets as they like)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no pwd module (Windows), or a uid without a name
        return getpass.getuser()


def logins(session: Session) -> list[str]:
    """Who runs labops, most trusted first: the database role (on a server, which
    authenticated it), then the OS user."""
    found: list[str] = []
    if session.connection().dialect.name == "postgresql":
        found.append(session.connection().exec_driver_sql("SELECT current_user").scalar_one())
    found.append(os_login())
    return list(dict.fromkeys(found))


def login_person(session: Session) -> tuple[t.Person | None, list[str]]:
    """The person whose login runs labops, if any, and the logins looked for."""
    names = logins(session)
    people = {
        p.login: p for p in session.exec(select(t.Person).where(col(t.Person.login).in_(names)))
    }
    for name in names:
        if name in people:
            return people[name], names
    return None, names


def acting_actor(session: Session, named: str | None, *, required: bool) -> Actor | None:
    """The person acting, from ``named`` (--as or $LABOPS_USER) and the platform's identity
    setting. None when nobody is named or logged in and ``required`` is false; refused
    (PermissionDenied, exit 4) when a non-admin names another person on a login platform."""
    if identity_mode(session) == OPEN:
        if named or required:
            return resolve_actor(session, named)
        return None
    me, names = login_person(session)
    if me is None:
        if not required and not named:
            return None
        raise PermissionDenied(
            f"permission denied: no person of this platform has the login "
            f"{' or '.join(repr(name) for name in names)} "
            "(it takes who acts from the login: an admin sets people's login)"
        )
    if not named or named == me.id:
        return resolve_actor(session, me.id)
    if me.access != Access.ADMIN:
        raise PermissionDenied(
            f"permission denied: {me.access.value} '{me.id}' cannot act as another person "
            "(--as is for admins on this platform, which takes who acts from the login)"
        )
    return replace(resolve_actor(session, named), impersonated_by=me.id)
