"""Who may do what. Services check here, so the CLI and the TUI enforce the same rules.

Access levels (a person's ``access``): admin manages the platform's records; operator
approves, schedules, books, records downtime and reads reports; lead works on the requests
of the projects they lead and sees those projects' bookings and costs; member sees their
own assignments; viewer reads reports. Loading a platform into an empty database needs no
identity: there is nobody to check against yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session, select

from labops import tables as t
from labops.audit import IMPERSONATED_BY
from labops.controls import has_controls
from labops.errors import PermissionDenied
from labops.vocabulary import Access


class Action(StrEnum):
    """What a person may try; the value reads after "cannot" in a refusal."""

    MANAGE = "manage the platform's records"
    APPROVE = "approve requests"
    REJECT = "reject requests"
    SCHEDULE = "run or commit schedules"
    BOOK = "book by hand, confirm, lock, move or cancel bookings"
    DOWNTIME = "record downtime"
    REPORT = "read platform reports"
    REQUEST = "create or change requests"
    READ_PROJECT = "see the bookings and costs"
    READ_ALL = "see every project's bookings and costs"
    AUDIT = "read the audit trail"
    BACKUP = "back up the database"
    READ_PEOPLE = "see people's e-mail addresses and absence notes"
    NOTIFY = "send or manage the platform's notifications"


_ALLOWED: dict[Action, set[Access]] = {
    Action.MANAGE: {Access.ADMIN},
    Action.APPROVE: {Access.ADMIN, Access.OPERATOR},
    Action.REJECT: {Access.ADMIN, Access.OPERATOR},
    Action.SCHEDULE: {Access.ADMIN, Access.OPERATOR},
    Action.BOOK: {Access.ADMIN, Access.OPERATOR},
    Action.DOWNTIME: {Access.ADMIN, Access.OPERATOR},
    Action.REPORT: {Access.ADMIN, Access.OPERATOR, Access.VIEWER},
    Action.READ_ALL: {Access.ADMIN, Access.OPERATOR, Access.VIEWER},
    Action.AUDIT: {Access.ADMIN, Access.OPERATOR},
    Action.BACKUP: {Access.ADMIN, Access.OPERATOR},
    Action.READ_PEOPLE: {Access.ADMIN, Access.OPERATOR},  # and each person their own
    Action.NOTIFY: {Access.ADMIN, Access.OPERATOR},  # each person sees their own messages
    # Project-bound actions: these levels for any project, leads for their own.
    Action.REQUEST: {Access.ADMIN, Access.OPERATOR},
    Action.READ_PROJECT: {Access.ADMIN, Access.OPERATOR, Access.VIEWER},
}
_PROJECT_BOUND = {Action.REQUEST, Action.READ_PROJECT}


@dataclass(frozen=True)
class Actor:
    """The person acting, as far as permissions go."""

    id: str
    access: Access
    name: str = ""
    leads: frozenset[str] = field(default_factory=frozenset)  # projects they lead
    person: bool = True  # one of the platform's people (not labops itself)
    # The admin acting as this person (--as on a platform with login identity); the audit
    # trail records both.
    impersonated_by: str | None = None

    @classmethod
    def system(cls) -> Actor:
        """labops itself (bootstrap, migrations): allowed everything."""
        return cls(id="system", access=Access.ADMIN, name="labops", person=False)

    @classmethod
    def anonymous(cls) -> Actor:
        """Nobody named (no --as): the least a person sees, a member's view without
        assignments of their own."""
        return cls(id="", access=Access.MEMBER, name="nobody", person=False)

    def can(self, action: Action, project: str | None = None) -> bool:
        if self.access in _ALLOWED[action]:
            return True
        return action in _PROJECT_BOUND and project is not None and project in self.leads

    def require(self, action: Action, project: str | None = None) -> None:
        if not self.can(action, project):
            target = f" of project '{project}'" if project and action in _PROJECT_BOUND else ""
            raise PermissionDenied(
                f"permission denied: {self.access.value} '{self.id}' cannot {action.value}{target}"
            )


def current_actor(session: Session, actor: Actor) -> Actor:
    """``actor`` as the database has them now. Services call this inside each write
    transaction, so rights taken away since ``actor`` was resolved (in a TUI opened before
    an admin demoted its user) no longer count. labops itself stays as it is."""
    if not actor.person:
        return actor
    if actor.impersonated_by is not None:
        admin = resolve_actor(session, actor.impersonated_by)
        if admin.access != Access.ADMIN:
            raise PermissionDenied(
                f"permission denied: {admin.access.value} '{admin.id}' cannot act as another "
                "person (--as is for admins on this platform)"
            )
        # Every audit event of this transaction names the admin too (labops.audit.record).
        session.info[IMPERSONATED_BY] = admin.id
    again = resolve_actor(session, actor.id)
    return replace(again, impersonated_by=actor.impersonated_by)


def resolve_actor(session: Session, person_id: str | None) -> Actor:
    """The Actor for ``person_id`` (from --as or $LABOPS_USER), checked against the people."""
    if not person_id:
        raise PermissionDenied("who is acting? give --as PERSON or set LABOPS_USER")
    if has_controls(person_id):
        raise PermissionDenied("--as: a person's id holds no control characters")
    person = session.get(t.Person, person_id)
    if person is None:
        raise PermissionDenied(f"unknown person '{person_id[:64]}': not in this platform's people")
    leads = frozenset(session.exec(select(t.Project.id).where(t.Project.lead == person_id)))
    return Actor(id=person.id, access=person.access, name=person.name, leads=leads)
