"""The coalition's charter of values, its versions and who signed which; the labels it tries out.

A version, once published, never changes: a new text is a new version, and each actor's
signature names the version it signed. A label is named, has criteria, and is held by actors or
register entries.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db import Base, Timestamps, UTCDateTime, Versioned, utcnow


class CharterVersion(Base):
    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("coalition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # markdown
    changes: Mapped[str] = mapped_column(Text, default="")  # what this version changes
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Signature(Base):
    """An actor's signature of one version, by a person who speaks for it."""

    __tablename__ = "charter_signatures"
    __table_args__ = (UniqueConstraint("version_id", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Label(Timestamps, Versioned, Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[str] = mapped_column(Text, default="")  # markdown


class LabelAward(Base):
    """A label held by an actor or by a register entry (one of the two)."""

    __tablename__ = "label_awards"
    __table_args__ = (
        UniqueConstraint("label_id", "actor_id"),
        UniqueConstraint("label_id", "entry_id"),
        CheckConstraint("(actor_id IS NULL) <> (entry_id IS NULL)", name="actor_or_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_entries.id", ondelete="CASCADE")
    )
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
