"""The resource space: charters, guides, studies, tools... that members found useful."""

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.coalitions.models import Lever
from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type
from coalition.resources.text import search_stems


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


# What the search counts and sorts, so that it never reads the wide rows (migration 0011):
# from the coalition (searches without text), from the id (the text engine's matches).
SEARCH_COLUMNS = ("published_at", "axis_id", "language", "contributed_by_id")


def _stems_of_the_inserted_text(context: Any) -> str:
    """`search_stems` for an insert that does not give it (plain `insert(Resource)`)."""
    return search_stems(context.get_current_parameters().get("search_text") or "")


class Resource(Timestamps, Versioned, Base):
    __tablename__ = "resources"
    __table_args__ = (
        UniqueConstraint("coalition_id", "url"),
        Index("ix_resources_scope", "coalition_id", "status", "kind", "id", *SEARCH_COLUMNS),
        Index("ix_resources_by_id", "id", "coalition_id", "status", "kind", *SEARCH_COLUMNS),
    )

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
    # Title, summary and tags folded, then their stems, which the database's full-text engine
    # indexes (migration 0011): see coalition.resources.text. Setting `search_text` sets
    # `search_stems`; `flask reindex` repairs both.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_stems: Mapped[str] = mapped_column(
        Text, default=_stems_of_the_inserted_text, server_default=""
    )

    levers: Mapped[list[Lever]] = relationship(secondary=resource_levers)
    tags: Mapped[list[Tag]] = relationship(secondary=resource_tags, order_by=Tag.name)


record_labels("resource", kind=RESOURCE_KIND_LABELS, status=RESOURCE_STATUS_LABELS)


@event.listens_for(Resource.search_text, "set")
def _stem_the_text(target: Resource, value: str | None, _old: object, _initiator: object) -> None:
    target.search_stems = search_stems(value or "")
