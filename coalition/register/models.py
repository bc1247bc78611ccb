"""The register of algorithmic systems and AI uses of the coalition's actors.

Each entry is owned by an actor (a public body for what it uses, a vendor for its products);
the owner's people write it, facilitators publish it. Every save keeps a version: the fields as
they were, which changed, who saved them and when (`EntryVersion`).
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type, utcnow

if TYPE_CHECKING:
    from coalition.coalitions.models import Lever
    from coalition.roadmap.models import Action
    from coalition.workshops.models import UseCase


class EntryStatus(enum.StrEnum):
    idea = "idea"
    pilot = "pilot"
    in_use = "in_use"
    stopped = "stopped"


ENTRY_STATUS_LABELS = {
    EntryStatus.idea: _l("Idée"),
    EntryStatus.pilot: _l("Expérimentation"),
    EntryStatus.in_use: _l("En service"),
    EntryStatus.stopped: _l("Arrêté"),
}


def _link(name: str, column: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("entry_id", ForeignKey("register_entries.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True),
    )


entry_levers = _link("register_entry_levers", "lever_id", "levers.id")
entry_actions = _link("register_entry_actions", "action_id", "actions.id")
entry_cases = _link("register_entry_cases", "case_id", "workshop_cases.id")


class RegisterEntry(Timestamps, Versioned, Base):
    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus, "entry_status"))
    individual_decisions: Mapped[bool] = mapped_column(default=False)
    human_oversight: Mapped[str] = mapped_column(Text, default="")
    data_used: Mapped[str] = mapped_column(Text, default="")
    personal_data: Mapped[bool] = mapped_column(default=False)
    source_code_url: Mapped[str] = mapped_column(String(500), default="")
    licence: Mapped[str] = mapped_column(String(100), default="")
    impact_assessment: Mapped[str] = mapped_column(Text, default="")
    impact_assessment_url: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(320), default="")
    is_published: Mapped[bool] = mapped_column(default=False, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    levers: Mapped[list["Lever"]] = relationship(secondary=entry_levers)
    actions: Mapped[list["Action"]] = relationship(secondary=entry_actions)
    cases: Mapped[list["UseCase"]] = relationship(secondary=entry_cases)

    @property
    def has_published_assessment(self) -> bool:
        return bool(self.impact_assessment_url)


class EntryVersion(Base):
    """An entry as one save left it."""

    __tablename__ = "register_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("register_entries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)  # names of the fields changed
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


record_labels("register_entry", status=ENTRY_STATUS_LABELS)
