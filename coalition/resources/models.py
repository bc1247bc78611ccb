"""The resource space: charters, guides, studies, tools... that members found useful."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.coalitions.models import Lever
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type


class ResourceKind(enum.StrEnum):
    charter = "charter"
    guide = "guide"
    study = "study"
    tool = "tool"
    method = "method"
    event = "event"
    article = "article"
    dataset = "dataset"


RESOURCE_KIND_LABELS = {
    ResourceKind.charter: _l("Charte"),
    ResourceKind.guide: _l("Guide"),
    ResourceKind.study: _l("Étude"),
    ResourceKind.tool: _l("Outil"),
    ResourceKind.method: _l("Méthode"),
    ResourceKind.event: _l("Événement"),
    ResourceKind.article: _l("Article"),
    ResourceKind.dataset: _l("Jeu de données"),
}


class ResourceStatus(enum.StrEnum):
    submitted = "submitted"
    published = "published"
    rejected = "rejected"


RESOURCE_STATUS_LABELS = {
    ResourceStatus.submitted: _l("Proposée"),
    ResourceStatus.published: _l("Publiée"),
    ResourceStatus.rejected: _l("Refusée"),
}


resource_levers = Table(
    "resource_levers",
    Base.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("lever_id", ForeignKey("levers.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_resource_levers_lever_id", "lever_id", "resource_id"),  # the search's lever filter
)

resource_tags = Table(
    "resource_tags",
    Base.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))


class Resource(Timestamps, Versioned, Base):
    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("coalition_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[ResourceKind] = mapped_column(enum_type(ResourceKind, "kind"))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    axis_id: Mapped[int | None] = mapped_column(ForeignKey("axes.id", ondelete="SET NULL"))
    contributed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL")
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ResourceStatus] = mapped_column(
        enum_type(ResourceStatus, "status"), default=ResourceStatus.submitted
    )
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the full-text index reads: see coalition.resources.text.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    levers: Mapped[list[Lever]] = relationship(secondary=resource_levers)
    tags: Mapped[list[Tag]] = relationship(secondary=resource_tags, order_by=Tag.name)
