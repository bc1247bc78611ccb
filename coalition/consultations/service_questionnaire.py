"""Writes of facilitators: consultations, their questions and choices, opening and closing,
and the review of free-text answers before the public reads them."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.models import (
    Answer,
    Channel,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    TextReview,
)
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.db import utcnow

CONSULTATION_FIELDS = ("title", "introduction", "channel", "status", "version")
QUESTION_FIELDS = ("kind", "prompt", "help", "is_required", "is_profile", "position")
MAX_CHOICES = 20
# draft -> open -> closed, and a closed consultation may reopen; never back to draft.
ALLOWED_TRANSITIONS = {
    ConsultationStatus.draft: {ConsultationStatus.open},
    ConsultationStatus.open: {ConsultationStatus.closed},
    ConsultationStatus.closed: {ConsultationStatus.open},
}


@dataclass
class ConsultationDetails:
    title: str
    introduction: str = ""
    channel: Channel = Channel.online


@dataclass
class QuestionSpec:
    kind: QuestionKind
    prompt: str
    help: str = ""
    is_required: bool = False
    is_profile: bool = False
    choices: list[str] = field(default_factory=list)


def parse_choices(text: str) -> list[str]:
    """One choice per line, trimmed, blank lines dropped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _check_details(details: ConsultationDetails) -> None:
    details.title = details.title.strip()
    if not details.title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    if len(details.title) > 300:
        raise ValidationError(_l("Le titre dépasse 300 caractères."), field="title")


def _log(
    session: Session,
    consultation: Consultation,
    action: str,
    by: User | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        entity="consultation",
        entity_id=consultation.id,
        action=action,
        user_id=by.id if by else None,
        coalition_id=consultation.coalition_id,
        before=before,
        after=after,
    )


def create_consultation(
    session: Session, coalition: Coalition, details: ConsultationDetails, *, by: User | None
) -> Consultation:
    _check_details(details)
    consultation = Consultation(
        coalition_id=coalition.id,
        title=details.title,
        introduction=details.introduction,
        channel=details.channel,
    )
    session.add(consultation)
    session.flush()
    _log(
        session, consultation, "create", by, after=audit.snapshot(consultation, CONSULTATION_FIELDS)
    )
    return consultation


def edit_consultation(
    session: Session,
    consultation: Consultation,
    details: ConsultationDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> None:
    check_version("consultation", consultation, seen_version)
    _check_details(details)
    before = audit.snapshot(consultation, CONSULTATION_FIELDS)
    consultation.title = details.title
    consultation.introduction = details.introduction
    consultation.channel = details.channel
    if audit.changed(consultation, before, CONSULTATION_FIELDS):
        session.flush()
        _log(
            session,
            consultation,
            "update",
            by,
            before=before,
            after=audit.snapshot(consultation, CONSULTATION_FIELDS),
        )


def set_status(
    session: Session, consultation: Consultation, status: ConsultationStatus, *, by: User | None
) -> None:
    """Open or close a consultation; a draft opens only once it asks something."""
    if status not in ALLOWED_TRANSITIONS[consultation.status]:
        raise ValidationError(_l("Ce changement d'état n'est pas possible."), field="status")
    if status == ConsultationStatus.open and not consultation.questions:
        raise ValidationError(
            _l("Ajoutez au moins une question avant d'ouvrir la consultation."), field="status"
        )
    before = audit.snapshot(consultation, CONSULTATION_FIELDS)
    consultation.status = status
    if status == ConsultationStatus.open:
        consultation.opened_at = consultation.opened_at or utcnow()
        consultation.closed_at = None
    else:
        consultation.closed_at = utcnow()
    session.flush()
    _log(
        session,
        consultation,
        "status",
        by,
        before=before,
        after=audit.snapshot(consultation, CONSULTATION_FIELDS),
    )


def _require_draft(consultation: Consultation) -> None:
    if consultation.status != ConsultationStatus.draft:
        raise ValidationError(
            _l(
                "Les questions ne se modifient plus une fois la consultation ouverte : "
                "des réponses s'y rapportent."
            )
        )


def _check_question(spec: QuestionSpec) -> None:
    spec.prompt = " ".join(spec.prompt.split())
    spec.help = " ".join(spec.help.split())
    if not spec.prompt:
        raise ValidationError(_l("Écrivez la question."), field="prompt")
    if len(spec.prompt) > 500 or len(spec.help) > 500:
        raise ValidationError(_l("La question ou son aide dépasse 500 caractères."), field="prompt")
    if spec.is_profile and spec.kind != QuestionKind.single:
        raise ValidationError(
            _l("Une question de profil (tranche d'âge, territoire…) est à choix unique."),
            field="is_profile",
        )
    if spec.kind in (QuestionKind.single, QuestionKind.multiple):
        if not 2 <= len(spec.choices) <= MAX_CHOICES:
            raise ValidationError(
                _l("Proposez de 2 à 20 réponses, une par ligne."), field="choices"
            )
        if any(len(choice) > 200 for choice in spec.choices):
            raise ValidationError(
                _l("Une réponse proposée dépasse 200 caractères."), field="choices"
            )
        if len({choice.casefold() for choice in spec.choices}) != len(spec.choices):
            raise ValidationError(_l("Deux réponses proposées sont identiques."), field="choices")
    else:
        spec.choices = []


def add_question(
    session: Session, consultation: Consultation, spec: QuestionSpec, *, by: User | None
) -> Question:
    _require_draft(consultation)
    _check_question(spec)
    question = Question(
        kind=spec.kind,
        prompt=spec.prompt,
        help=spec.help,
        is_required=spec.is_required,
        is_profile=spec.is_profile,
        position=max((q.position for q in consultation.questions), default=-1) + 1,
        choices=[Choice(label=label, position=i) for i, label in enumerate(spec.choices)],
    )
    consultation.questions.append(question)
    session.flush()
    _log(session, consultation, "add_question", by, after=_question_snapshot(question))
    return question


def edit_question(
    session: Session,
    question: Question,
    consultation: Consultation,
    spec: QuestionSpec,
    *,
    by: User | None,
) -> None:
    _require_draft(consultation)
    _check_question(spec)
    before = _question_snapshot(question)
    question.kind = spec.kind
    question.prompt = spec.prompt
    question.help = spec.help
    question.is_required = spec.is_required
    question.is_profile = spec.is_profile
    question.choices = [Choice(label=label, position=i) for i, label in enumerate(spec.choices)]
    session.flush()
    _log(
        session,
        consultation,
        "edit_question",
        by,
        before=before,
        after=_question_snapshot(question),
    )


def delete_question(
    session: Session, question: Question, consultation: Consultation, *, by: User | None
) -> None:
    _require_draft(consultation)
    before = _question_snapshot(question)
    consultation.questions.remove(question)
    session.flush()
    _log(session, consultation, "delete_question", by, before=before)


def move_question(
    session: Session, question: Question, consultation: Consultation, *, up: bool, by: User | None
) -> None:
    _require_draft(consultation)
    questions = list(consultation.questions)
    index = questions.index(question)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    consultation.questions.sort(key=lambda item: item.position)
    session.flush()
    _log(session, consultation, "move_question", by, after={"order": [q.id for q in questions]})


def _question_snapshot(question: Question) -> dict[str, Any]:
    values = audit.snapshot(question, QUESTION_FIELDS)
    values["choices"] = [choice.label for choice in question.choices]
    return values


def review_text(
    session: Session,
    answer: Answer,
    consultation: Consultation,
    review: TextReview,
    *,
    by: User | None,
) -> None:
    """Approve a free-text answer (the public reads it) or set it aside."""
    if answer.text is None:
        raise ValidationError(_l("Cette réponse n'est pas un texte libre."))
    before = {"text_review": answer.text_review.value if answer.text_review else None}
    answer.text_review = review
    session.flush()
    audit.record(
        session,
        entity="consultation_answer",
        entity_id=answer.id,
        action="review",
        user_id=by.id if by else None,
        coalition_id=consultation.coalition_id,
        before=before,
        after={"text_review": review.value},
    )
