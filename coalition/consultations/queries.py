"""Reads of consultations, filtered by what the viewer may see."""

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coalition.access import CONSULTATIONS, require
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Question,
    Stall,
    Submission,
)
from coalition.core.tokens import token_hash


def consultation_or_404(
    session: Session, coalition: Coalition, consultation_id: int
) -> Consultation:
    """The coalition's consultation with its questions and their choices."""
    consultation = session.scalars(
        select(Consultation)
        .where(Consultation.id == consultation_id, Consultation.coalition_id == coalition.id)
        .options(selectinload(Consultation.questions).selectinload(Question.choices))
    ).one_or_none()
    if consultation is None:
        abort(404)
    return consultation


def visible_or_404(
    session: Session, slug: str, consultation_id: int
) -> tuple[Coalition, Consultation]:
    """The coalition and its consultation the viewer may see; 404 otherwise (a draft stays
    unknown to all but facilitators)."""
    coalition = coalition_or_404(session, slug)
    consultation = consultation_or_404(session, coalition, consultation_id)
    require("consultation.view", consultation, hide=True)
    return coalition, consultation


def visible_consultations(
    session: Session, coalition: Coalition, viewer: User | None
) -> list[tuple[Consultation, int]]:
    """The consultations the viewer may see, open ones first, with their number of answers."""
    answers = (
        select(func.count()).where(Submission.consultation_id == Consultation.id).scalar_subquery()
    )
    query = select(Consultation, answers).where(Consultation.coalition_id == coalition.id)
    query = query.where(CONSULTATIONS.where(viewer, coalition.id))
    order = {ConsultationStatus.open: 0, ConsultationStatus.draft: 1, ConsultationStatus.closed: 2}
    rows = [(row[0], row[1]) for row in session.execute(query)]
    return sorted(rows, key=lambda row: (order[row[0].status], -row[0].id))


def stall_or_404(session: Session, consultation: Consultation, stall_id: int) -> Stall:
    stall = session.get(Stall, stall_id)
    if stall is None or stall.consultation_id != consultation.id:
        abort(404)
    return stall


def stalls_with_counts(
    session: Session, consultation: Consultation
) -> list[tuple[Stall, int, int]]:
    """The consultation's stalls, latest first: (stall, answers at the stall, typed from paper)."""
    rows = session.execute(
        select(Stall, Submission.source, func.count(Submission.id))
        .outerjoin(Submission, Submission.stall_id == Stall.id)
        .where(Stall.consultation_id == consultation.id)
        .group_by(Stall.id, Submission.source)
        .order_by(Stall.held_on.desc(), Stall.id.desc())
    ).all()
    counts: dict[int, tuple[Stall, int, int]] = {}
    for stall, source, count in rows:
        _, at_stall, on_paper = counts.get(stall.id, (stall, 0, 0))
        if source == "paper":
            on_paper += count
        elif source is not None:
            at_stall += count
        counts[stall.id] = (stall, at_stall, on_paper)
    return list(counts.values())


def count_at_stall(session: Session, stall: Stall, source: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.stall_id == stall.id, Submission.source == source)
        )
        or 0
    )


def answer_or_404(session: Session, consultation: Consultation, answer_id: int) -> Answer:
    answer = session.get(Answer, answer_id)
    question_ids = {question.id for question in consultation.questions}
    if answer is None or answer.question_id not in question_ids:
        abort(404)
    return answer


def texts_to_review(session: Session, consultation: Consultation, limit: int = 100) -> list[Answer]:
    """Free-text answers waiting for a facilitator, oldest first."""
    return list(
        session.scalars(
            select(Answer)
            .where(
                Answer.question_id.in_([question.id for question in consultation.questions]),
                Answer.text_review == "pending",
            )
            .order_by(Answer.id)
            .limit(limit)
        )
    )


def stall_of_link(session: Session, secret: str) -> Stall | None:
    """The stall this link was made for, revoked or not; None for a link never made."""
    return session.scalar(select(Stall).where(Stall.link_hash == token_hash(secret)))


def stall_of_stand(session: Session, consultation: Consultation, code: str) -> Stall | None:
    """The stall a `?stand=<code>` names (None without one); 404 if it is not one of this
    consultation's stalls."""
    if not code:
        return None
    stall = stall_of_code(session, code)
    if stall is None or stall.consultation_id != consultation.id:
        abort(404)
    return stall


def stall_of_code(session: Session, code: str) -> Stall | None:
    """The stall whose posters carry this public code."""
    if not code.isalnum() or len(code) > 16:
        return None
    return session.scalar(select(Stall).where(Stall.code == code.lower()))


def consultation_of(session: Session, stall: Stall) -> Consultation:
    """The stall's consultation with its questions and their choices."""
    return session.scalars(
        select(Consultation)
        .where(Consultation.id == stall.consultation_id)
        .options(selectinload(Consultation.questions).selectinload(Question.choices))
    ).one()
