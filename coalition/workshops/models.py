"""Workshops: use cases, common issues and the contributions a facilitator records."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type, utcnow


class GeneralObjective(enum.StrEnum):
    """The general objectives of the Montpellier citizen convention."""

    trust = "trust"
    transparency = "transparency"
    ethics = "ethics"
    sovereignty = "sovereignty"


GENERAL_OBJECTIVE_LABELS = {
    GeneralObjective.trust: _l("Confiance"),
    GeneralObjective.transparency: _l("Transparence"),
    GeneralObjective.ethics: _l("Éthique et mesure"),
    GeneralObjective.sovereignty: _l("Souveraineté"),
}


class ContributionKind(enum.StrEnum):
    benefit = "benefit"
    fear = "fear"
    condition = "condition"


CONTRIBUTION_KIND_LABELS = {
    ContributionKind.benefit: _l("Bénéfice"),
    ContributionKind.fear: _l("Crainte"),
    ContributionKind.condition: _l("Condition"),
}


class Workshop(Timestamps, Versioned, Base):
    """A use-case workshop: participants weigh benefits and fears of cases."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date | None]
    is_published: Mapped[bool] = mapped_column(default=False)

    cases: Mapped[list["UseCase"]] = relationship(
        order_by="UseCase.position", cascade="all, delete-orphan", passive_deletes=True
    )
    issues: Mapped[list["CommonIssue"]] = relationship(
        order_by="CommonIssue.position", cascade="all, delete-orphan", passive_deletes=True
    )


class UseCase(Base):
    __tablename__ = "workshop_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    scenario: Mapped[str] = mapped_column(Text, default="")


class CommonIssue(Base):
    """An issue that several cases raise (e.g. "reliability of data")."""

    __tablename__ = "workshop_issues"
    __table_args__ = (UniqueConstraint("workshop_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text, default="")


class Contribution(Base):
    """What a participant said about a case: a benefit, a fear or a condition."""

    __tablename__ = "workshop_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContributionKind] = mapped_column(enum_type(ContributionKind, "kind"))
    text: Mapped[str] = mapped_column(Text)
    objective: Mapped[GeneralObjective | None] = mapped_column(
        enum_type(GeneralObjective, "objective")
    )
    issue_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_issues.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
