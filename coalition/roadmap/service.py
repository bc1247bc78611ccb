"""Writes about the roadmap: objectives, actions, their status.

An action's status moves only along ALLOWED_TRANSITIONS; members propose, facilitators accept
or decline with a reason. Every write is audited; edits carry the version the user saw.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    Action,
    ActionStatus,
    Horizon,
    Objective,
    ObjectiveStatus,
)

S = ActionStatus
ALLOWED_TRANSITIONS: dict[ActionStatus, set[ActionStatus]] = {
    S.proposed: {S.committed, S.dropped},
    S.committed: {S.in_progress, S.blocked, S.done, S.dropped},
    S.in_progress: {S.committed, S.blocked, S.done, S.dropped},
    S.blocked: {S.committed, S.in_progress, S.dropped},
    S.done: {S.in_progress},  # reopened; never back to proposed
    S.dropped: {S.committed},  # taken up again
}
ACTION_FIELDS = (
    "title",
    "description",
    "axis_id",
    "objective_id",
    "lead_actor_id",
    "horizon",
    "target_date",
    "success_criteria",
    "status",
    "status_reason",
    "version",
)
OBJECTIVE_FIELDS = ("title", "description", "horizon", "status", "version")


def allowed_statuses(current: ActionStatus) -> list[ActionStatus]:
    """The statuses an action at `current` may take: its own, or one of its allowed
    transitions; in the order of ActionStatus, for forms to offer exactly these."""
    return [s for s in ActionStatus if s == current or s in ALLOWED_TRANSITIONS[current]]


def check_transition(current: ActionStatus, new: ActionStatus) -> None:
    if new not in allowed_statuses(current):
        raise ValidationError(
            _l(
                "Une action « %(current)s » ne peut pas passer à « %(new)s ».",
                current=ACTION_STATUS_LABELS[current],
                new=ACTION_STATUS_LABELS[new],
            ),
            field="status",
        )


def _log(
    session: Session,
    entity: str,
    obj: Action | Objective,
    action: str,
    before: Any,
    by: User | None,
) -> None:
    fields = ACTION_FIELDS if entity == "action" else OBJECTIVE_FIELDS
    audit.record_change(
        session,
        entity,
        obj,
        action,
        by=by,
        coalition_id=obj.coalition_id,
        before=before,
        fields=fields,
    )


# -- objectives ---------------------------------------------------------------------------


def save_objective(
    session: Session,
    coalition: Coalition,
    objective: Objective | None,
    *,
    title: str,
    description: str,
    horizon: Horizon,
    status: ObjectiveStatus,
    seen_version: int | None = None,
    by: User | None,
) -> Objective:
    """Create an objective (objective=None) or update one."""
    title = title.strip()
    if not title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    same = session.scalar(
        select(Objective.id).where(Objective.coalition_id == coalition.id, Objective.title == title)
    )
    if same is not None and (objective is None or same != objective.id):
        raise ValidationError(_l("Un objectif porte déjà ce titre."), field="title")
    values = {
        "title": title,
        "description": description.strip(),
        "horizon": horizon,
        "status": status,
    }
    if objective is None:
        objective = Objective(coalition_id=coalition.id, **values)
        session.add(objective)
        _log(session, "objective", objective, "create", None, by)
        return objective
    check_version("objective", objective, seen_version)
    before = audit.snapshot(objective, OBJECTIVE_FIELDS)
    for key, value in values.items():
        setattr(objective, key, value)
    if audit.changed(objective, before, OBJECTIVE_FIELDS):
        _log(session, "objective", objective, "update", before, by)
    return objective


# -- actions ------------------------------------------------------------------------------


@dataclass
class ActionDetails:
    title: str
    description: str = ""
    axis_id: int | None = None
    objective_id: int | None = None
    lead_actor_id: int | None = None
    lever_ids: list[int] = field(default_factory=list)
    horizon: Horizon = Horizon.short
    target_date: date | None = None
    success_criteria: str = ""


def _check_details(
    session: Session, coalition_id: int, details: ActionDetails, current: Action | None = None
) -> list[Lever]:
    """The details belong to this coalition; returns the levers named. A retired axis or lever
    is refused, unless the action already has it (`current`)."""
    details.title = details.title.strip()
    if not details.title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    references: list[tuple[type[Axis | Objective | Actor], int | None, str]] = [
        (Axis, details.axis_id, "axis"),
        (Objective, details.objective_id, "objective"),
        (Actor, details.lead_actor_id, "lead_actor"),
    ]
    for model, value, name in references:
        if value is not None:
            found = session.get(model, value)
            if getattr(found, "coalition_id", None) != coalition_id:
                raise ValidationError(
                    _l("Ce choix n'appartient pas à cette coalition."), field=name
                )
            kept = current is not None and current.axis_id == value
            if isinstance(found, Axis) and found.retired_at is not None and not kept:
                raise ValidationError(
                    _l("Cette approche est retirée du cadrage : choisissez-en une autre."),
                    field="axis",
                )
    levers = list(session.scalars(select(Lever).where(Lever.id.in_(details.lever_ids))))
    if len(levers) != len(set(details.lever_ids)) or any(
        lever.coalition_id != coalition_id for lever in levers
    ):
        raise ValidationError(_l("Ce levier n'appartient pas à cette coalition."), field="levers")
    had = {lever.id for lever in current.levers} if current is not None else set()
    if any(lever.retired_at is not None and lever.id not in had for lever in levers):
        raise ValidationError(
            _l("Un levier choisi est retiré du cadrage : décochez-le."), field="levers"
        )
    return levers


def _apply_details(action: Action, details: ActionDetails, levers: list[Lever]) -> None:
    for key in (
        "title",
        "description",
        "axis_id",
        "objective_id",
        "lead_actor_id",
        "horizon",
        "target_date",
        "success_criteria",
    ):
        value = getattr(details, key)
        setattr(action, key, value.strip() if isinstance(value, str) else value)
    action.levers = levers


def create_action(
    session: Session,
    coalition: Coalition,
    details: ActionDetails,
    *,
    status: ActionStatus,
    by: User | None,
) -> Action:
    """A facilitator's action (proposed or committed), or a member's proposal."""
    if status not in (ActionStatus.proposed, ActionStatus.committed):
        raise ValidationError(_l("Une nouvelle action est proposée ou engagée."), field="status")
    levers = _check_details(session, coalition.id, details)
    action = Action(coalition_id=coalition.id, status=status, proposed_by_id=by.id if by else None)
    _apply_details(action, details, levers)
    session.add(action)
    _log(session, "action", action, "create", None, by)
    return action


def update_action(
    session: Session,
    action: Action,
    details: ActionDetails,
    *,
    status: ActionStatus,
    seen_version: int | None,
    by: User | None,
) -> Action:
    check_version("action", action, seen_version)
    check_transition(action.status, status)
    levers = _check_details(session, action.coalition_id, details, action)
    before = audit.snapshot(action, ACTION_FIELDS)
    before_levers = sorted(lever.id for lever in action.levers)
    _apply_details(action, details, levers)
    action.status = status
    if audit.changed(action, before, ACTION_FIELDS) or before_levers != sorted(details.lever_ids):
        _log(session, "action", action, "update", before, by)
    return action


def decide_proposal(
    session: Session,
    action: Action,
    *,
    accept: bool,
    reason: str,
    seen_version: int | None,
    by: User | None,
) -> Action:
    """Accept a proposed action (committed) or decline it (dropped, with a reason)."""
    check_version("action", action, seen_version)
    if action.status != ActionStatus.proposed:
        raise ValidationError(_l("Cette action n'est plus une proposition."), field="status")
    if not accept and not reason.strip():
        raise ValidationError(
            _l("Dites pourquoi la proposition est déclinée : son auteur le lira."), field="reason"
        )
    before = audit.snapshot(action, ACTION_FIELDS)
    action.status = ActionStatus.committed if accept else ActionStatus.dropped
    action.status_reason = reason.strip()
    _log(session, "action", action, "accept" if accept else "decline", before, by)
    return action


def set_status_from_review(
    session: Session, action: Action, status: ActionStatus, *, by: User | None
) -> None:
    """The latest review sets the action's current status."""
    if action.status != status:
        before = audit.snapshot(action, ACTION_FIELDS)
        action.status = status
        _log(session, "action", action, "review", before, by)


def own_actions(session: Session, coalition: Coalition, ids: Sequence[int]) -> list[Action]:
    """The coalition's actions with these ids, or a ValidationError if one is not its own."""
    if not ids:
        return []
    actions = list(
        session.scalars(
            select(Action)
            .where(Action.id.in_(ids), Action.coalition_id == coalition.id)
            .order_by(Action.title, Action.id)
        )
    )
    if len(actions) != len(set(ids)):
        message = _l("Cette action n'est pas une action de la feuille de route de la coalition.")
        raise ValidationError(message, field="actions")
    return actions
