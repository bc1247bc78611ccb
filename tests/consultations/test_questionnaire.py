"""Facilitators write questionnaires, open and close them, review free text."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations import service_questionnaire as q
from coalition.consultations.models import (
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    QuestionKind,
    Source,
    Submission,
    TextReview,
)
from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.core.versions import StaleEdit
from tests.conftest import World


def new(db: Session, world: World) -> Consultation:
    details = q.ConsultationDetails(title="  Marché  ", channel=Channel.both)
    return q.create_consultation(db, world.coalition, details, by=world.users["facilitator"])


def test_a_consultation_is_written_then_opened_and_closed(db: Session, world: World) -> None:
    consultation = new(db, world)
    assert consultation.title == "Marché" and consultation.status == ConsultationStatus.draft
    with pytest.raises(ValidationError, match="au moins une question"):
        q.set_status(db, consultation, ConsultationStatus.open, by=None)
    spec = q.QuestionSpec(
        QuestionKind.single, " Concerné ? ", choices=q.parse_choices("Oui\n\n Non ")
    )
    question = q.add_question(db, consultation, spec, by=None)
    assert question.prompt == "Concerné ?" and [c.label for c in question.choices] == ["Oui", "Non"]
    q.set_status(db, consultation, ConsultationStatus.open, by=None)
    assert consultation.opened_at is not None
    with pytest.raises(ValidationError, match="ne se modifient plus"):
        q.add_question(db, consultation, q.QuestionSpec(QuestionKind.scale, "Confiance ?"), by=None)
    q.set_status(db, consultation, ConsultationStatus.closed, by=None)
    assert consultation.closed_at is not None
    with pytest.raises(ValidationError, match="pas possible"):
        q.set_status(db, consultation, ConsultationStatus.draft, by=None)
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "consultation").order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "add_question", "status", "status"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (q.QuestionSpec(QuestionKind.single, "   "), "Écrivez la question."),
        (q.QuestionSpec(QuestionKind.single, "Q", choices=["Seul"]), "de 2 à 20 réponses"),
        (q.QuestionSpec(QuestionKind.multiple, "Q", choices=["a", "A"]), "identiques"),
        (q.QuestionSpec(QuestionKind.single, "Q", choices=["a", "b" * 201]), "200 caractères"),
        (q.QuestionSpec(QuestionKind.scale, "Âge ?", is_profile=True), "choix unique"),
        (q.QuestionSpec(QuestionKind.text, "Q" * 501), "500 caractères"),
    ],
)
def test_a_bad_question_is_refused(
    db: Session, world: World, spec: q.QuestionSpec, message: str
) -> None:
    consultation = new(db, world)
    with pytest.raises(ValidationError, match=message):
        q.add_question(db, consultation, spec, by=None)
    assert consultation.questions == []


def test_questions_are_edited_moved_and_deleted_in_a_draft(db: Session, world: World) -> None:
    consultation = new(db, world)
    first = q.add_question(db, consultation, q.QuestionSpec(QuestionKind.scale, "Un"), by=None)
    second = q.add_question(db, consultation, q.QuestionSpec(QuestionKind.text, "Deux"), by=None)
    q.move_question(db, second, consultation, up=True, by=None)
    assert consultation.questions == [second, first]
    q.move_question(db, second, consultation, up=True, by=None)  # already first: nothing moves
    assert [question.position for question in consultation.questions] == [0, 1]
    spec = q.QuestionSpec(QuestionKind.multiple, "Un bis", choices=["a", "b", "c"])
    q.edit_question(db, first, consultation, spec, by=None)
    assert first.kind == QuestionKind.multiple and len(first.choices) == 3
    q.delete_question(db, second, consultation, by=None)
    assert consultation.questions == [first]


def test_a_stale_edit_is_refused(db: Session, world: World) -> None:
    consultation = new(db, world)
    details = q.ConsultationDetails(title="Nouveau")
    with pytest.raises(StaleEdit):
        q.edit_consultation(
            db, consultation, details, seen_version=consultation.version + 1, by=None
        )
    assert consultation.title == "Marché"
    q.edit_consultation(db, consultation, details, seen_version=consultation.version, by=None)
    assert consultation.title == "Nouveau"


def test_free_text_is_reviewed_and_audited(db: Session, world: World) -> None:
    consultation = new(db, world)
    question = q.add_question(
        db, consultation, q.QuestionSpec(QuestionKind.text, "Un mot ?"), by=None
    )
    submission = Submission(consultation_id=consultation.id, source=Source.online, form_token="x")
    db.add(submission)
    db.flush()
    answer = Answer(
        submission_id=submission.id,
        question_id=question.id,
        text="Bravo",
        text_review=TextReview.pending,
    )
    db.add(answer)
    db.flush()
    q.review_text(db, answer, consultation, TextReview.approved, by=world.users["facilitator"])
    assert answer.text_review == TextReview.approved
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "consultation_answer")).one()
    assert event.before == {"text_review": "pending"} and event.after == {"text_review": "approved"}
