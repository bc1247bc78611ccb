"""The charter and the labels: what facilitators publish and award, what actors sign.

A version is frozen once published: a correction is a new version, numbered after the last.
An actor signs the current version, once, by someone who speaks for it. A label is awarded to an
actor or a register entry of the coalition, once each. Every write is audited.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import speaks_for
from coalition.actors.models import Actor, ActorStatus
from coalition.auth.models import User
from coalition.charter.models import CharterVersion, Label, LabelAward, Signature
from coalition.charter.queries import current_version
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import check_version
from coalition.register.models import RegisterEntry

MAX_TITLE, MAX_TEXT, MAX_CHANGES = 200, 50_000, 5000
MAX_NAME, MAX_ROLE = 200, 200
MAX_LABEL_NAME, MAX_CRITERIA = 200, 20_000

VERSION_FIELDS = ("number", "title", "text", "changes")
SIGNATURE_FIELDS = ("version_id", "actor_id", "signer_name", "signer_role")
LABEL_FIELDS = ("name", "criteria")
AWARD_FIELDS = ("label_id", "actor_id", "entry_id")

ALREADY_SIGNED = _l("Cet acteur a déjà signé cette version.")
NOT_A_SPEAKER = _l("Seuls les membres d'un acteur signent la charte en son nom.")
NEWER_VERSION = _l(
    "Une nouvelle version de la charte a été publiée entre-temps : rien n'a été enregistré. "
    "Relisez-la avant de recommencer."
)
NOT_OURS = _l("Ce label n'appartient pas à cette coalition.")
ACTOR_ELSEWHERE = _l("Cet acteur n'est pas un acteur de la coalition.")
ENTRY_ELSEWHERE = _l("Cette fiche n'est pas une fiche du registre de la coalition.")


def _text(value: str, limit: int, name: str, *, required: Any = None) -> str:
    value = value.strip()
    if required is not None and not value:
        raise ValidationError(required, field=name)
    if len(value) > limit:
        message = _l("Ce texte est trop long : %(max)d caractères au plus.", max=limit)
        raise ValidationError(message, field=name)
    return value


# -- versions -----------------------------------------------------------------------------


@dataclass
class VersionDetails:
    title: str
    text: str
    changes: str = ""


def publish_version(
    session: Session,
    coalition: Coalition,
    details: VersionDetails,
    *,
    based_on: int,
    by: User | None,
    now: datetime,
) -> CharterVersion:
    """Publish the next version; `based_on` is the number of the version the author read
    (0 for none): another version published since is refused rather than silently replaced."""
    current = current_version(session, coalition.id)
    number = current.number if current else 0
    if based_on != number:
        raise Conflict(NEWER_VERSION)
    title = _text(details.title, MAX_TITLE, "title", required=_l("Le titre est obligatoire."))
    text = _text(details.text, MAX_TEXT, "text", required=_l("Le texte de la charte est vide."))
    needed = _l("Dites ce que cette version change.") if current else None
    changes = _text(details.changes, MAX_CHANGES, "changes", required=needed)
    if current is not None and (title, text) == (current.title, current.text.strip()):
        message = _l("Ce texte est celui de la version en vigueur : il n'y a rien à publier.")
        raise ValidationError(message, field="text")
    version = CharterVersion(
        coalition_id=coalition.id,
        number=number + 1,
        title=title,
        text=text,
        changes=changes,
        published_at=now,
        published_by_id=by.id if by else None,
    )
    session.add(version)
    audit.record_change(
        session,
        "charter_version",
        version,
        "publish",
        by=by,
        coalition_id=coalition.id,
        before=None,
        fields=VERSION_FIELDS,
    )
    return version


# -- signatures ---------------------------------------------------------------------------


@dataclass
class SignerDetails:
    name: str
    role: str = ""


def record_signature(
    session: Session,
    version: CharterVersion,
    actor: Actor,
    signer: SignerDetails,
    *,
    by: User | None,
    now: datetime,
) -> Signature:
    """The actor's signature of this version (any version: the seed records past ones)."""
    if actor.coalition_id != version.coalition_id:
        raise ValidationError(ACTOR_ELSEWHERE, field="actor")
    if actor.status == ActorStatus.left:
        raise ValidationError(_l("Cet acteur a quitté la coalition."), field="actor")
    required = _l("Le nom de la personne qui signe est obligatoire.")
    name = _text(signer.name, MAX_NAME, "name", required=required)
    role = _text(signer.role, MAX_ROLE, "role")
    signed = session.scalar(
        select(Signature.id).where(
            Signature.version_id == version.id, Signature.actor_id == actor.id
        )
    )
    if signed is not None:
        raise Conflict(ALREADY_SIGNED)
    signature = Signature(
        version_id=version.id,
        actor_id=actor.id,
        signed_by_id=by.id if by else None,
        signer_name=name,
        signer_role=role,
        signed_at=now,
    )
    session.add(signature)
    audit.record_change(
        session,
        "charter_signature",
        signature,
        "create",
        by=by,
        coalition_id=version.coalition_id,
        actor_id=actor.id,
        before=None,
        fields=SIGNATURE_FIELDS,
    )
    return signature


def sign(
    session: Session,
    coalition: Coalition,
    actor: Actor,
    signer: SignerDetails,
    *,
    version_number: int | None,
    by: User | None,
    now: datetime,
) -> Signature:
    """`by` signs the current version for the actor they speak for; `version_number` is the
    version they read (a newer one published since is refused)."""
    if actor.coalition_id != coalition.id:
        raise ValidationError(ACTOR_ELSEWHERE, field="actor")
    if not speaks_for(by, actor):
        raise ValidationError(NOT_A_SPEAKER)
    current = current_version(session, coalition.id)
    if current is None:
        raise ValidationError(_l("La coalition n'a pas encore publié de charte."))
    if version_number != current.number:
        raise Conflict(NEWER_VERSION)
    return record_signature(session, current, actor, signer, by=by, now=now)


# -- labels -------------------------------------------------------------------------------


@dataclass
class LabelDetails:
    name: str
    criteria: str = ""


def _label_values(
    session: Session, coalition: Coalition, details: LabelDetails, label: Label | None
) -> dict[str, str]:
    name = _text(details.name, MAX_LABEL_NAME, "name", required=_l("Le nom est obligatoire."))
    criteria = _text(details.criteria, MAX_CRITERIA, "criteria")
    same_name = select(Label.id).where(
        Label.coalition_id == coalition.id, func.lower(Label.name) == name.lower()
    )
    if label is not None:
        same_name = same_name.where(Label.id != label.id)
    if session.scalar(same_name) is not None:
        raise ValidationError(_l("Un label de la coalition porte déjà ce nom."), field="name")
    return {"name": name, "criteria": criteria}


def create_label(
    session: Session, coalition: Coalition, details: LabelDetails, *, by: User | None
) -> Label:
    label = Label(coalition_id=coalition.id, **_label_values(session, coalition, details, None))
    session.add(label)
    audit.record_change(
        session,
        "label",
        label,
        "create",
        by=by,
        coalition_id=coalition.id,
        before=None,
        fields=LABEL_FIELDS,
    )
    return label


def update_label(
    session: Session,
    coalition: Coalition,
    label: Label,
    details: LabelDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Label:
    if label.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    check_version("label", label, seen_version)
    values = _label_values(session, coalition, details, label)
    before = audit.snapshot(label, LABEL_FIELDS)
    for name, value in values.items():
        setattr(label, name, value)
    if audit.changed(label, before, LABEL_FIELDS):
        audit.record_change(
            session,
            "label",
            label,
            "update",
            by=by,
            coalition_id=coalition.id,
            before=before,
            fields=LABEL_FIELDS,
        )
    return label


def award_label(
    session: Session,
    coalition: Coalition,
    label: Label,
    *,
    actor_id: int | None = None,
    entry_id: int | None = None,
    by: User | None,
    now: datetime,
) -> LabelAward:
    """Award the label to one actor or one register entry of the coalition."""
    if label.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    if (actor_id is None) == (entry_id is None):
        raise ValidationError(_l("Choisissez un acteur ou une fiche du registre."))
    holder: Actor | RegisterEntry | None
    if actor_id is not None:
        holder = session.get(Actor, actor_id)
        if holder is None or holder.coalition_id != coalition.id:
            raise ValidationError(ACTOR_ELSEWHERE, field="actor")
        held = LabelAward.actor_id == actor_id
        message = _l("Cet acteur détient déjà ce label.")
    else:
        holder = session.get(RegisterEntry, entry_id)
        if holder is None or holder.coalition_id != coalition.id:
            raise ValidationError(ENTRY_ELSEWHERE, field="entry")
        held = LabelAward.entry_id == entry_id
        message = _l("Cette fiche détient déjà ce label.")
    if session.scalar(select(LabelAward.id).where(LabelAward.label_id == label.id, held)):
        raise Conflict(message)
    award = LabelAward(
        label_id=label.id,
        actor_id=actor_id,
        entry_id=entry_id,
        awarded_at=now,
        awarded_by_id=by.id if by else None,
    )
    session.add(award)
    audit.record_change(
        session,
        "label_award",
        award,
        "create",
        by=by,
        coalition_id=coalition.id,
        actor_id=actor_id,
        before=None,
        fields=AWARD_FIELDS,
    )
    return award


def withdraw_award(
    session: Session, coalition: Coalition, label: Label, award: LabelAward, *, by: User | None
) -> None:
    if label.coalition_id != coalition.id or award.label_id != label.id:
        raise ValidationError(NOT_OURS)
    before = audit.snapshot(award, AWARD_FIELDS)
    session.delete(award)
    audit.record(
        session,
        entity="label_award",
        entity_id=award.id,
        action="delete",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        actor_id=award.actor_id,
        before=before,
    )
