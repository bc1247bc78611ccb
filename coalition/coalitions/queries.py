"""Reads about coalitions: the list, a coalition's home, its levers."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus, Family
from coalition.actors.queries import visible_actors
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.consultations.models import Channel, Consultation, ConsultationStatus
from coalition.meetings.models import Meeting, MeetingStatus


def coalition_or_404(session: Session, slug: str) -> Coalition:
    coalition = session.scalars(select(Coalition).where(Coalition.slug == slug)).one_or_none()
    if coalition is None:
        abort(404)
    return coalition


@dataclass(frozen=True)
class CoalitionSummary:
    coalition: Coalition
    actor_count: int


def list_coalitions(session: Session) -> list[CoalitionSummary]:
    """Every coalition, with the number of actors its public directory lists."""
    active_actors = (
        select(Actor.coalition_id, func.count().label("n"))
        .where(Actor.status != ActorStatus.left, Actor.is_listed.is_(True))
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


def coalition_levers(
    session: Session, coalition: Coalition, *, with_retired: bool = True
) -> list[Lever]:
    """The coalition's levers in their order; forms that choose one pass with_retired=False."""
    query = select(Lever).where(Lever.coalition_id == coalition.id)
    if not with_retired:
        query = query.where(Lever.retired_at.is_(None))
    return list(session.scalars(query.order_by(Lever.position, Lever.name)))


def coalition_axes(
    session: Session, coalition: Coalition, *, with_retired: bool = True
) -> list[Axis]:
    """The coalition's axes in their order; forms that choose one pass with_retired=False."""
    query = select(Axis).where(Axis.coalition_id == coalition.id)
    if not with_retired:
        query = query.where(Axis.retired_at.is_(None))
    return list(session.scalars(query.order_by(Axis.position, Axis.name)))
