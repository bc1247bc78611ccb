"""The audit log: who changed what, when, with the state before and after."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from coalition.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_coalition_at", "coalition_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="SET NULL")
    )
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    user_id: int | None,
    coalition_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (written with the change it describes)."""
    event = AuditEvent(
        entity=entity,
        entity_id=entity_id,
        action=action,
        user_id=user_id,
        coalition_id=coalition_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event
