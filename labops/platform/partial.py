"""What can be read of a platform file whose entries have problems of their own.

When some entries fail their field checks, the entries that do parse are still checked
together (references, duplicates, cycles), so a person sees every problem in one pass. An
entry that does not parse is left out of those checks, but its id is remembered: a
reference to it is not reported as unknown (its own problem is), and a second entry with
its id still counts as a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from labops.fields import SLUG_PATTERN
from labops.platform.file_schema import (
    BookingSpec,
    EquipmentSpec,
    FundPoolSpec,
    KindSpec,
    PersonSpec,
    PlatformFile,
    ProjectSpec,
    RequestSpec,
    SiteSpec,
    TravelSpec,
)
from labops.vocabulary import PoolKind

M = TypeVar("M", bound=BaseModel)

# Sections whose entries others refer to or that take part in the checks, with their model.
_SECTIONS: dict[str, type[BaseModel]] = {
    "kinds": KindSpec,
    "sites": SiteSpec,
    "travel": TravelSpec,
    "equipment": EquipmentSpec,
    "people": PersonSpec,
    "fund_pools": FundPoolSpec,
    "projects": ProjectSpec,
    "requests": RequestSpec,
}
# Lists inside an entry that nothing refers to: a bad item there leaves out only that item.
_SIDE_LISTS = ("downtime", "absences", "closures")


@dataclass
class Unread:
    """The entries left out of the checks of a platform file: ``ids`` per section (the
    readable ids of entries with problems), ``sections`` that are unreadable as a whole
    (nothing is known of their ids), and what is known of left-out equipment units."""

    ids: dict[str, list[Any]] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)
    unit_kinds: set[str] = field(default_factory=set)  # kinds of left-out units
    unit_kind_unknown: bool = False  # a left-out unit whose kind cannot be read
    pool_kinds: list[PoolKind] = field(default_factory=list)  # kinds of left-out fund pools
    pool_kind_unknown: bool = False

    def known(self, section: str) -> set[Any]:
        return set(self.ids.get(section, ()))


def read_what_parses(document: Any) -> tuple[PlatformFile, Unread]:
    """The entries of ``document`` that parse on their own, and what was left out."""
    unread = Unread()
    sections: dict[str, Any] = {}  # section -> its specs (a list of the section's model)
    if not isinstance(document, dict):
        # model_construct fills no defaults' requirements: an empty file on purpose
        return PlatformFile.model_construct(), Unread(sections=set(_SECTIONS))  # type: ignore[call-arg]
    for section, model in _SECTIONS.items():
        entries = document.get(section, [])
        if not isinstance(entries, list):
            unread.sections.add(section)
            sections[section] = []
            continue
        parsed = []
        for entry in entries:
            spec = _parse_entry(model, entry)
            if spec is None:
                _remember(unread, section, entry)
            else:
                parsed.append(spec)
        sections[section] = parsed
    # Bookings refer to nothing that refers back; one that does not parse is simply left out.
    bookings = []
    raw_bookings = document.get("bookings", [])
    if isinstance(raw_bookings, list):
        for entry in raw_bookings:
            spec = _parse_entry(BookingSpec, entry)
            if spec is not None:
                bookings.append(spec)
    return PlatformFile.model_construct(**sections, bookings=bookings), unread


def _parse_entry(model: type[M], entry: Any) -> M | None:
    try:
        return model.model_validate(entry)
    except ValidationError as exc:
        errors = exc.errors()
    # Problems only inside downtime, absences or closures: check the entry without them.
    if not isinstance(entry, dict):
        return None
    bad: dict[str, set[int]] = {}
    for error in errors:
        loc = error["loc"]
        if len(loc) < 2 or loc[0] not in _SIDE_LISTS or not isinstance(loc[1], int):
            return None
        bad.setdefault(str(loc[0]), set()).add(loc[1])
    trimmed = dict(entry)
    for name, indices in bad.items():
        items = trimmed.get(name)
        if not isinstance(items, list):
            return None
        trimmed[name] = [item for i, item in enumerate(items) if i not in indices]
    try:
        return model.model_validate(trimmed)
    except ValidationError:
        return None


def _remember(unread: Unread, section: str, entry: Any) -> None:
    if not isinstance(entry, dict):
        return
    key = _raw_id(section, entry)
    if key is not None:
        unread.ids.setdefault(section, []).append(key)
    if section == "equipment":
        kind = _slug(entry.get("kind"))
        if kind is not None:
            unread.unit_kinds.add(kind)
        else:
            unread.unit_kind_unknown = True
    if section == "fund_pools":
        kind = entry.get("kind")
        if isinstance(kind, str) and kind.strip() in set(PoolKind):
            unread.pool_kinds.append(PoolKind(kind.strip()))
        else:
            unread.pool_kind_unknown = True


def _raw_id(section: str, entry: dict[str, Any]) -> Any:
    """The id of an entry that does not parse, if it is a valid one (an invalid id is a
    problem of its own, and no valid reference can name it)."""
    if section == "travel":
        between = entry.get("between")
        sites = [_slug(site) for site in between] if isinstance(between, list) else []
        if len(sites) == 2 and None not in sites:
            return "/".join(sorted(sites))  # type: ignore[arg-type]
        return None
    key = entry.get("id")
    if section == "requests":
        valid = isinstance(key, int) and not isinstance(key, bool) and 1 <= key <= 2**31
        return key if valid else None
    return _slug(key)


def _slug(value: Any) -> str | None:
    if isinstance(value, str) and _SLUG.match(value.strip()):
        return value.strip()
    return None


_SLUG = re.compile(SLUG_PATTERN)
