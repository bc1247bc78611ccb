"""Reads for the facilitator's to-do page, across domains: a fixed number of statements each.

Every function returns plain rows (named tuples), never ORM objects, so that the page loads
nothing lazily and the number of statements does not depend on the data.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, func, literal_column, select, union_all
from sqlalchemy.orm import Session, aliased

from coalition.auth.models import Membership, MembershipRole
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Answer, Consultation, Question, TextReview
from coalition.diagnostics.models import DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import AgendaItem, Meeting, MeetingStatus
from coalition.people.models import Invitation
from coalition.resources.models import Resource, ResourceStatus
from coalition.roadmap.models import Action, ActionStatus

KINDS = ("actions", "resources", "texts", "meeting", "minutes", "invitations")


def _kind(name: str) -> Any:
    """The kind as an SQL literal: PostgreSQL types it as text in a UNION, unlike a parameter."""
    assert name in KINDS
    return literal_column(f"'{name}'")


def _proposed_actions(ids: Sequence[int]) -> Any:
    return select(Action.coalition_id, _kind("actions"), func.count()).where(
        Action.coalition_id.in_(ids), Action.status == ActionStatus.proposed
    )


def _submitted_resources(ids: Sequence[int]) -> Any:
    return select(Resource.coalition_id, _kind("resources"), func.count()).where(
        Resource.coalition_id.in_(ids), Resource.status == ResourceStatus.submitted
    )


def _pending_texts(ids: Sequence[int]) -> Any:
    return (
        select(Consultation.coalition_id, _kind("texts"), func.count())
        .join(Question, Question.consultation_id == Consultation.id)
        .join(Answer, Answer.question_id == Question.id)
        .where(Consultation.coalition_id.in_(ids), Answer.text_review == TextReview.pending)
    )


def _upcoming(now: datetime) -> Any:
    return and_(Meeting.status == MeetingStatus.planned, Meeting.ends_at >= now)


def _unpublished() -> Any:
    return ~exists().where(DiagnosticSnapshot.meeting_id == Meeting.id)


def _next_meeting_unprepared(ids: Sequence[int], now: datetime) -> Any:
    """The coalitions whose next planned meeting has no published diagnostic yet."""
    other = aliased(Meeting)
    first_start = (
        select(func.min(other.starts_at))
        .where(
            other.coalition_id == Meeting.coalition_id,
            other.status == MeetingStatus.planned,
            other.ends_at >= now,
        )
        .scalar_subquery()
    )
    return select(Meeting.coalition_id, _kind("meeting"), func.count()).where(
        Meeting.coalition_id.in_(ids),
        _upcoming(now),
        Meeting.starts_at == first_start,
        _unpublished(),
    )


def _minutes_to_publish(ids: Sequence[int]) -> Any:
    return select(Meeting.coalition_id, _kind("minutes"), func.count()).where(
        Meeting.coalition_id.in_(ids),
        Meeting.status == MeetingStatus.held,
        Meeting.minutes_published_at.is_(None),
    )


def _expired_invitations(ids: Sequence[int], now: datetime) -> Any:
    return select(Invitation.coalition_id, _kind("invitations"), func.count()).where(
        Invitation.coalition_id.in_(ids), *_expired(now)
    )


def _expired(now: datetime) -> list[Any]:
    return [
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at < now,
    ]


def counts_by_coalition(
    session: Session, coalition_ids: Sequence[int], *, now: datetime
) -> dict[int, dict[str, int]]:
    """Coalition id -> kind -> how many things of that kind wait: one statement in all."""
    result: dict[int, dict[str, int]] = {cid: dict.fromkeys(KINDS, 0) for cid in coalition_ids}
    if not coalition_ids:
        return result
    parts = [
        _proposed_actions(coalition_ids),
        _submitted_resources(coalition_ids),
        _pending_texts(coalition_ids),
        _next_meeting_unprepared(coalition_ids, now),
        _minutes_to_publish(coalition_ids),
        _expired_invitations(coalition_ids, now),
    ]
    grouped = [part.group_by(part.selected_columns[0]) for part in parts]
    for coalition_id, kind, count in session.execute(union_all(*grouped)):
        result[coalition_id][kind] = min(count, 1) if kind == "meeting" else count
    return result


def proposed_actions(session: Session, coalition: Coalition, limit: int) -> list[Row[Any]]:
    """The members' proposals awaiting a decision, oldest first."""
    return list(
        session.execute(
            select(Action.id, Action.title, Action.created_at)
            .where(Action.coalition_id == coalition.id, Action.status == ActionStatus.proposed)
            .order_by(Action.created_at, Action.id)
            .limit(limit)
        )
    )


def submitted_resources(session: Session, coalition: Coalition, limit: int) -> list[Row[Any]]:
    """Resources awaiting moderation, oldest first."""
    return list(
        session.execute(
            select(Resource.id, Resource.title, Resource.created_at)
            .where(
                Resource.coalition_id == coalition.id,
                Resource.status == ResourceStatus.submitted,
            )
            .order_by(Resource.created_at, Resource.id)
            .limit(limit)
        )
    )


def consultations_with_pending_texts(
    session: Session, coalition: Coalition, limit: int
) -> list[Row[Any]]:
    """Consultations holding free-text answers to review, with how many, most first."""
    pending = func.count().label("pending")
    return list(
        session.execute(
            select(Consultation.id, Consultation.title, Consultation.status, pending)
            .join(Question, Question.consultation_id == Consultation.id)
            .join(Answer, Answer.question_id == Question.id)
            .where(
                Consultation.coalition_id == coalition.id,
                Answer.text_review == TextReview.pending,
            )
            .group_by(Consultation.id, Consultation.title, Consultation.status)
            .order_by(pending.desc(), Consultation.id)
            .limit(limit)
        )
    )


def next_meeting(session: Session, coalition: Coalition, *, now: datetime) -> Row[Any] | None:
    """The next planned meeting, with its agenda and written diagnostic counted, and whether
    its diagnostic is published."""
    agenda = (
        select(func.count()).where(AgendaItem.meeting_id == Meeting.id).scalar_subquery()
    ).label("agenda_items")
    entries = (
        select(func.count()).where(DiagnosticEntry.meeting_id == Meeting.id).scalar_subquery()
    ).label("diagnostic_entries")
    published = exists().where(DiagnosticSnapshot.meeting_id == Meeting.id).label("published")
    return session.execute(
        select(
            Meeting.id, Meeting.number, Meeting.title, Meeting.starts_at, agenda, entries, published
        )
        .where(Meeting.coalition_id == coalition.id, _upcoming(now))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    ).first()


def meetings_without_minutes(session: Session, coalition: Coalition, limit: int) -> list[Row[Any]]:
    """Held meetings whose minutes are not published, latest first."""
    return list(
        session.execute(
            select(Meeting.id, Meeting.number, Meeting.title, Meeting.starts_at)
            .where(
                Meeting.coalition_id == coalition.id,
                Meeting.status == MeetingStatus.held,
                Meeting.minutes_published_at.is_(None),
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )


def expired_invitations(
    session: Session, coalition: Coalition, limit: int, *, now: datetime
) -> list[Row[Any]]:
    """Invitations that ran out before anyone accepted them, latest first."""
    return list(
        session.execute(
            select(Invitation.id, Invitation.email, Invitation.expires_at)
            .where(Invitation.coalition_id == coalition.id, *_expired(now))
            .order_by(Invitation.expires_at.desc(), Invitation.id.desc())
            .limit(limit)
        )
    )


def facilitated_coalitions(session: Session, user_id: int) -> list[Row[Any]]:
    """The coalitions a person runs by membership (not as an administrator), by name."""
    return list(
        session.execute(
            select(Coalition.id, Coalition.slug, Coalition.name)
            .join(Membership, Membership.coalition_id == Coalition.id)
            .where(Membership.user_id == user_id, Membership.role == MembershipRole.facilitator)
            .order_by(Coalition.name, Coalition.id)
        )
    )
