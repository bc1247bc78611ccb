"""Actors (the organisations of a coalition) and the levers they hold."""

import enum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, Versioned, enum_type

if TYPE_CHECKING:
    from coalition.coalitions.models import Lever


class Family(enum.StrEnum):
    research = "research"
    use = "use"
    supply = "supply"
    procurement = "procurement"


FAMILY_LABELS = {
    Family.research: _l("Recherche et experts"),
    Family.use: _l("Usage"),
    Family.supply: _l("Offre"),
    Family.procurement: _l("Commande"),
}


class ActorKind(enum.StrEnum):
    university = "university"
    school = "school"
    research_body = "research_body"
    lab = "lab"
    association = "association"
    foundation = "foundation"
    company = "company"
    network = "network"
    local_authority = "local_authority"
    state_agency = "state_agency"
    other = "other"


ACTOR_KIND_LABELS = {
    ActorKind.university: _l("Université"),
    ActorKind.school: _l("École"),
    ActorKind.research_body: _l("Organisme de recherche"),
    ActorKind.lab: _l("Laboratoire, fablab ou tiers-lieu"),
    ActorKind.association: _l("Association"),
    ActorKind.foundation: _l("Fondation"),
    ActorKind.company: _l("Entreprise"),
    ActorKind.network: _l("Réseau ou pôle"),
    ActorKind.local_authority: _l("Collectivité territoriale"),
    ActorKind.state_agency: _l("Administration ou agence de l'État"),
    ActorKind.other: _l("Autre"),
}


class ActorStatus(enum.StrEnum):
    interested = "interested"
    member = "member"
    left = "left"


ACTOR_STATUS_LABELS = {
    ActorStatus.interested: _l("Intéressé"),
    ActorStatus.member: _l("Membre"),
    ActorStatus.left: _l("Parti"),
}


CAPACITY_LABELS = {1: _l("1 – faible"), 2: _l("2 – moyenne"), 3: _l("3 – forte")}


class Actor(Timestamps, Versioned, Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[Family] = mapped_column(enum_type(Family, "family"))
    kind: Mapped[ActorKind] = mapped_column(enum_type(ActorKind, "kind"), default=ActorKind.other)
    territory: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActorStatus] = mapped_column(
        enum_type(ActorStatus, "status"), default=ActorStatus.interested
    )
    is_partner: Mapped[bool] = mapped_column(default=False)
    is_listed: Mapped[bool] = mapped_column(default=True)

    holdings: Mapped[list["Holding"]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", passive_deletes=True
    )


class Holding(Timestamps, Versioned, Base):
    """An actor holds a lever, with a capacity from 1 (weak) to 3 (strong)."""

    __tablename__ = "holdings"
    __table_args__ = (
        UniqueConstraint("actor_id", "lever_id"),
        CheckConstraint("capacity BETWEEN 1 AND 3", name="capacity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    lever_id: Mapped[int] = mapped_column(ForeignKey("levers.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Actor] = relationship(back_populates="holdings")
    lever: Mapped["Lever"] = relationship()


record_labels("actor", family=FAMILY_LABELS, kind=ACTOR_KIND_LABELS, status=ACTOR_STATUS_LABELS)
