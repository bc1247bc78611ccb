"""The network of stalls of a consultation: its answers by stall, by territory and by day, and
its results crossed by territory. Plain reads over a Session, in a fixed number of statements
whatever the number of stalls and answers; never the holders' names or mails.

A stall counts its answers by the way they came: typed on the stall's tablet (the kiosk), sent
from a passer-by's phone through the stall's poster QR code (an online submission carrying the
stall), or typed later from a paper questionnaire. A paper questionnaire counts on its stall's
day, the day it was filled in, not the day it was typed."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from coalition.consultations.models import (
    Answer,
    Consultation,
    QuestionKind,
    Source,
    Stall,
    Submission,
)
from coalition.consultations.results import CrossTable, CrossTabs, labels_of
from coalition.core.dates import PARIS
from coalition.core.exports import Row

TERRITORY = "territory"  # the `by` of the results page that crosses by the stall's territory
ONLINE = None  # the territory of the submissions that came with no stall


@dataclass(frozen=True)
class StallCounts:
    place: str
    territory: str
    held_on: date
    kiosk: int
    qr: int
    paper: int

    @property
    def total(self) -> int:
        return self.kiosk + self.qr + self.paper


@dataclass(frozen=True)
class TerritoryCounts:
    territory: str | None  # None: answered online with no stall; "": a stall of no territory
    stalls: int
    answers: int


@dataclass(frozen=True)
class DayCounts:
    day: date
    at_stalls: int  # counted for a stall: its kiosk, its QR code or its paper questionnaires
    online: int  # online with no stall

    @property
    def total(self) -> int:
        return self.at_stalls + self.online


@dataclass(frozen=True)
class Network:
    stalls: list[StallCounts]  # by date, then place
    territories: list[TerritoryCounts]  # by name, the unnamed one, then online with no stall
    days: list[DayCounts]  # the days with answers, oldest first
    online: int  # answers with no stall

    @property
    def at_stalls(self) -> int:
        return sum(stall.total for stall in self.stalls)

    @property
    def total(self) -> int:
        return self.at_stalls + self.online


def territory_label(territory: str | None) -> str:
    if territory is ONLINE:
        return _("En ligne, sans stand")
    return territory or _("Territoire non précisé")


def network_of(session: Session, consultation: Consultation) -> Network:
    """The consultation's answers by stall, territory and day: two statements."""
    stalls = _stall_counts(session, consultation)
    days, online = _day_counts(session, consultation, stalls)
    return Network(
        stalls=stalls, territories=_territories(stalls, online), days=days, online=online
    )


def _count(source: Source) -> ColumnElement[int]:
    return func.count(Submission.id).filter(Submission.source == source)


def _stall_counts(session: Session, consultation: Consultation) -> list[StallCounts]:
    rows = session.execute(
        select(
            Stall.place,
            Stall.territory,
            Stall.held_on,
            _count(Source.stall),
            _count(Source.online),
            _count(Source.paper),
        )
        .outerjoin(
            Submission,
            (Submission.stall_id == Stall.id) & (Submission.consultation_id == consultation.id),
        )
        .where(Stall.consultation_id == consultation.id)
        .group_by(Stall.id, Stall.place, Stall.territory, Stall.held_on)
        .order_by(Stall.held_on, Stall.place, Stall.id)
    )
    return [
        StallCounts(place, (territory or "").strip(), held_on, kiosk, qr, paper)
        for place, territory, held_on, kiosk, qr, paper in rows
    ]


def _utc_hour(session: Session, moment: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    """'2025-07-05 08': the UTC hour of a stored (naive UTC) time. Paris is a whole number of
    hours from UTC, so each such hour falls within one Paris day."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(moment, literal_column("'YYYY-MM-DD HH24'"))
    return func.strftime(literal_column("'%Y-%m-%d %H'"), moment)


def _paris_day(utc_hour: str) -> date:
    return datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(PARIS).date()


def _day_counts(
    session: Session, consultation: Consultation, stalls: list[StallCounts]
) -> tuple[list[DayCounts], int]:
    """Answers by Paris day, at stalls or online with no stall, counted by the database by UTC
    hour; and how many came with no stall."""
    hours = (
        select(
            _utc_hour(session, Submission.submitted_at).label("hour"),
            Submission.stall_id.is_not(None).label("at_stall"),
        )
        .where(
            Submission.consultation_id == consultation.id,
            (Submission.source != Source.paper) | Submission.stall_id.is_(None),
        )
        .subquery()
    )
    at_stalls: dict[date, int] = {}
    online: dict[date, int] = {}
    for hour, at_stall, count in session.execute(
        select(hours.c.hour, hours.c.at_stall, func.count()).group_by(
            hours.c.hour, hours.c.at_stall
        )
    ):
        day = _paris_day(hour)
        into = at_stalls if at_stall else online
        into[day] = into.get(day, 0) + count
    for stall in stalls:
        if stall.paper:
            at_stalls[stall.held_on] = at_stalls.get(stall.held_on, 0) + stall.paper
    days = [
        DayCounts(day, at_stalls.get(day, 0), online.get(day, 0))
        for day in sorted(at_stalls.keys() | online.keys())
    ]
    return days, sum(online.values())


def _territories(stalls: list[StallCounts], online: int) -> list[TerritoryCounts]:
    places: dict[str, int] = {}
    answers: dict[str, int] = {}
    for stall in stalls:
        places[stall.territory] = places.get(stall.territory, 0) + 1
        answers[stall.territory] = answers.get(stall.territory, 0) + stall.total
    named = sorted(places, key=lambda name: (name == "", name.casefold(), name))
    territories = [TerritoryCounts(name, places[name], answers[name]) for name in named]
    if online:
        territories.append(TerritoryCounts(ONLINE, 0, online))
    return territories


def territory_crosstabs(
    session: Session, consultation: Consultation, network: Network | None = None
) -> CrossTabs:
    """Every choice and scale question broken down by the territory of the stall each answer
    came through, those with no stall apart: one statement beside the network's two."""
    if network is None:
        network = network_of(session, consultation)
    groups = [territory.territory for territory in network.territories]
    counted = [q for q in consultation.questions if q.kind != QuestionKind.text]
    key = func.coalesce(Answer.choice_id, Answer.scale_value)
    counts: dict[tuple[int, int, str | None], int] = {}
    for question_id, answer_key, territory, count in session.execute(
        select(Answer.question_id, key, Stall.territory, func.count())
        .join(Submission, Submission.id == Answer.submission_id)
        .outerjoin(Stall, Stall.id == Submission.stall_id)
        .where(
            Submission.consultation_id == consultation.id,
            Answer.question_id.in_([question.id for question in counted]),
            Answer.text.is_(None),
        )
        .group_by(Answer.question_id, key, Stall.territory)
    ):
        group = ONLINE if territory is None else territory.strip()
        counts[question_id, answer_key, group] = (
            counts.get((question_id, answer_key, group), 0) + count
        )
    tables = [
        CrossTable(
            question=question,
            rows=[
                (label, [counts.get((question.id, key, group), 0) for group in groups])
                for key, label in labels_of(question)
            ],
        )
        for question in counted
    ]
    return CrossTabs(
        by=TERRITORY,
        prompt=_("Territoire du stand"),
        groups=[territory_label(group) for group in groups],
        group_sizes=[territory.answers for territory in network.territories],
        tables=tables,
    )


NETWORK_CSV_HEADER = ["stall", "territory", "date", "kiosk", "qr", "paper", "total"]


def network_csv_rows(network: Network) -> list[Row]:
    """The rows of the network's CSV: one per stall, no holder."""
    return [
        {
            "stall": stall.place,
            "territory": stall.territory,
            "date": stall.held_on.isoformat(),
            "kiosk": stall.kiosk,
            "qr": stall.qr,
            "paper": stall.paper,
            "total": stall.total,
        }
        for stall in network.stalls
    ]
