"""A person's certifications and leave, set one at a time (each with its audit event, by an
admin), apart from the person's own form in ``labops.records.edit``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from labops import tables as t
from labops.audit import record
from labops.controls import check_text
from labops.db import Database
from labops.errors import InputError, NotFound
from labops.fields import Day, Entry, Slug
from labops.permissions import Action, Actor, current_actor
from labops.records.edit import FieldErrors, validate_input
from labops.vocabulary import AbsenceKind


class CertificationInput(Entry):
    kind: Slug
    expires: Day


def set_certification(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    person_id: str,
    values: Mapping[str, Any],
) -> None:
    """Certify a person for an equipment kind until a day (or renew the certification)."""
    actor.require(Action.MANAGE)
    checked: CertificationInput = validate_input(CertificationInput, values)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.MANAGE)
        _person(session, person_id)
        if session.get(t.Kind, checked.kind) is None:
            raise FieldErrors({"kind": f"no equipment kind {checked.kind!r}"})
        row = session.get(t.Certification, (person_id, checked.kind))
        old = row.expires if row else None
        row = row or t.Certification(
            person_id=person_id, kind_id=checked.kind, expires=checked.expires
        )
        row.expires = checked.expires
        session.add(row)
        record(
            session,
            actor=actor.id,
            at=now,
            action="certification.set",
            record_type="person",
            record_id=person_id,
            summary=f"{checked.kind} until {checked.expires.isoformat()}",
            changes={"expires": [old, checked.expires]},
        )


def add_absence(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    person_id: str,
    start: dt.datetime,
    end: dt.datetime,
    kind: AbsenceKind,
    note: str = "",
) -> int:
    """Record leave (or teaching, sickness) of a person; returns its id."""
    actor.require(Action.MANAGE)
    if start.tzinfo is None or end.tzinfo is None:
        raise InputError("absence times need a time zone")
    if end <= start:
        raise FieldErrors({"end": "must be after the start"})
    check_text(note, "note")
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.MANAGE)
        _person(session, person_id)
        absence = t.Absence(person_id=person_id, start=start, end=end, kind=kind, note=note)
        session.add(absence)
        session.flush()
        record(
            session,
            actor=actor.id,
            at=now,
            action="absence.add",
            record_type="person",
            record_id=person_id,
            summary=f"{kind.value} {note}".strip(),
            changes={"start": start, "end": end},
        )
        return absence.id


def _person(session: Session, person_id: str) -> t.Person:
    person = session.get(t.Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id!r}")
    return person
