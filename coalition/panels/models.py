"""A citizens' panel drawn by lot: its quotas, its pool of volunteers and the runs of the draw.

The pool and the quotas are frozen once the seed is announced: anyone can then run the same
draw again with the sortition library, the published seed and the exported pool.
"""

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type, utcnow


class PanelStatus(enum.StrEnum):
    open = "open"  # the pool and the quotas are being built
    announced = "announced"  # the seed is public: nothing changes any more until the draw
    drawn = "drawn"


class VolunteerStatus(enum.StrEnum):
    pool = "pool"
    selected = "selected"
    reserve = "reserve"
    declined = "declined"  # drawn, then declined: a replacement was drawn


class Source(enum.StrEnum):
    signup = "signup"
    imported = "csv"


class RunKind(enum.StrEnum):
    draw = "draw"
    replacement = "replacement"


class RunState(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


PANEL_STATUS_LABELS = {
    PanelStatus.open: _l("Vivier en constitution"),
    PanelStatus.announced: _l("Graine annoncée"),
    PanelStatus.drawn: _l("Tiré au sort"),
}
VOLUNTEER_STATUS_LABELS = {
    VolunteerStatus.pool: _l("Dans le vivier"),
    VolunteerStatus.selected: _l("Tiré·e au sort"),
    VolunteerStatus.reserve: _l("Liste complémentaire"),
    VolunteerStatus.declined: _l("Désisté·e"),
}
RUN_STATE_LABELS = {
    RunState.queued: _l("En attente"),
    RunState.running: _l("En cours"),
    RunState.done: _l("Terminé"),
    RunState.failed: _l("Échoué"),
}


class Panel(Timestamps, Versioned, Base):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int]
    reserve_size: Mapped[int] = mapped_column(default=0)
    status: Mapped[PanelStatus] = mapped_column(
        enum_type(PanelStatus, "panel_status"), default=PanelStatus.open
    )
    algorithm: Mapped[str] = mapped_column(String(20), default="maximin")
    seed: Mapped[int | None]
    seed_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    library_version: Mapped[str | None] = mapped_column(String(40))
    min_probability: Mapped[float | None] = mapped_column(Float)
    max_probability: Mapped[float | None] = mapped_column(Float)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    quotas: Mapped[list["PanelQuota"]] = relationship(
        order_by="PanelQuota.position", cascade="all, delete-orphan", back_populates="panel"
    )

    @property
    def features(self) -> list[str]:
        """The features the quotas name, in the order they were written."""
        return list(dict.fromkeys(quota.feature for quota in self.quotas))


class PanelQuota(Base):
    """The least and the most people of the panel with one value of one feature."""

    __tablename__ = "panel_quotas"
    __table_args__ = (UniqueConstraint("panel_id", "feature", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    feature: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(80))
    minimum: Mapped[int]
    maximum: Mapped[int]
    position: Mapped[int]

    panel: Mapped[Panel] = relationship(back_populates="quotas")


class Volunteer(Base):
    """One person of the pool. `number` gives the pseudonymous code of the exports (V0001)."""

    __tablename__ = "panel_volunteers"
    __table_args__ = (UniqueConstraint("panel_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    # feature name -> value; a feature missing here has no value yet
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[Source] = mapped_column(enum_type(Source, "volunteer_source"))
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_type(VolunteerStatus, "volunteer_status"), default=VolunteerStatus.pool
    )
    probability: Mapped[float | None] = mapped_column(Float)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_volunteers.id", ondelete="SET NULL")
    )
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def code(self) -> str:
        return f"V{self.number:04d}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PanelRun(Base):
    """One run of the sortition library, done by the mail worker: the draw or a replacement."""

    __tablename__ = "panel_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RunKind] = mapped_column(enum_type(RunKind, "panel_run_kind"))
    state: Mapped[RunState] = mapped_column(
        enum_type(RunState, "panel_run_state"), default=RunState.queued, index=True
    )
    seed: Mapped[int]
    algorithm: Mapped[str] = mapped_column(String(20))
    replaced_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_volunteers.id", ondelete="SET NULL")
    )
    phase: Mapped[str] = mapped_column(String(200), default="")
    current: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    message: Mapped[str] = mapped_column(Text, default="")  # why it failed, in plain words
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_pending(self) -> bool:
        return self.state in (RunState.queued, RunState.running)


record_labels("panel", status=PANEL_STATUS_LABELS)
record_labels("panel_volunteer", status=VOLUNTEER_STATUS_LABELS)
