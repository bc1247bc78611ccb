"""Reads of the register: the list with its filters, an entry's page with what citizens said
of its use cases, its history, and what the form offers.

Everyone reads published entries; a draft is read by its owner's people and the facilitators
(`access._sees_entry`), and the list shows them, apart, the drafts they may see. Each page costs
the same statements whatever the number of entries, links and versions.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from coalition.access import ACTORS, WORKSHOPS, is_facilitator, is_participant, membership_in
from coalition.actors.models import Actor, Family
from coalition.auth.models import Membership, User
from coalition.charter.models import CharterVersion, Label, LabelAward
from coalition.charter.queries import current_version, signed_versions
from coalition.coalitions.models import Coalition, Lever
from coalition.coalitions.naming import shown_name
from coalition.register.models import (
    ENTRY_STATUS_LABELS,
    EntryStatus,
    EntryVersion,
    RegisterEntry,
    entry_levers,
)
from coalition.roadmap.models import Action
from coalition.workshops.models import Contribution, ContributionKind, UseCase, Workshop

DECISIONS = {"yes": True, "no": False}  # the `decisions` filter's values

FIELD_LABELS = {
    "name": _l("Nom"),
    "owner_id": _l("Organisation responsable"),
    "status": _l("État"),
    "purpose": _l("À quoi il sert"),
    "individual_decisions": _l("Intervient dans des décisions individuelles"),
    "human_oversight": _l("Contrôle humain"),
    "data_used": _l("Données utilisées"),
    "personal_data": _l("Données personnelles"),
    "vendor_id": _l("Fournisseur"),
    "source_code_url": _l("Code source"),
    "licence": _l("Licence"),
    "impact_assessment": _l("Analyse d'impact"),
    "impact_assessment_url": _l("Analyse d'impact publiée"),
    "contact": _l("Contact"),
    "lever_ids": _l("Leviers"),
    "action_ids": _l("Actions de la feuille de route"),
    "case_ids": _l("Cas d'usage des ateliers"),
}
LONG_FIELDS = frozenset({"purpose", "human_oversight", "data_used", "impact_assessment"})


def entry_or_404(session: Session, coalition: Coalition, entry_id: int) -> RegisterEntry:
    """The coalition's entry with its levers, actions and cases (read again after a rollback).
    Whether the viewer may see it is the route's `require("entry.view", ..., hide=True)`."""
    entry = session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.id == entry_id, RegisterEntry.coalition_id == coalition.id)
        .options(
            selectinload(RegisterEntry.levers),
            selectinload(RegisterEntry.actions),
            selectinload(RegisterEntry.cases),
        )
        .execution_options(populate_existing=True)
    ).one_or_none()
    if entry is None:
        abort(404)
    return entry


# -- the list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    status: EntryStatus | None = None
    family: Family | None = None
    lever_id: int | None = None
    decisions: bool | None = None


def parse_filters(args: Mapping[str, str], lever_ids: Collection[int]) -> RegisterFilters | None:
    """The list's filters from the query string; None when a value is unknown."""
    status, family = args.get("status", ""), args.get("family", "")
    lever, decisions = args.get("lever", ""), args.get("decisions", "")
    try:
        chosen_status = EntryStatus(status) if status else None
        chosen_family = Family(family) if family else None
    except ValueError:
        return None
    lever_id = None
    if lever:
        if not (lever.isascii() and lever.isdigit()) or int(lever) not in lever_ids:
            return None
        lever_id = int(lever)
    if decisions and decisions not in DECISIONS:
        return None
    return RegisterFilters(chosen_status, chosen_family, lever_id, DECISIONS.get(decisions))


@dataclass(frozen=True)
class EntryRow:
    entry: RegisterEntry
    owner: Actor
    vendor: Actor | None


@dataclass(frozen=True)
class RegisterList:
    published: list[EntryRow]
    drafts: list[EntryRow]  # the drafts this viewer may see (none for the public)
    levers: list[Lever]  # the filter's choices
    signed: dict[int, CharterVersion]  # owner id -> latest charter version it signed
    current: CharterVersion | None


def _drafts_where(viewer: User | None, coalition_id: int) -> ColumnElement[bool] | None:
    """The drafts a viewer sees: facilitators all of them, a member those of their actor;
    None for the others."""
    if is_facilitator(viewer, coalition_id):
        return true()
    membership = membership_in(viewer, coalition_id)
    if membership is not None and membership.actor_id is not None:
        return RegisterEntry.owner_id == membership.actor_id
    return None


def _rows(
    session: Session, coalition: Coalition, filters: RegisterFilters, shown: ColumnElement[bool]
) -> list[EntryRow]:
    owner, vendor = aliased(Actor), aliased(Actor)
    query = (
        select(RegisterEntry, owner, vendor)
        .join(owner, owner.id == RegisterEntry.owner_id)
        .outerjoin(vendor, vendor.id == RegisterEntry.vendor_id)
        .where(RegisterEntry.coalition_id == coalition.id, shown)
    )
    if filters.status is not None:
        query = query.where(RegisterEntry.status == filters.status)
    if filters.family is not None:
        query = query.where(owner.family == filters.family)
    if filters.decisions is not None:
        query = query.where(RegisterEntry.individual_decisions.is_(filters.decisions))
    if filters.lever_id is not None:
        on_lever = select(entry_levers.c.entry_id).where(
            entry_levers.c.lever_id == filters.lever_id
        )
        query = query.where(RegisterEntry.id.in_(on_lever))
    rows = session.execute(
        query.options(selectinload(RegisterEntry.levers)).order_by(
            RegisterEntry.name, RegisterEntry.id
        )
    ).all()
    return [EntryRow(entry, owner_row, vendor_row) for entry, owner_row, vendor_row in rows]


def coalition_levers(session: Session, coalition: Coalition) -> list[Lever]:
    """Every lever of the coalition, retired ones too (an entry may still name one)."""
    return list(
        session.scalars(
            select(Lever)
            .where(Lever.coalition_id == coalition.id)
            .order_by(Lever.position, Lever.name, Lever.id)
        )
    )


def lever_choices(levers: list[Lever]) -> list[tuple[str, str]]:
    return [(str(lever.id), shown_name(lever)) for lever in levers]


def register_list(
    session: Session,
    coalition: Coalition,
    filters: RegisterFilters,
    levers: list[Lever],
    viewer: User | None,
) -> RegisterList:
    published = _rows(session, coalition, filters, RegisterEntry.is_published.is_(True))
    drafts_where = _drafts_where(viewer, coalition.id)
    drafts: list[EntryRow] = []
    if drafts_where is not None:
        drafts = _rows(
            session,
            coalition,
            filters,
            and_(RegisterEntry.is_published.is_(False), drafts_where),
        )
    owners = {row.owner.id for row in [*published, *drafts]}
    return RegisterList(
        published,
        drafts,
        levers,
        signed_versions(session, coalition.id, owners),
        current_version(session, coalition.id),
    )


# -- an entry's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    case: UseCase
    workshop: Workshop
    benefits: list[Contribution]  # only from published workshops
    fears: list[Contribution]


@dataclass(frozen=True)
class EntrySheet:
    entry: RegisterEntry
    owner: Actor
    vendor: Actor | None
    levers: list[Lever]
    actions: list[Action]
    cases: list[CaseView]  # those of workshops the viewer may see
    last_version: EntryVersion | None
    signed: CharterVersion | None  # the latest charter version the owner signed
    current: CharterVersion | None
    labels: list[Label]  # the labels the entry holds


def entry_sheet(session: Session, entry: RegisterEntry, viewer: User | None) -> EntrySheet:
    coalition_id = entry.coalition_id
    actors = {
        actor.id: actor
        for actor in session.scalars(
            select(Actor).where(Actor.id.in_({entry.owner_id, entry.vendor_id or entry.owner_id}))
        )
    }
    case_ids = [case.id for case in entry.cases]
    workshops: dict[int, Workshop] = {}
    said: dict[tuple[int, ContributionKind], list[Contribution]] = defaultdict(list)
    if case_ids:
        workshops = {
            workshop.id: workshop
            for workshop in session.scalars(
                select(Workshop).where(
                    Workshop.id.in_({case.workshop_id for case in entry.cases}),
                    Workshop.coalition_id == coalition_id,
                )
            )
        }
        contributions = session.scalars(
            select(Contribution)
            .join(UseCase, UseCase.id == Contribution.case_id)
            .join(Workshop, Workshop.id == UseCase.workshop_id)
            .where(
                Contribution.case_id.in_(case_ids),
                Contribution.kind.in_([ContributionKind.benefit, ContributionKind.fear]),
                Workshop.is_published.is_(True),
            )
            .order_by(Contribution.case_id, Contribution.created_at, Contribution.id)
        )
        for contribution in contributions:
            said[(contribution.case_id, contribution.kind)].append(contribution)
    cases = [
        CaseView(
            case,
            workshops[case.workshop_id],
            said[(case.id, ContributionKind.benefit)],
            said[(case.id, ContributionKind.fear)],
        )
        for case in sorted(entry.cases, key=lambda c: (c.workshop_id, c.position, c.id))
        if case.workshop_id in workshops and WORKSHOPS.sees(viewer, workshops[case.workshop_id])
    ]
    last_version = session.scalar(
        select(EntryVersion)
        .where(EntryVersion.entry_id == entry.id)
        .order_by(EntryVersion.number.desc())
        .limit(1)
    )
    return EntrySheet(
        entry,
        actors[entry.owner_id],
        actors.get(entry.vendor_id) if entry.vendor_id else None,
        sorted(entry.levers, key=lambda lv: (lv.position, lv.name, lv.id)),
        sorted(entry.actions, key=lambda a: (a.title, a.id)),
        cases,
        last_version,
        signed_versions(session, coalition_id, [entry.owner_id]).get(entry.owner_id),
        current_version(session, coalition_id),
        list(
            session.scalars(
                select(Label)
                .join(LabelAward, LabelAward.label_id == Label.id)
                .where(LabelAward.entry_id == entry.id, Label.coalition_id == coalition_id)
                .order_by(Label.name, Label.id)
            )
        ),
    )


# -- its history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None for a long text: the history says it changed, not how
    after: str | None


@dataclass(frozen=True)
class VersionLine:
    version: EntryVersion
    author: str
    changes: list[Change]


@dataclass(frozen=True)
class _Names:
    actors: dict[int, str]
    levers: dict[int, str]
    actions: dict[int, str]
    cases: dict[int, str]  # only those of workshops the viewer may see


def _ids(versions: list[EntryVersion], *keys: str) -> set[int]:
    found: set[int] = set()
    for version in versions:
        for key in keys:
            value = version.fields.get(key)
            if isinstance(value, list):
                found.update(v for v in value if isinstance(v, int))
            elif isinstance(value, int) and not isinstance(value, bool):
                found.add(value)
    return found


def _names(
    session: Session, coalition_id: int, versions: list[EntryVersion], viewer: User | None
) -> _Names:
    def named(query: Any) -> dict[int, str]:
        return {ident: str(name) for ident, name in session.execute(query)}

    actors = named(
        select(Actor.id, Actor.name).where(
            Actor.id.in_(_ids(versions, "owner_id", "vendor_id")),
            Actor.coalition_id == coalition_id,
            ACTORS.where(viewer, coalition_id),
        )
    )
    levers = named(
        select(Lever.id, Lever.name).where(
            Lever.id.in_(_ids(versions, "lever_ids")), Lever.coalition_id == coalition_id
        )
    )
    actions = named(
        select(Action.id, Action.title).where(
            Action.id.in_(_ids(versions, "action_ids")), Action.coalition_id == coalition_id
        )
    )
    cases = named(
        select(UseCase.id, UseCase.title)
        .join(Workshop, Workshop.id == UseCase.workshop_id)
        .where(
            UseCase.id.in_(_ids(versions, "case_ids")),
            Workshop.coalition_id == coalition_id,
            WORKSHOPS.where(viewer, coalition_id),
        )
    )
    return _Names(actors, levers, actions, cases)


def _shown(name: str, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    if name == "status":
        try:
            return str(ENTRY_STATUS_LABELS[EntryStatus(value)])
        except ValueError:
            return str(value)
    table = {
        "owner_id": names.actors,
        "vendor_id": names.actors,
        "lever_ids": names.levers,
        "action_ids": names.actions,
        "case_ids": names.cases,
    }.get(name)
    if table is None:
        return str(value)
    if isinstance(value, list):
        shown = [table[v] for v in value if v in table]
        return ", ".join(shown) if shown else "—"
    if name in ("owner_id", "vendor_id"):  # an actor the viewer may not see named
        return table.get(value, str(_l("un acteur hors de l'annuaire public")))
    return table.get(value, "—")


def _changes(version: EntryVersion, previous: EntryVersion | None, names: _Names) -> list[Change]:
    before = previous.fields if previous is not None else {}
    changes = []
    for name in version.changed:
        if name not in FIELD_LABELS:
            continue
        label = str(FIELD_LABELS[name])
        if name in LONG_FIELDS:
            changes.append(Change(label, None, None))
            continue
        old = _shown(name, before.get(name), names) if previous is not None else ""
        new = _shown(name, version.fields.get(name), names)
        if old == new and name == "case_ids":
            continue  # only cases the viewer may not see changed
        changes.append(Change(label, old, new))
    return changes


def entry_history(
    session: Session, coalition: Coalition, entry: RegisterEntry, viewer: User | None
) -> list[VersionLine]:
    """Every version of the entry, latest first. Participants read who saved each one; the
    public reads the owning actor's name when one of its people saved it, else the coalition's
    facilitators."""
    rows = session.execute(
        select(EntryVersion, User.name)
        .outerjoin(User, User.id == EntryVersion.saved_by_id)
        .where(EntryVersion.entry_id == entry.id)
        .order_by(EntryVersion.number)
    ).all()
    versions = [version for version, _ in rows]
    names = _names(session, coalition.id, versions, viewer)
    owner = session.get_one(Actor, entry.owner_id)
    # as everywhere for the public, an actor out of the directory is not named
    owner_name = owner.name if owner.is_listed else str(_l("un acteur hors de l'annuaire public"))
    insider = is_participant(viewer, coalition.id)
    speakers: set[int] = set()
    if not insider:
        savers = {v.saved_by_id for v in versions if v.saved_by_id is not None}
        speakers = set(
            session.scalars(
                select(Membership.user_id).where(
                    Membership.coalition_id == coalition.id,
                    Membership.user_id.in_(savers),
                    Membership.actor_id == entry.owner_id,
                )
            )
        )
    team = str(_l("l'équipe d'animation de la coalition"))
    lines = []
    previous: EntryVersion | None = None
    for version, user_name in rows:
        if insider:
            author = user_name or team
        else:
            author = owner_name if version.saved_by_id in speakers else team
        lines.append(VersionLine(version, author, _changes(version, previous, names)))
        previous = version
    return list(reversed(lines))


# -- what the form offers ----------------------------------------------------------------


def coalition_actors(session: Session, coalition: Coalition) -> list[Actor]:
    return list(
        session.scalars(
            select(Actor).where(Actor.coalition_id == coalition.id).order_by(Actor.name, Actor.id)
        )
    )


def owner_of(session: Session, coalition: Coalition, actor_id: int) -> Actor | None:
    return session.scalars(
        select(Actor).where(Actor.id == actor_id, Actor.coalition_id == coalition.id)
    ).one_or_none()


def offered_actions(session: Session, coalition: Coalition) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.coalition_id == coalition.id)
            .order_by(Action.title, Action.id)
        )
    )


def offered_cases(
    session: Session, coalition: Coalition, viewer: User | None, kept: Collection[int] = ()
) -> list[tuple[UseCase, str]]:
    """The use cases of the workshops the viewer sees (and those the entry already has), each
    with its workshop's title."""
    shown = WORKSHOPS.where(viewer, coalition.id)
    if kept:
        shown = shown | UseCase.id.in_(list(kept))
    rows = session.execute(
        select(UseCase, Workshop.title)
        .join(Workshop, Workshop.id == UseCase.workshop_id)
        .where(Workshop.coalition_id == coalition.id, shown)
        .order_by(Workshop.title, Workshop.id, UseCase.position, UseCase.id)
    ).all()
    return [(case, title) for case, title in rows]
