"""The written diagnostic (three #Reset columns) and the frozen snapshots published for meetings."""

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type, utcnow


class DiagnosticColumn(enum.StrEnum):
    works = "works"
    hard = "hard"
    could = "could"


DIAGNOSTIC_COLUMN_LABELS = {
    DiagnosticColumn.works: _l("Ce qui existe et fonctionne"),
    DiagnosticColumn.hard: _l("Ce qui est difficile"),
    DiagnosticColumn.could: _l("Ce qui pourrait être fait"),
}


class DiagnosticEntry(Timestamps, Versioned, Base):
    """One item of the written diagnostic; no meeting means the starting diagnostic."""

    __tablename__ = "diagnostic_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    column: Mapped[DiagnosticColumn] = mapped_column(enum_type(DiagnosticColumn, "column"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class DiagnosticSnapshot(Base):
    """The diagnostic as published for a meeting: computed once, never changed afterwards."""

    __tablename__ = "diagnostic_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


record_labels("diagnostic_entry", column=DIAGNOSTIC_COLUMN_LABELS)
