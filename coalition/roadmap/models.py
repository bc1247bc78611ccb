"""The shared roadmap: objectives, actions and the actors' commitments to them."""

import enum
from datetime import date
from typing import TYPE_CHECKING, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, Versioned, enum_type

if TYPE_CHECKING:
    from coalition.actors.models import Actor
    from coalition.coalitions.models import Lever


class Horizon(enum.StrEnum):
    short = "short"
    medium = "medium"


HORIZON_LABELS = {Horizon.short: _l("Court terme"), Horizon.medium: _l("Moyen terme")}


class ObjectiveStatus(enum.StrEnum):
    open = "open"
    achieved = "achieved"
    abandoned = "abandoned"


OBJECTIVE_STATUS_LABELS = {
    ObjectiveStatus.open: _l("En cours"),
    ObjectiveStatus.achieved: _l("Atteint"),
    ObjectiveStatus.abandoned: _l("Abandonné"),
}


class ActionStatus(enum.StrEnum):
    proposed = "proposed"
    committed = "committed"
    in_progress = "in_progress"
    done = "done"
    blocked = "blocked"
    dropped = "dropped"


CLOSED_ACTIONS = (ActionStatus.done, ActionStatus.dropped)  # nobody commits to these any more

ACTION_STATUS_LABELS = {
    ActionStatus.proposed: _l("Proposée"),
    ActionStatus.committed: _l("Engagée"),
    ActionStatus.in_progress: _l("En cours"),
    ActionStatus.done: _l("Réalisée"),
    ActionStatus.blocked: _l("Bloquée"),
    ActionStatus.dropped: _l("Abandonnée"),
}


class Role(enum.StrEnum):
    lead = "lead"
    contributor = "contributor"
    funder = "funder"
    expert = "expert"
    pilot_site = "pilot_site"


ROLE_LABELS = {
    Role.lead: _l("Pilote"),
    Role.contributor: _l("Contributeur"),
    Role.funder: _l("Financeur"),
    Role.expert: _l("Expert"),
    Role.pilot_site: _l("Site pilote"),
}


class CommitmentStatus(enum.StrEnum):
    pledged = "pledged"
    active = "active"
    fulfilled = "fulfilled"
    withdrawn = "withdrawn"


COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.pledged: _l("Promis"),
    CommitmentStatus.active: _l("Actif"),
    CommitmentStatus.fulfilled: _l("Tenu"),
    CommitmentStatus.withdrawn: _l("Retiré"),
}


class Objective(Timestamps, Versioned, Base):
    """An achievable collective success."""

    __tablename__ = "objectives"
    __table_args__ = (UniqueConstraint("coalition_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    horizon: Mapped[Horizon] = mapped_column(enum_type(Horizon, "horizon"))
    status: Mapped[ObjectiveStatus] = mapped_column(
        enum_type(ObjectiveStatus, "status"), default=ObjectiveStatus.open
    )


action_levers = Table(
    "action_levers",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("lever_id", ForeignKey("levers.id", ondelete="CASCADE"), primary_key=True),
)


class Action(Timestamps, Versioned, Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    axis_id: Mapped[int | None] = mapped_column(ForeignKey("axes.id", ondelete="SET NULL"))
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL")
    )
    lead_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    horizon: Mapped[Horizon] = mapped_column(enum_type(Horizon, "horizon"), default=Horizon.short)
    target_date: Mapped[date | None]
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus, "status"), default=ActionStatus.proposed
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    levers: Mapped[list["Lever"]] = relationship(secondary=action_levers)
    lead_actor: Mapped[Optional["Actor"]] = relationship()
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", passive_deletes=True
    )


class Commitment(Timestamps, Versioned, Base):
    """An actor commits to an action, in a role, bringing something."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("actor_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    contribution: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_type(CommitmentStatus, "status"), default=CommitmentStatus.pledged
    )

    actor: Mapped["Actor"] = relationship()
    action: Mapped[Action] = relationship(back_populates="commitments")


record_labels("commitment", role=ROLE_LABELS, status=COMMITMENT_STATUS_LABELS)
record_labels("action", status=ACTION_STATUS_LABELS, horizon=HORIZON_LABELS)
record_labels("objective", status=OBJECTIVE_STATUS_LABELS, horizon=HORIZON_LABELS)
