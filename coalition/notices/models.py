"""What the coalition tells its people: the notices written (each at most once), each person's
choices, and the secret of each person's calendar feed."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db import Base, UTCDateTime, enum_type, utcnow


class NoticeKind(enum.StrEnum):
    meeting = "meeting"  # an invitation, a move, a cancellation, with the calendar event
    reminder = "reminder"  # a few days before a meeting
    digest = "digest"  # after a meeting: minutes or diagnostic published
    commitment = "commitment"  # an action one's organisation committed to: near its date, stuck


class Setting(enum.StrEnum):
    on = "on"
    weekly = "weekly"  # digests only: gathered once a week
    off = "off"


NOTICE_KIND_LABELS = {
    NoticeKind.meeting: _l("Invitations aux rencontres et leurs changements"),
    NoticeKind.reminder: _l("Rappels avant une rencontre"),
    NoticeKind.digest: _l("Comptes rendus après une rencontre"),
    NoticeKind.commitment: _l("Échéances et actions à l'arrêt de mon organisation"),
}
SETTING_LABELS = {
    Setting.on: _l("Oui"),
    Setting.weekly: _l("Une fois par semaine"),
    Setting.off: _l("Non"),
}
SETTINGS_OF = dict.fromkeys(NoticeKind, (Setting.on, Setting.off)) | {
    NoticeKind.digest: (Setting.on, Setting.weekly, Setting.off)
}


class Notice(Base):
    """A notice written to the outbox: (person, kind, subject, version) once, whatever runs
    the command, on however many hosts (the unique constraint decides)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind, "kind"))
    subject_key: Mapped[str] = mapped_column(String(100))  # e.g. "meeting:12"
    version: Mapped[int] = mapped_column(default=0)
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NoticePreference(Base):
    """A person's choice for one kind of notice; no row means `on`."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind, "kind"), primary_key=True)
    setting: Mapped[Setting] = mapped_column(enum_type(Setting, "setting"))


class CalendarFeed(Base):
    """A person's personal calendar feed: the hash of its secret URL's token."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
