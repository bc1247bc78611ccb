"""What citizens said: the consultations closed between two meetings, summed up for the
meeting diagnostic as JSON-able data (it is frozen into the published snapshot)."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coalition.consultations.models import (
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Submission,
)
from coalition.consultations.results import question_counts, scale_mean
from coalition.consultations.service_tallies import TallyKey, tallies_of

TOP_ANSWERS = 3


def citizens_said(
    session: Session, coalition_id: int, since: datetime | None, until: datetime
) -> list[dict[str, Any]]:
    """Consultations closed in [since, until), each with its most given answers per question;
    six statements whatever the number of consultations and answers."""
    closed = select(Consultation).where(
        Consultation.coalition_id == coalition_id,
        Consultation.status == ConsultationStatus.closed,
        Consultation.closed_at < until,
    )
    if since is not None:
        closed = closed.where(Consultation.closed_at >= since)
    consultations = list(
        session.scalars(
            closed.order_by(Consultation.closed_at).options(
                selectinload(Consultation.questions).selectinload(Question.choices)
            )
        )
    )
    if not consultations:
        return []
    questions = [q for c in consultations for q in c.questions if q.kind != QuestionKind.text]
    submissions = dict(
        session.execute(
            select(Submission.consultation_id, func.count())
            .where(Submission.consultation_id.in_([c.id for c in consultations]))
            .group_by(Submission.consultation_id)
        ).all()
    )
    tallies = tallies_of(session, [question.id for question in questions])
    return [
        {
            "id": consultation.id,
            "title": consultation.title,
            "closed_at": consultation.closed_at.isoformat() if consultation.closed_at else None,
            "submissions": submissions.get(consultation.id, 0),
            "questions": [
                _question_summary(question, tallies)
                for question in consultation.questions
                if question.kind != QuestionKind.text
            ],
        }
        for consultation in consultations
    ]


def _question_summary(question: Question, tallies: dict[TallyKey, int]) -> dict[str, Any]:
    respondents, rows = question_counts(question, tallies)
    top = sorted(rows, key=lambda row: -row.count)[:TOP_ANSWERS]
    return {
        "prompt": question.prompt,
        "kind": question.kind.value,
        "respondents": respondents,
        "mean": scale_mean(rows, respondents) if question.kind == QuestionKind.scale else None,
        "top": [{"label": row.label, "percent": row.percent} for row in top if row.count],
    }
