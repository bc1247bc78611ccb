"""Consultations (questionnaires answered anonymously) and use-case workshops.

Nothing here identifies a person: a submission holds its answers, the channel it came through
(online, at a stall, typed from paper), the stall and the time, never an IP address or a user.
"""

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type, utcnow


class ConsultationStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


CONSULTATION_STATUS_LABELS = {
    ConsultationStatus.draft: _l("En préparation"),
    ConsultationStatus.open: _l("Ouverte"),
    ConsultationStatus.closed: _l("Close"),
}


class Channel(enum.StrEnum):
    """Where a consultation runs."""

    online = "online"
    stall = "stall"
    both = "both"


CHANNEL_LABELS = {
    Channel.online: _l("En ligne"),
    Channel.stall: _l("Sur un stand"),
    Channel.both: _l("En ligne et sur un stand"),
}


class Source(enum.StrEnum):
    """How a submission reached the coalition."""

    online = "online"
    stall = "stall"
    paper = "paper"


SOURCE_LABELS = {
    Source.online: _l("En ligne"),
    Source.stall: _l("Sur le stand"),
    Source.paper: _l("Saisie d'un questionnaire papier"),
}


class QuestionKind(enum.StrEnum):
    single = "single"
    multiple = "multiple"
    scale = "scale"
    text = "text"


QUESTION_KIND_LABELS = {
    QuestionKind.single: _l("Choix unique"),
    QuestionKind.multiple: _l("Choix multiples"),
    QuestionKind.scale: _l("Échelle de 1 à 5"),
    QuestionKind.text: _l("Texte libre court"),
}


class TextReview(enum.StrEnum):
    """Free text reaches the public only once a facilitator approved it."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


TEXT_REVIEW_LABELS = {
    TextReview.pending: _l("À relire"),
    TextReview.approved: _l("Publiée"),
    TextReview.rejected: _l("Écartée"),
}


class Consultation(Timestamps, Versioned, Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    introduction: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"), default=Channel.online)
    status: Mapped[ConsultationStatus] = mapped_column(
        enum_type(ConsultationStatus, "status"), default=ConsultationStatus.draft
    )
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    questions: Mapped[list["Question"]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Question(Base):
    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind, "kind"))
    prompt: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(String(500), default="")
    is_required: Mapped[bool] = mapped_column(default=False)
    # An anonymous profile question (age bracket, territory): results cross-tabulate by it.
    is_profile: Mapped[bool] = mapped_column(default=False)

    choices: Mapped[list["Choice"]] = relationship(
        order_by="Choice.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Choice(Base):
    __tablename__ = "consultation_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))


STALL_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
STALL_CODE_LENGTH = 8


def new_stall_code() -> str:
    return "".join(secrets.choice(STALL_CODE_ALPHABET) for _ in range(STALL_CODE_LENGTH))


class Stall(Base):
    """A market stall where answers are collected: its place, territory and date, who holds
    it, and two addresses.

    The holder's link (`/stall/<secret>`) records answers for this stall only, with no account
    logged in; only the hash of its secret is kept. Revoking it keeps the hash, so that the old
    link says it no longer works; renewing it replaces the hash.

    The public code (`/s/<code>`) is printed on the stall's posters and flyers: a passer-by who
    scans it answers on their own phone, and the answer counts for the stall. It is not a
    secret. The holder's name and mail are seen by facilitators only."""

    __tablename__ = "consultation_stalls"
    __table_args__ = (Index("ix_consultation_stalls_code", "code", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    place: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(200), default="", server_default="")
    held_on: Mapped[date]
    holder_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    holder_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    code: Mapped[str] = mapped_column(String(16), default=new_stall_code, server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    link_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def has_working_link(self) -> bool:
        return self.link_hash is not None and self.link_revoked_at is None


class Submission(Base):
    """One person's answers to a consultation."""

    __tablename__ = "consultation_submissions"
    __table_args__ = (Index("ix_consultation_submissions_consultation", "consultation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    source: Mapped[Source] = mapped_column(enum_type(Source, "source"))
    stall_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_stalls.id", ondelete="SET NULL")
    )
    # The one-time token of the form it came from: a replayed form cannot be stored twice.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Answer(Base):
    """One answer to one question: a choice (one row per ticked choice), a scale value or a text."""

    __tablename__ = "consultation_answers"
    __table_args__ = (
        CheckConstraint("scale_value BETWEEN 1 AND 5", name="scale_range"),
        Index("ix_consultation_answers_submission", "submission_id", "question_id"),
        Index("ix_consultation_answers_review", "question_id", "text_review", "id"),
        Index("ix_consultation_answers_choice", "choice_id"),  # for ON DELETE CASCADE
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_submissions.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE")
    )
    choice_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_choices.id", ondelete="CASCADE")
    )
    scale_value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    text_review: Mapped[TextReview | None] = mapped_column(enum_type(TextReview, "text_review"))


class Tally(Base):
    """A running count kept as answers arrive, so that results read a few rows whatever the
    number of answers (see consultations.tallies)."""

    __tablename__ = "consultation_tallies"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), primary_key=True
    )
    # a choice id, a scale value (1 to 5), or 0: the people who answered the question
    answer_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # 0: every submission; else a profile choice id: the submissions that gave it
    group_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)


record_labels("consultation", status=CONSULTATION_STATUS_LABELS)
