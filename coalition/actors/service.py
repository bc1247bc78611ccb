"""Writes about actors: their record, the levers they hold, their commitments to actions.

Every function flushes and writes its audit event; the route commits. Edits of an existing
record take the version the user saw, so that a stale form never overwrites a newer change.
"""

from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.auth.models import User
from coalition.coalitions.models import Coalition, Lever
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import check_version
from coalition.roadmap.models import CLOSED_ACTIONS, Action, Commitment, CommitmentStatus, Role

ACTOR_FIELDS = (
    "name", "family", "kind", "territory", "website", "description", "status",
    "is_partner", "is_listed", "version",
)  # fmt: skip
HOLDING_FIELDS = ("lever_id", "capacity", "note", "version")
COMMITMENT_FIELDS = ("action_id", "role", "contribution", "status", "version")


def _record(
    session: Session,
    entity: str,
    obj: Holding | Commitment | Actor,
    action: str,
    *,
    actor: Actor,
    by: User | None,
    before: dict[str, Any] | None,
    fields: tuple[str, ...],
) -> None:
    session.flush()  # a new actor gets its id
    audit.record_change(
        session,
        entity,
        obj,
        action,
        by=by,
        coalition_id=actor.coalition_id,
        actor_id=actor.id,
        before=before,
        fields=fields,
    )


# -- actors -------------------------------------------------------------------------------


@dataclass
class ActorDetails:
    name: str
    family: Family
    kind: ActorKind = ActorKind.other
    territory: str = ""
    website: str | None = None
    description: str = ""
    status: ActorStatus = ActorStatus.interested
    is_partner: bool = False
    is_listed: bool = True


def _check_details(
    session: Session, coalition_id: int, details: ActorDetails, actor_id: int | None
) -> None:
    details.name = details.name.strip()
    if not details.name:
        raise ValidationError(_l("Le nom est obligatoire."), field="name")
    if details.website and not details.website.startswith(("https://", "http://")):
        raise ValidationError(
            _l("L'adresse du site doit commencer par https:// ou http://."), field="website"
        )
    same_name = session.scalar(
        select(Actor.id).where(Actor.coalition_id == coalition_id, Actor.name == details.name)
    )
    if same_name is not None and same_name != actor_id:
        raise Conflict(_l("Un acteur porte déjà ce nom dans la coalition."), field="name")


def create_actor(
    session: Session, coalition: Coalition, details: ActorDetails, *, by: User | None
) -> Actor:
    _check_details(session, coalition.id, details, None)
    actor = Actor(coalition_id=coalition.id, **asdict(details))
    session.add(actor)
    _record(session, "actor", actor, "create", actor=actor, by=by, before=None, fields=ACTOR_FIELDS)
    return actor


def update_actor(
    session: Session,
    actor: Actor,
    details: ActorDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Actor:
    check_version("actor", actor, seen_version)
    _check_details(session, actor.coalition_id, details, actor.id)
    before = audit.snapshot(actor, ACTOR_FIELDS)
    for field, value in asdict(details).items():
        setattr(actor, field, value)
    if audit.changed(actor, before, ACTOR_FIELDS):
        _record(
            session,
            "actor",
            actor,
            "update",
            actor=actor,
            by=by,
            before=before,
            fields=ACTOR_FIELDS,
        )
    return actor


def set_partner(
    session: Session,
    actor: Actor,
    *,
    is_partner: bool,
    seen_version: int | None,
    by: User | None,
) -> Actor:
    """Mark the actor as a partner of the coalition (the home page lists them), or not."""
    check_version("actor", actor, seen_version)
    before = audit.snapshot(actor, ACTOR_FIELDS)
    actor.is_partner = is_partner
    if audit.changed(actor, before, ACTOR_FIELDS):
        _record(
            session,
            "actor",
            actor,
            "update",
            actor=actor,
            by=by,
            before=before,
            fields=ACTOR_FIELDS,
        )
    return actor


# -- holdings -----------------------------------------------------------------------------


def _check_capacity(capacity: int | None) -> int:
    if capacity not in (1, 2, 3):
        raise ValidationError(_l("La capacité va de 1 (faible) à 3 (forte)."), field="capacity")
    return capacity


def add_holding(
    session: Session,
    actor: Actor,
    lever: Lever,
    *,
    capacity: int | None,
    note: str,
    by: User | None,
) -> Holding:
    if lever.coalition_id != actor.coalition_id:
        raise ValidationError(_l("Ce levier n'appartient pas à cette coalition."), field="lever")
    if lever.retired_at is not None:
        raise ValidationError(
            _l("Ce levier est retiré du cadrage : il ne peut plus être ajouté."), field="lever"
        )
    capacity = _check_capacity(capacity)
    exists = session.scalar(
        select(Holding.id).where(Holding.actor_id == actor.id, Holding.lever_id == lever.id)
    )
    if exists is not None:
        raise Conflict(
            _l("Cet acteur détient déjà ce levier : modifiez-le plutôt que de l'ajouter."),
            field="lever",
        )
    holding = Holding(actor_id=actor.id, lever_id=lever.id, capacity=capacity, note=note.strip())
    session.add(holding)
    _record(
        session,
        "holding",
        holding,
        "create",
        actor=actor,
        by=by,
        before=None,
        fields=HOLDING_FIELDS,
    )
    return holding


def update_holding(
    session: Session,
    actor: Actor,
    holding: Holding,
    *,
    capacity: int | None,
    note: str,
    seen_version: int | None,
    by: User | None,
) -> Holding:
    check_version("holding", holding, seen_version)
    capacity = _check_capacity(capacity)
    before = audit.snapshot(holding, HOLDING_FIELDS)
    holding.capacity, holding.note = capacity, note.strip()
    if audit.changed(holding, before, HOLDING_FIELDS):
        _record(
            session,
            "holding",
            holding,
            "update",
            actor=actor,
            by=by,
            before=before,
            fields=HOLDING_FIELDS,
        )
    return holding


def remove_holding(
    session: Session, actor: Actor, holding: Holding, *, seen_version: int | None, by: User | None
) -> None:
    check_version("holding", holding, seen_version)
    before = audit.snapshot(holding, HOLDING_FIELDS)
    session.delete(holding)
    _record(
        session,
        "holding",
        holding,
        "delete",
        actor=actor,
        by=by,
        before=before,
        fields=HOLDING_FIELDS,
    )


# -- commitments --------------------------------------------------------------------------


def check_can_commit(actor: Actor, action: Action) -> None:
    """An actor still in the coalition commits to an open action of the same coalition."""
    if action.coalition_id != actor.coalition_id:
        raise ValidationError(
            _l("Cette action n'appartient pas à cette coalition."), field="action"
        )
    if action.status in CLOSED_ACTIONS:
        raise ValidationError(
            _l("Cette action est terminée ou abandonnée : on ne peut plus s'y engager."),
            field="action",
        )
    if actor.status == ActorStatus.left:
        raise ValidationError(_l("Un acteur parti ne prend plus d'engagement."), field="action")


def commit_to_action(
    session: Session,
    actor: Actor,
    action: Action,
    *,
    role: Role,
    contribution: str,
    by: User | None,
) -> Commitment:
    """Commit the actor to an action; a withdrawn commitment to the same action is renewed."""
    check_can_commit(actor, action)
    existing = session.scalars(
        select(Commitment).where(Commitment.actor_id == actor.id, Commitment.action_id == action.id)
    ).one_or_none()
    if existing is not None and existing.status != CommitmentStatus.withdrawn:
        raise Conflict(
            _l("Cet acteur est déjà engagé sur cette action : modifiez son engagement."),
            field="action",
        )
    if existing is not None:
        before = audit.snapshot(existing, COMMITMENT_FIELDS)
        existing.role, existing.contribution = role, contribution.strip()
        existing.status = CommitmentStatus.pledged
        _record(
            session,
            "commitment",
            existing,
            "update",
            actor=actor,
            by=by,
            before=before,
            fields=COMMITMENT_FIELDS,
        )
        return existing
    commitment = Commitment(
        actor_id=actor.id, action_id=action.id, role=role, contribution=contribution.strip()
    )
    session.add(commitment)
    _record(
        session,
        "commitment",
        commitment,
        "create",
        actor=actor,
        by=by,
        before=None,
        fields=COMMITMENT_FIELDS,
    )
    return commitment


def update_commitment(
    session: Session,
    actor: Actor,
    commitment: Commitment,
    *,
    role: Role,
    contribution: str,
    status: CommitmentStatus,
    seen_version: int | None,
    by: User | None,
) -> Commitment:
    check_version("commitment", commitment, seen_version)
    if commitment.status == CommitmentStatus.withdrawn != status:
        action = session.get(Action, commitment.action_id)
        assert action is not None  # a foreign key
        check_can_commit(actor, action)
    before = audit.snapshot(commitment, COMMITMENT_FIELDS)
    commitment.role, commitment.contribution = role, contribution.strip()
    commitment.status = status
    if audit.changed(commitment, before, COMMITMENT_FIELDS):
        _record(
            session,
            "commitment",
            commitment,
            "update",
            actor=actor,
            by=by,
            before=before,
            fields=COMMITMENT_FIELDS,
        )
    return commitment


def withdraw_commitment(
    session: Session,
    actor: Actor,
    commitment: Commitment,
    *,
    seen_version: int | None,
    by: User | None,
) -> Commitment:
    return update_commitment(
        session,
        actor,
        commitment,
        role=commitment.role,
        contribution=commitment.contribution,
        status=CommitmentStatus.withdrawn,
        seen_version=seen_version,
        by=by,
    )
