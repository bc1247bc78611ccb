"""The audit log: who changed what, when, with the state before and after."""

import enum
from collections.abc import Iterable
from datetime import date, datetime
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
    # the actor a change is about (its own record, a holding, a commitment): its history
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
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
    actor_id: int | None = None,
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
        actor_id=actor_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a record as JSON-safe values, for the audit log."""
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(obj, field)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        values[field] = value
    return values


def record_change(
    session: Session,
    entity: str,
    obj: Any,
    action: str,
    *,
    by: Any,
    coalition_id: int,
    before: dict[str, Any] | None,
    fields: Iterable[str],
    actor_id: int | None = None,
) -> AuditEvent:
    """Flush, then log a create / update / delete of `obj` with its fields before and after."""
    session.flush()
    return record(
        session,
        entity=entity,
        entity_id=obj.id,
        action=action,
        user_id=by.id if by else None,
        coalition_id=coalition_id,
        actor_id=actor_id,
        before=before,
        after=None if action == "delete" else snapshot(obj, fields),
    )


def changed(obj: object, before: dict[str, Any], fields: Iterable[str]) -> bool:
    """Whether the record's fields (its version aside) differ from the snapshot taken before."""
    compared = [field for field in fields if field != "version"]
    return snapshot(obj, compared) != {field: before[field] for field in compared}
