"""A coalition (with the licence of its open data), its axes (approaches) and its levers."""

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, Versioned, enum_type


class Phase(enum.StrEnum):
    framing = "framing"
    diagnostic = "diagnostic"
    roadmap = "roadmap"
    action = "action"


PHASE_LABELS = {
    Phase.framing: _l("Cadrage"),
    Phase.diagnostic: _l("Diagnostic"),
    Phase.roadmap: _l("Feuille de route"),
    Phase.action: _l("Action"),
}


class DataLicence(enum.StrEnum):
    """Under which licence the coalition publishes its open data (values: SPDX ids, lower case)."""

    etalab = "etalab-2.0"
    odbl = "odbl-1.0"


@dataclass(frozen=True)
class LicenceTerms:
    label: LazyString
    url: str

    @property
    def link_header(self) -> str:
        """The value of a `Link` header (RFC 8288) naming this licence for a response."""
        return f'<{self.url}>; rel="license"'


DATA_LICENCES = {
    DataLicence.etalab: LicenceTerms(
        _l("Licence Ouverte / Open Licence version 2.0"),
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    DataLicence.odbl: LicenceTerms(
        _l("Open Database License (ODbL) version 1.0"),
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}


class Coalition(Timestamps, Versioned, Base):
    __tablename__ = "coalitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str] = mapped_column(String(300), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[Phase] = mapped_column(enum_type(Phase, "phase"), default=Phase.framing)
    data_licence: Mapped[DataLicence] = mapped_column(
        enum_type(DataLicence, "data_licence"),
        default=DataLicence.etalab,
        server_default=DataLicence.etalab.value,
    )
    # raised by every write to the coalition (coalitions/freshness.py): what a cached page is
    # kept under
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # how many days before a meeting its people are reminded of it (notices/)
    reminder_days: Mapped[int] = mapped_column(default=3, server_default="3")
    # how long a workshop sign-up is kept before it is deleted (signups.service.purge_expired)
    signup_retention_months: Mapped[int] = mapped_column(default=12, server_default="12")

    @property
    def data_licence_terms(self) -> LicenceTerms:
        return DATA_LICENCES[self.data_licence]


class Axis(Timestamps, Versioned, Base):
    __tablename__ = "axes"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # retired, never deleted once anything refers to it: kept in history, offered in no form
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Lever(Timestamps, Versioned, Base):
    __tablename__ = "levers"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # retired, never deleted once anything refers to it: kept in history, offered in no form
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


record_labels("coalition", phase=PHASE_LABELS)
