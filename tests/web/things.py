"""Things a facilitator must act on, made directly in the database for the to-do tests."""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.coalitions.models import Coalition
from coalition.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Source,
    Submission,
    TextReview,
)
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import AgendaItem, Meeting, MeetingStatus
from coalition.people.models import Invitation
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from coalition.roadmap.models import Action, ActionStatus
from tests import factories as f

NOW = datetime(2030, 6, 1, 10, tzinfo=UTC)


def proposed(db: Session, coalition: Coalition, title: str = "") -> Action:
    return f.action(
        db, coalition, status=ActionStatus.proposed, **({"title": title} if title else {})
    )


def resource(
    db: Session, coalition: Coalition, title: str, status: ResourceStatus = ResourceStatus.submitted
) -> Resource:
    obj = Resource(
        coalition_id=coalition.id,
        title=title,
        url=f"https://example.org/{secrets.token_hex(6)}",
        kind=ResourceKind.guide,
        status=status,
    )
    db.add(obj)
    db.flush()
    return obj


def consultation(db: Session, coalition: Coalition, title: str = "Votre avis") -> Consultation:
    obj = Consultation(
        coalition_id=coalition.id,
        title=title,
        status=ConsultationStatus.open,
        questions=[Question(kind=QuestionKind.text, prompt="Un mot ?", position=0)],
    )
    db.add(obj)
    db.flush()
    return obj


def free_text(
    db: Session, consultation: Consultation, text: str, review: TextReview = TextReview.pending
) -> Answer:
    submission = Submission(
        consultation_id=consultation.id, source=Source.online, form_token=secrets.token_hex(16)
    )
    db.add(submission)
    db.flush()
    answer = Answer(
        submission_id=submission.id,
        question_id=consultation.questions[0].id,
        text=text,
        text_review=review,
    )
    db.add(answer)
    db.flush()
    return answer


def meeting(db: Session, coalition: Coalition, days: int, **fields: object) -> Meeting:
    """A meeting `days` after NOW (before it when negative)."""
    return f.meeting(db, coalition, starts_at=NOW + timedelta(days=days), **fields)


def held_without_minutes(db: Session, coalition: Coalition, days: int = -30) -> Meeting:
    return meeting(db, coalition, days, status=MeetingStatus.held)


def agenda_item(db: Session, meeting: Meeting, title: str = "Point") -> AgendaItem:
    obj = AgendaItem(meeting_id=meeting.id, title=title)
    db.add(obj)
    db.flush()
    return obj


def entry(db: Session, meeting: Meeting, text: str = "Ce qui marche") -> DiagnosticEntry:
    obj = DiagnosticEntry(
        coalition_id=meeting.coalition_id,
        meeting_id=meeting.id,
        column=DiagnosticColumn.works,
        text=text,
    )
    db.add(obj)
    db.flush()
    return obj


def publish(db: Session, meeting: Meeting) -> DiagnosticSnapshot:
    obj = DiagnosticSnapshot(coalition_id=meeting.coalition_id, meeting_id=meeting.id, data={})
    db.add(obj)
    db.flush()
    return obj


def invitation(
    db: Session, coalition: Coalition, email: str, *, expires_in_days: int, **fields: object
) -> Invitation:
    obj = Invitation(
        coalition_id=coalition.id,
        email=email,
        role=MembershipRole.facilitator,
        token_hash=secrets.token_hex(32),
        expires_at=NOW + timedelta(days=expires_in_days),
        last_sent_at=NOW - timedelta(days=20),
        **fields,
    )
    db.add(obj)
    db.flush()
    return obj


def one_of_each(db: Session, coalition: Coalition) -> None:
    """One thing of every kind waiting in the coalition."""
    proposed(db, coalition, "Une action proposée")
    resource(db, coalition, "Une ressource proposée")
    free_text(db, consultation(db, coalition), "Une réponse libre")
    meeting(db, coalition, 10)
    held_without_minutes(db, coalition)
    invitation(db, coalition, "oubli@example.org", expires_in_days=-1)
