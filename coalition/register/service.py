"""The register's writes: an entry recorded by its owner's people (or a facilitator), edited,
published and withdrawn by facilitators.

The rules are checked here, whatever the form sent: the owner and the vendor are actors of the
coalition (the vendor of the "Offre" family), a member records only for their own actor, the
levers, actions and use cases are the coalition's, addresses are http(s), the contact an e-mail
or an http(s) address. Each save that changes something keeps an `EntryVersion` (every field as
JSON, the names of those that changed, who saved it and when) and an audit row.

Audit rows of the register name no actor (`actor_id`): an actor's history is read by every
participant, and would tell them the name of a draft entry.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import WORKSHOPS, is_facilitator, speaks_for
from coalition.actors.models import Actor, Family
from coalition.auth.models import User
from coalition.auth.service import valid_email
from coalition.coalitions.models import Coalition, Lever
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.db import utcnow
from coalition.register.models import EntryStatus, EntryVersion, RegisterEntry
from coalition.roadmap.models import Action
from coalition.roadmap.service import own_actions
from coalition.workshops.models import UseCase, Workshop

# the fields a version keeps, in the order the history and the form show them
FIELDS = (
    "name",
    "owner_id",
    "status",
    "purpose",
    "individual_decisions",
    "human_oversight",
    "data_used",
    "personal_data",
    "vendor_id",
    "source_code_url",
    "licence",
    "impact_assessment",
    "impact_assessment_url",
    "contact",
    "lever_ids",
    "action_ids",
    "case_ids",
)
MAX_NAME, MAX_TEXT, MAX_URL, MAX_LICENCE, MAX_CONTACT = 200, 10_000, 500, 100, 320
MAX_ASSESSMENT = 20_000

NOT_OURS = _l("Cette fiche n'appartient pas à cette coalition.")
NOT_AN_ACTOR = _l("Cet acteur n'est pas un acteur de la coalition.")
NOT_YOURS = _l("Vous ne pouvez déclarer un usage qu'au nom de votre organisation.")
NOT_SUPPLY = _l("Ce fournisseur n'est pas un acteur « Offre » de la coalition.")
NOT_HTTP = _l("Cette adresse doit commencer par http:// ou https://.")
BAD_CONTACT = _l(
    "Indiquez une adresse e-mail ou une adresse web commençant par http:// ou https://."
)


@dataclass
class EntryDetails:
    name: str
    status: str
    owner_id: int | None
    purpose: str = ""
    individual_decisions: bool = False
    human_oversight: str = ""
    data_used: str = ""
    personal_data: bool = False
    vendor_id: int | None = None
    source_code_url: str = ""
    licence: str = ""
    impact_assessment: str = ""
    impact_assessment_url: str = ""
    contact: str = ""
    lever_ids: Sequence[int] = field(default_factory=tuple)
    action_ids: Sequence[int] = field(default_factory=tuple)
    case_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Checked:
    values: dict[str, Any]
    levers: list[Lever]
    actions: list[Action]
    cases: list[UseCase]


def entry_fields(entry: RegisterEntry) -> dict[str, Any]:
    """The entry as a version keeps it: JSON values, linked rows as sorted ids."""
    return {
        "name": entry.name,
        "owner_id": entry.owner_id,
        "status": EntryStatus(entry.status).value,
        "purpose": entry.purpose,
        "individual_decisions": entry.individual_decisions,
        "human_oversight": entry.human_oversight,
        "data_used": entry.data_used,
        "personal_data": entry.personal_data,
        "vendor_id": entry.vendor_id,
        "source_code_url": entry.source_code_url,
        "licence": entry.licence,
        "impact_assessment": entry.impact_assessment,
        "impact_assessment_url": entry.impact_assessment_url,
        "contact": entry.contact,
        "lever_ids": sorted(lever.id for lever in entry.levers),
        "action_ids": sorted(action.id for action in entry.actions),
        "case_ids": sorted(case.id for case in entry.cases),
    }


# -- checks -------------------------------------------------------------------------------


def _text(value: str, limit: int, name: str, *, required: Any = None) -> str:
    value = value.strip()
    if required is not None and not value:
        raise ValidationError(required, field=name)
    if len(value) > limit:
        message = _l("Ce texte est trop long : %(max)d caractères au plus.", max=limit)
        raise ValidationError(message, field=name)
    return value


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host and no blank in it."""
    if any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _url(value: str, name: str) -> str:
    value = _text(value, MAX_URL, name)
    if value and not is_web_address(value):
        raise ValidationError(NOT_HTTP, field=name)
    return value


def _contact(value: str) -> str:
    value = _text(value, MAX_CONTACT, "contact")
    if not value:
        return value
    if value.lower().startswith(("http://", "https://")):
        if not is_web_address(value):
            raise ValidationError(NOT_HTTP, field="contact")
        return value
    if not valid_email(value):
        raise ValidationError(BAD_CONTACT, field="contact")
    return value


def _status(value: str) -> EntryStatus:
    try:
        return EntryStatus(value)
    except ValueError:
        message = _l("Choisissez un état : idée, expérimentation, en service ou arrêté.")
        raise ValidationError(message, field="status") from None


def _owner(session: Session, coalition: Coalition, owner_id: int | None, by: User | None) -> Actor:
    if owner_id is None:
        raise ValidationError(_l("Choisissez l'acteur qui déclare cet usage."), field="owner")
    owner = session.get(Actor, owner_id)
    if owner is None or owner.coalition_id != coalition.id:
        raise ValidationError(NOT_AN_ACTOR, field="owner")
    # `by` None: the system (the seed); else a facilitator, or someone speaking for the owner
    if by is not None and not (is_facilitator(by, coalition.id) or speaks_for(by, owner)):
        raise ValidationError(NOT_YOURS, field="owner")
    return owner


def _vendor(session: Session, coalition: Coalition, vendor_id: int | None) -> int | None:
    if vendor_id is None:
        return None
    vendor = session.get(Actor, vendor_id)
    if vendor is None or vendor.coalition_id != coalition.id or vendor.family != Family.supply:
        raise ValidationError(NOT_SUPPLY, field="vendor")
    return vendor.id


def _levers(session: Session, coalition: Coalition, ids: Sequence[int]) -> list[Lever]:
    if not ids:
        return []
    levers = list(
        session.scalars(
            select(Lever)
            .where(Lever.id.in_(ids), Lever.coalition_id == coalition.id)
            .order_by(Lever.position, Lever.name, Lever.id)
        )
    )
    if len(levers) != len(set(ids)):
        raise ValidationError(_l("Ce levier n'existe pas dans cette coalition."), field="levers")
    return levers


def _cases(
    session: Session,
    coalition: Coalition,
    ids: Sequence[int],
    by: User | None,
    kept: Collection[int],
) -> list[UseCase]:
    """The coalition's use cases; a case newly linked must be one `by` may see (those the
    entry already had are kept, whoever saves it)."""
    if not ids:
        return []
    rows = session.execute(
        select(UseCase, Workshop)
        .join(Workshop, Workshop.id == UseCase.workshop_id)
        .where(UseCase.id.in_(ids), Workshop.coalition_id == coalition.id)
        .order_by(Workshop.title, UseCase.position, UseCase.id)
    ).all()
    visible = [
        case
        for case, workshop in rows
        if case.id in kept or by is None or WORKSHOPS.sees(by, workshop)
    ]
    if len(visible) != len(set(ids)):
        message = _l("Ce cas d'usage n'est pas un cas des ateliers de la coalition.")
        raise ValidationError(message, field="cases")
    return visible


def _checked(
    session: Session,
    coalition: Coalition,
    details: EntryDetails,
    by: User | None,
    *,
    kept_cases: Collection[int] = (),
) -> _Checked:
    values = {
        "name": _text(details.name, MAX_NAME, "name", required=_l("Le nom est obligatoire.")),
        "status": _status(details.status),
        "owner_id": _owner(session, coalition, details.owner_id, by).id,
        "purpose": _text(details.purpose, MAX_TEXT, "purpose"),
        "individual_decisions": bool(details.individual_decisions),
        "human_oversight": _text(details.human_oversight, MAX_TEXT, "human_oversight"),
        "data_used": _text(details.data_used, MAX_TEXT, "data_used"),
        "personal_data": bool(details.personal_data),
        "vendor_id": _vendor(session, coalition, details.vendor_id),
        "source_code_url": _url(details.source_code_url, "source_code_url"),
        "licence": _text(details.licence, MAX_LICENCE, "licence"),
        "impact_assessment": _text(details.impact_assessment, MAX_ASSESSMENT, "impact_assessment"),
        "impact_assessment_url": _url(details.impact_assessment_url, "impact_assessment_url"),
        "contact": _contact(details.contact),
    }
    return _Checked(
        values,
        _levers(session, coalition, details.lever_ids),
        own_actions(session, coalition, details.action_ids),
        _cases(session, coalition, details.case_ids, by, kept_cases),
    )


def _apply(entry: RegisterEntry, checked: _Checked) -> None:
    for name, value in checked.values.items():
        setattr(entry, name, value)
    entry.levers = checked.levers
    entry.actions = checked.actions
    entry.cases = checked.cases


# -- versions -----------------------------------------------------------------------------


def _keep_version(
    session: Session,
    entry: RegisterEntry,
    before: dict[str, Any] | None,
    *,
    by: User | None,
) -> EntryVersion:
    """Flush the entry, then keep it as its next version with the fields that changed (for
    the first, the fields it was given) and the audit row of the save."""
    session.flush()
    fields = entry_fields(entry)
    if before is None:
        changed = [name for name in FIELDS if fields[name] not in (None, "", False, [])]
    else:
        changed = [name for name in FIELDS if fields[name] != before.get(name)]
    last = session.scalar(
        select(func.max(EntryVersion.number)).where(EntryVersion.entry_id == entry.id)
    )
    version = EntryVersion(
        entry_id=entry.id,
        number=(last or 0) + 1,
        fields=fields,
        changed=changed,
        saved_by_id=by.id if by else None,
        saved_at=utcnow(),
    )
    session.add(version)
    audit.record(
        session,
        entity="register_entry",
        entity_id=entry.id,
        action="create" if before is None else "update",
        user_id=by.id if by else None,
        coalition_id=entry.coalition_id,
        before=before,
        after=fields,
    )
    session.flush()
    return version


# -- writes -------------------------------------------------------------------------------


def record_entry(
    session: Session, coalition: Coalition, details: EntryDetails, *, by: User | None
) -> RegisterEntry:
    """A new entry, a draft until a facilitator publishes it; its version 1."""
    checked = _checked(session, coalition, details, by)
    entry = RegisterEntry(coalition_id=coalition.id, created_by_id=by.id if by else None)
    _apply(entry, checked)
    session.add(entry)
    _keep_version(session, entry, None, by=by)
    return entry


def update_entry(
    session: Session,
    coalition: Coalition,
    entry: RegisterEntry,
    details: EntryDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> EntryVersion | None:
    """Save an edit: the new version, or None when nothing changed (nothing is written).
    A published entry stays published."""
    if entry.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    check_version("register_entry", entry, seen_version)
    before = entry_fields(entry)
    checked = _checked(session, coalition, details, by, kept_cases=set(before["case_ids"]))
    _apply(entry, checked)
    if entry_fields(entry) == before:
        return None
    entry.updated_at = (
        utcnow()
    )  # an UPDATE of the row (and its version) even when only links changed
    return _keep_version(session, entry, before, by=by)


def _set_published(
    session: Session,
    coalition: Coalition,
    entry: RegisterEntry,
    published: bool,
    *,
    seen_version: int | None,
    by: User | None,
    now: datetime,
) -> RegisterEntry:
    if entry.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    check_version("register_entry", entry, seen_version)
    if entry.is_published == published:
        message = (
            _l("Cette fiche est déjà publiée.")
            if published
            else _l("Cette fiche n'est pas publiée.")
        )
        raise ValidationError(message)
    before = {"is_published": entry.is_published}
    entry.is_published = published
    entry.published_at = now if published else None
    audit.record_change(
        session,
        "register_entry",
        entry,
        "publish" if published else "unpublish",
        by=by,
        coalition_id=entry.coalition_id,
        before=before,
        fields=("is_published", "published_at"),
    )
    return entry


def publish_entry(
    session: Session,
    coalition: Coalition,
    entry: RegisterEntry,
    *,
    seen_version: int | None,
    by: User | None,
    now: datetime,
) -> RegisterEntry:
    """Make the entry public: the register, its page, history and exports show it."""
    return _set_published(
        session, coalition, entry, True, seen_version=seen_version, by=by, now=now
    )


def unpublish_entry(
    session: Session,
    coalition: Coalition,
    entry: RegisterEntry,
    *,
    seen_version: int | None,
    by: User | None,
    now: datetime,
) -> RegisterEntry:
    """Take the entry back to a draft: only its owner's people and facilitators see it."""
    return _set_published(
        session, coalition, entry, False, seen_version=seen_version, by=by, now=now
    )
