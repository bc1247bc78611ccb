"""Recommendations: what facilitators record, and the answer each gets.

The rules are checked here, whatever the form sent: a workshop, consultation, common issue,
actor or action must be the coalition's own; an answer needs a known status and a reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Consultation
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.recommendations.models import AnswerStatus, Origin, Recommendation
from coalition.roadmap.service import own_actions
from coalition.workshops.models import CommonIssue, GeneralObjective, Workshop

DETAIL_FIELDS = (
    "title",
    "text",
    "origin",
    "workshop_id",
    "consultation_id",
    "objectives",
    "issue_ids",
)
ANSWER_FIELDS = (
    "answer_status",
    "answer_reason",
    "answered_by_actor_id",
    "answered_on",
    "action_ids",
)
MAX_TITLE, MAX_TEXT, MAX_REASON = 300, 20_000, 5000
NOT_OURS = _l("Cette recommandation n'appartient pas à cette coalition.")


@dataclass
class RecommendationDetails:
    title: str
    origin: str
    text: str = ""
    workshop_id: int | None = None
    consultation_id: int | None = None
    objectives: Sequence[str] = ()
    issue_ids: Sequence[int] = ()


@dataclass
class AnswerDetails:
    status: str
    reason: str
    answered_on: date | None
    actor_id: int | None = None  # None: the coalition itself answers
    action_ids: Sequence[int] = field(default_factory=tuple)


def _text(value: str, limit: int, name: str, *, required: Any = None) -> str:
    value = value.strip()
    if required is not None and not value:
        raise ValidationError(required, field=name)
    if len(value) > limit:
        message = _l("Ce texte est trop long : %(max)d caractères au plus.", max=limit)
        raise ValidationError(message, field=name)
    return value


def _own(session: Session, model: Any, ident: int | None, coalition: Coalition) -> Any:
    """The coalition's row of `model` with this id, or None when there is none."""
    if ident is None:
        return None
    row = session.get(model, ident)
    return row if row is not None and row.coalition_id == coalition.id else None


def _objectives(codes: Sequence[str]) -> str:
    known = {o.value for o in GeneralObjective}
    if any(code not in known for code in codes):
        raise ValidationError(_l("Cet objectif général n'existe pas."), field="objectives")
    return " ".join(o.value for o in GeneralObjective if o.value in codes)


def _issues(session: Session, coalition: Coalition, ids: Sequence[int]) -> list[CommonIssue]:
    if not ids:
        return []
    issues = list(
        session.scalars(
            select(CommonIssue)
            .join(Workshop, Workshop.id == CommonIssue.workshop_id)
            .where(CommonIssue.id.in_(ids), Workshop.coalition_id == coalition.id)
            .order_by(CommonIssue.position, CommonIssue.id)
        )
    )
    if len(issues) != len(set(ids)):
        message = _l("Cet enjeu commun n'existe pas dans les ateliers de la coalition.")
        raise ValidationError(message, field="issues")
    return issues


def _checked(
    session: Session, coalition: Coalition, details: RecommendationDetails
) -> tuple[dict[str, Any], list[CommonIssue]]:
    try:
        origin = Origin(details.origin)
    except ValueError:
        message = _l("Choisissez d'où vient la recommandation.")
        raise ValidationError(message, field="origin") from None
    if details.workshop_id is not None and not _own(
        session, Workshop, details.workshop_id, coalition
    ):
        raise ValidationError(_l("Cet atelier n'est pas celui de la coalition."), field="workshop")
    if details.consultation_id is not None and not _own(
        session, Consultation, details.consultation_id, coalition
    ):
        message = _l("Cette consultation n'est pas celle de la coalition.")
        raise ValidationError(message, field="consultation")
    values = {
        "title": _text(details.title, MAX_TITLE, "title", required=_l("Le titre est obligatoire.")),
        "text": _text(details.text, MAX_TEXT, "text"),
        "origin": origin,
        "workshop_id": details.workshop_id,
        "consultation_id": details.consultation_id,
        "objectives": _objectives(details.objectives),
    }
    return values, _issues(session, coalition, details.issue_ids)


def _log(
    session: Session,
    recommendation: Recommendation,
    action: str,
    fields: tuple[str, ...],
    *,
    by: User | None,
    before: dict[str, Any] | None = None,
) -> None:
    audit.record_change(
        session,
        "recommendation",
        recommendation,
        action,
        by=by,
        coalition_id=recommendation.coalition_id,
        before=before,
        fields=fields,
    )


def create_recommendation(
    session: Session, coalition: Coalition, details: RecommendationDetails, *, by: User | None
) -> Recommendation:
    values, issues = _checked(session, coalition, details)
    recommendation = Recommendation(
        coalition_id=coalition.id, created_by_id=by.id if by else None, **values
    )
    recommendation.issues = issues
    recommendation.actions = []
    session.add(recommendation)
    _log(session, recommendation, "create", DETAIL_FIELDS, by=by)
    return recommendation


def update_recommendation(
    session: Session,
    coalition: Coalition,
    recommendation: Recommendation,
    details: RecommendationDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Recommendation:
    if recommendation.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    check_version("recommendation", recommendation, seen_version)
    values, issues = _checked(session, coalition, details)
    before = audit.snapshot(recommendation, DETAIL_FIELDS)
    for name, value in values.items():
        setattr(recommendation, name, value)
    recommendation.issues = issues
    if audit.changed(recommendation, before, DETAIL_FIELDS):
        _log(session, recommendation, "update", DETAIL_FIELDS, by=by, before=before)
    return recommendation


def answer_recommendation(
    session: Session,
    coalition: Coalition,
    recommendation: Recommendation,
    answer: AnswerDetails,
    *,
    seen_version: int | None,
    by: User | None,
    now: datetime,
) -> Recommendation:
    """Record the answer, or change it: the audit log keeps each one it replaces."""
    if recommendation.coalition_id != coalition.id:
        raise ValidationError(NOT_OURS)
    check_version("recommendation", recommendation, seen_version)
    try:
        status = AnswerStatus(answer.status)
    except ValueError:
        message = _l("Choisissez : retenue, retenue en partie ou non retenue.")
        raise ValidationError(message, field="status") from None
    required = _l("Dites pourquoi : la raison de la réponse est obligatoire.")
    reason = _text(answer.reason, MAX_REASON, "reason", required=required)
    if answer.actor_id is not None and not _own(session, Actor, answer.actor_id, coalition):
        message = _l("Cet acteur n'est pas un acteur de la coalition.")
        raise ValidationError(message, field="answered_by")
    actions = own_actions(session, coalition, answer.action_ids)
    if status == AnswerStatus.not_retained and actions:
        message = _l("Une recommandation non retenue n'est portée par aucune action.")
        raise ValidationError(message, field="actions")
    before = audit.snapshot(recommendation, ANSWER_FIELDS)
    recommendation.answer_status = status
    recommendation.answer_reason = reason
    recommendation.answered_by_actor_id = answer.actor_id
    recommendation.answered_on = answer.answered_on or now.date()
    recommendation.actions = actions
    first = before["answer_status"] is None
    if first or audit.changed(recommendation, before, ANSWER_FIELDS):
        recommendation.answer_recorded_at = now  # the feed's entry is updated
        action = "answer" if first else "update"
        _log(session, recommendation, action, ANSWER_FIELDS, by=by, before=before)
    return recommendation
