"""Monthly meetings: agenda, attendance, minutes, decisions and the action reviews."""

import enum
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type
from coalition.roadmap.models import ActionStatus


class MeetingStatus(enum.StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


MEETING_STATUS_LABELS = {
    MeetingStatus.planned: _l("Prévue"),
    MeetingStatus.held: _l("Tenue"),
    MeetingStatus.cancelled: _l("Annulée"),
}


class Presence(enum.StrEnum):
    present = "present"
    excused = "excused"
    absent = "absent"


PRESENCE_LABELS = {
    Presence.present: _l("Présent"),
    Presence.excused: _l("Excusé"),
    Presence.absent: _l("Absent"),
}


def new_uid() -> str:
    return str(uuid.uuid4())


class Meeting(Timestamps, Versioned, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("coalition_id", "number"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, "status"), default=MeetingStatus.planned
    )
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ical_uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    ical_sequence: Mapped[int] = mapped_column(default=0)

    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", passive_deletes=True
    )


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (CheckConstraint("duration_minutes > 0", name="positive_duration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    duration_minutes: Mapped[int] = mapped_column(default=15)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))


class Decision(Timestamps, Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="SET NULL"), index=True
    )


class Attendance(Base):
    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    presence: Mapped[Presence] = mapped_column(enum_type(Presence, "presence"))


class ActionReview(Timestamps, Versioned, Base):
    """An action's state as reviewed at one meeting; their sequence is the action's history."""

    __tablename__ = "action_reviews"
    __table_args__ = (
        UniqueConstraint("meeting_id", "action_id"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus, "status"))
    progress: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


record_labels("meeting", status=MEETING_STATUS_LABELS)
record_labels("attendance", presence=PRESENCE_LABELS)
