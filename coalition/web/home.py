"""The list of coalitions and a coalition's home: a little of every domain."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import ACTORS
from coalition.actors.models import Actor, ActorStatus, Family
from coalition.actors.queries import visible_actors
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.coalitions.queries import coalition_axes
from coalition.consultations.models import Channel, Consultation, ConsultationStatus
from coalition.meetings.models import Meeting, MeetingStatus


@dataclass(frozen=True)
class CoalitionSummary:
    coalition: Coalition
    actor_count: int


def list_coalitions(session: Session) -> list[CoalitionSummary]:
    """Every coalition, with the number of actors its public directory lists."""
    active_actors = (
        select(Actor.coalition_id, func.count().label("n"))
        .where(Actor.status != ActorStatus.left, ACTORS.public())
        .group_by(Actor.coalition_id)
        .subquery()
    )
    rows = session.execute(
        select(Coalition, func.coalesce(active_actors.c.n, 0))
        .outerjoin(active_actors, active_actors.c.coalition_id == Coalition.id)
        .order_by(Coalition.name)
    ).all()
    return [CoalitionSummary(coalition, count) for coalition, count in rows]


@dataclass(frozen=True)
class CoalitionHome:
    coalition: Coalition
    family_counts: dict[Family, int]
    axes: list[Axis]  # current ones: retired axes are history
    lever_count: int
    partners: list[Actor]
    next_meeting: Meeting | None
    last_meeting: Meeting | None
    open_consultations: list[Consultation]  # those the public can answer online


def coalition_home(
    session: Session, coalition: Coalition, viewer: User | None, *, now: datetime
) -> CoalitionHome:
    counts = dict.fromkeys(Family, 0)
    present = visible_actors(coalition, viewer).where(Actor.status != ActorStatus.left).subquery()
    for family, count in session.execute(
        select(present.c.family, func.count()).group_by(present.c.family)
    ):
        counts[Family(family)] = count
    axes = coalition_axes(session, coalition, with_retired=False)
    lever_count = session.scalar(
        select(func.count())
        .select_from(Lever)
        .where(Lever.coalition_id == coalition.id, Lever.retired_at.is_(None))
    )
    partners = session.scalars(
        visible_actors(coalition, viewer)
        .where(Actor.status != ActorStatus.left, Actor.is_partner.is_(True))
        .order_by(Actor.name)
    ).all()
    next_meeting = session.scalars(
        select(Meeting)
        .where(
            Meeting.coalition_id == coalition.id,
            Meeting.status == MeetingStatus.planned,
            Meeting.ends_at >= now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).first()
    last_meeting = session.scalars(
        select(Meeting)
        .where(
            Meeting.coalition_id == coalition.id,
            Meeting.status == MeetingStatus.held,
            Meeting.starts_at < now,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).first()
    open_consultations = session.scalars(
        select(Consultation)
        .where(
            Consultation.coalition_id == coalition.id,
            Consultation.status == ConsultationStatus.open,
            Consultation.channel.in_([Channel.online, Channel.both]),
        )
        .order_by(Consultation.id.desc())
    ).all()
    return CoalitionHome(
        coalition,
        counts,
        list(axes),
        lever_count or 0,
        list(partners),
        next_meeting,
        last_meeting,
        list(open_consultations),
    )
