"""Recommendations a convention, a workshop or a consultation made, and the answer each gets."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type

if TYPE_CHECKING:
    from coalition.roadmap.models import Action
    from coalition.workshops.models import CommonIssue


class Origin(enum.StrEnum):
    convention = "convention"
    workshop = "workshop"
    consultation = "consultation"
    other = "other"


ORIGIN_LABELS = {
    Origin.convention: _l("Convention citoyenne"),
    Origin.workshop: _l("Atelier"),
    Origin.consultation: _l("Consultation"),
    Origin.other: _l("Autre"),
}


class AnswerStatus(enum.StrEnum):
    retained = "retained"
    partly_retained = "partly_retained"
    not_retained = "not_retained"


ANSWER_STATUS_LABELS = {
    AnswerStatus.retained: _l("Retenue"),
    AnswerStatus.partly_retained: _l("Retenue en partie"),
    AnswerStatus.not_retained: _l("Non retenue"),
}

recommendation_issues = Table(
    "recommendation_issues",
    Base.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("issue_id", ForeignKey("workshop_issues.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_actions = Table(
    "recommendation_actions",
    Base.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
)


class Recommendation(Timestamps, Versioned, Base):
    """A recommendation and its one answer (empty until answered; its changes are audited)."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[Origin] = mapped_column(enum_type(Origin, "origin"))
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="SET NULL"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL")
    )
    # the general objectives it answers: their codes, separated by spaces
    objectives: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer_status: Mapped[AnswerStatus | None] = mapped_column(
        enum_type(AnswerStatus, "answer_status")
    )
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    # who answered: an actor of the coalition, or None for the coalition itself
    answered_by_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    answered_on: Mapped[date | None]
    answer_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issues: Mapped[list["CommonIssue"]] = relationship(secondary=recommendation_issues)
    actions: Mapped[list["Action"]] = relationship(secondary=recommendation_actions)

    @property
    def objective_codes(self) -> list[str]:
        return self.objectives.split()

    @property
    def issue_ids(self) -> list[int]:
        return sorted(issue.id for issue in self.issues)

    @property
    def action_ids(self) -> list[int]:
        return sorted(action.id for action in self.actions)


record_labels("recommendation", origin=ORIGIN_LABELS, answer_status=ANSWER_STATUS_LABELS)
