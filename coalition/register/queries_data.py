"""What the register's open data reads: the published entries of a coalition, as plain data.

The same for everyone, signed in or not (open data is public): published entries only; the
owner's and the vendor's names only for actors listed in the public directory (`ACTORS`);
use cases only from published workshops (`WORKSHOPS`). No user is read. The exports cost four
statements and the feed one, whatever the number of entries.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from coalition.access import WORKSHOPS
from coalition.actors.models import Actor
from coalition.coalitions.models import Coalition, Lever
from coalition.register.exports import PublishedEntry
from coalition.register.models import (
    EntryVersion,
    RegisterEntry,
    entry_actions,
    entry_cases,
    entry_levers,
)
from coalition.roadmap.models import Action
from coalition.workshops.models import UseCase, Workshop

FEED_LIMIT = 50  # entries of the Atom feed, as the other feeds

Owner = aliased(Actor, name="owner")
Vendor = aliased(Actor, name="vendor")
Latest = aliased(EntryVersion, name="latest")


def _published_here(coalition: Coalition) -> ColumnElement[bool]:
    return and_(RegisterEntry.coalition_id == coalition.id, RegisterEntry.is_published.is_(True))


def _latest_number() -> Any:
    """The number of each entry's latest version."""
    return (
        select(EntryVersion.entry_id, func.max(EntryVersion.number).label("number"))
        .group_by(EntryVersion.entry_id)
        .subquery("latest_number")
    )


def _updated() -> ColumnElement[datetime]:
    """The latest version's save or the publication, whichever is later (SQL, for ORDER BY)."""
    saved, published = Latest.saved_at, RegisterEntry.published_at
    later: ColumnElement[datetime] = case(
        (saved.is_(None), published),
        (published.is_(None), saved),
        (saved > published, saved),
        else_=published,
    )
    return func.coalesce(later, RegisterEntry.updated_at)


def _entries(coalition: Coalition) -> Select[*tuple[Any, ...]]:
    """One row per published entry, with its owner, its vendor and its latest version."""
    latest_number = _latest_number()
    # Listed actors only, as everywhere in the open data (ACTORS.public(), on an alias).
    vendor_listed = and_(Vendor.id == RegisterEntry.vendor_id, Vendor.is_listed.is_(True))
    return (
        select(
            RegisterEntry.id,
            RegisterEntry.name,
            RegisterEntry.purpose,
            RegisterEntry.status,
            RegisterEntry.individual_decisions,
            RegisterEntry.human_oversight,
            RegisterEntry.data_used,
            RegisterEntry.personal_data,
            RegisterEntry.source_code_url,
            RegisterEntry.licence,
            RegisterEntry.impact_assessment,
            RegisterEntry.impact_assessment_url,
            RegisterEntry.contact,
            RegisterEntry.published_at,
            RegisterEntry.updated_at,
            Owner.id.label("owner_id"),
            Owner.name.label("owner"),
            Owner.family.label("owner_family"),
            Owner.is_listed.label("owner_listed"),
            Vendor.id.label("vendor_id"),
            Vendor.name.label("vendor"),
            Latest.number.label("version"),
            Latest.saved_at,
            Latest.changed,
        )
        .select_from(RegisterEntry)
        .join(Owner, Owner.id == RegisterEntry.owner_id)
        .outerjoin(Vendor, vendor_listed)
        .outerjoin(latest_number, latest_number.c.entry_id == RegisterEntry.id)
        .outerjoin(
            Latest,
            and_(Latest.entry_id == RegisterEntry.id, Latest.number == latest_number.c.number),
        )
        .where(_published_here(coalition))
    )


def _later(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def _entry(row: Any, names: dict[str, dict[int, list[str]]]) -> PublishedEntry:
    listed = bool(row.owner_listed)
    return PublishedEntry(
        id=row.id,
        name=row.name,
        purpose=row.purpose,
        status=row.status,
        owner_id=row.owner_id if listed else None,
        owner=row.owner if listed else None,
        owner_family=row.owner_family.value,
        vendor_id=row.vendor_id,
        vendor=row.vendor,
        individual_decisions=row.individual_decisions,
        human_oversight=row.human_oversight,
        data_used=row.data_used,
        personal_data=row.personal_data,
        source_code_url=row.source_code_url,
        licence=row.licence,
        impact_assessment=row.impact_assessment,
        impact_assessment_url=row.impact_assessment_url,
        contact=row.contact,
        version=row.version,
        published_at=row.published_at,
        updated_at=_later(row.saved_at, row.published_at) or row.updated_at,
        changed=tuple(row.changed or ()),
        levers=tuple(names["levers"].get(row.id, ())),
        actions=tuple(names["actions"].get(row.id, ())),
        cases=tuple(names["cases"].get(row.id, ())),
    )


def _names(session: Session, query: Select[Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for entry_id, name in session.execute(query):
        found[entry_id].append(name)
    return found


def _linked_names(session: Session, coalition: Coalition) -> dict[str, dict[int, list[str]]]:
    """The names of the levers, actions and use cases each published entry concerns."""
    published_here = _published_here(coalition)
    levers = (
        select(entry_levers.c.entry_id, Lever.name)
        .join(Lever, Lever.id == entry_levers.c.lever_id)
        .join(RegisterEntry, RegisterEntry.id == entry_levers.c.entry_id)
        .where(published_here)
        .order_by(Lever.position, Lever.name, Lever.id)
    )
    actions = (
        select(entry_actions.c.entry_id, Action.title)
        .join(Action, Action.id == entry_actions.c.action_id)
        .join(RegisterEntry, RegisterEntry.id == entry_actions.c.entry_id)
        .where(published_here)
        .order_by(Action.title, Action.id)
    )
    cases = (
        select(entry_cases.c.entry_id, UseCase.title)
        .join(UseCase, UseCase.id == entry_cases.c.case_id)
        .join(Workshop, Workshop.id == UseCase.workshop_id)
        .join(RegisterEntry, RegisterEntry.id == entry_cases.c.entry_id)
        .where(published_here, WORKSHOPS.public())
        .order_by(Workshop.title, Workshop.id, UseCase.position, UseCase.id)
    )
    return {
        "levers": _names(session, levers),
        "actions": _names(session, actions),
        "cases": _names(session, cases),
    }


def published_entries(session: Session, coalition: Coalition) -> list[PublishedEntry]:
    """Every published entry of the coalition, by id, with what it concerns: four statements."""
    rows = session.execute(_entries(coalition).order_by(RegisterEntry.id)).all()
    names = _linked_names(session, coalition)
    return [_entry(row, names) for row in rows]


def latest_published(
    session: Session, coalition: Coalition, limit: int = FEED_LIMIT
) -> list[PublishedEntry]:
    """The feed's entries: the latest published or changed first, without their links."""
    rows = session.execute(
        _entries(coalition).order_by(_updated().desc(), RegisterEntry.id.desc()).limit(limit)
    ).all()
    no_names: dict[str, dict[int, list[str]]] = {"levers": {}, "actions": {}, "cases": {}}
    return [_entry(row, no_names) for row in rows]


def last_change(session: Session, coalition: Coalition) -> datetime:
    """When the register's data last changed: the coalition, any of its entries (published or
    not, so that a 304 never hides an unpublished one), their versions, or an actor (a
    renamed owner). One statement."""
    here = RegisterEntry.coalition_id == coalition.id
    moments: Iterable[datetime | None] = session.execute(
        select(
            select(func.max(RegisterEntry.updated_at)).where(here).scalar_subquery(),
            select(func.max(RegisterEntry.published_at)).where(here).scalar_subquery(),
            select(func.max(EntryVersion.saved_at))
            .join(RegisterEntry, RegisterEntry.id == EntryVersion.entry_id)
            .where(here)
            .scalar_subquery(),
            select(func.max(Actor.updated_at))
            .where(Actor.coalition_id == coalition.id)
            .scalar_subquery(),
        )
    ).one()
    return _later(coalition.updated_at, *moments) or coalition.updated_at
