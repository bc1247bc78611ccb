"""Reads about actors, filtered by what the viewer may see."""

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby

from flask import abort
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from coalition.access import ACTORS
from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.auth.models import User
from coalition.coalitions.models import Coalition, Lever
from coalition.core.audit import AuditEvent
from coalition.meetings.models import Attendance, Meeting, Presence
from coalition.roadmap.models import CLOSED_ACTIONS, Action, Commitment, CommitmentStatus

HISTORY_LIMIT = 100  # latest changes shown on an actor's page
LIVE_COMMITMENT = Commitment.status != CommitmentStatus.withdrawn


def visible_actors(coalition: Coalition, viewer: User | None) -> Select[Actor]:
    """The coalition's actors the viewer may see: the public sees the listed ones only."""
    return select(Actor).where(
        Actor.coalition_id == coalition.id, ACTORS.where(viewer, coalition.id)
    )


def actor_or_404(session: Session, coalition: Coalition, actor_id: int) -> Actor:
    actor = session.scalars(
        select(Actor).where(Actor.id == actor_id, Actor.coalition_id == coalition.id)
    ).one_or_none()
    if actor is None:
        abort(404)
    return actor


class DirectorySort(StrEnum):
    family = "family"
    name = "name"
    commitments = "commitments"


FAMILY_ORDER = case({family.value: rank for rank, family in enumerate(Family)}, value=Actor.family)


DIRECTORY_PAGE_SIZE = 100


@dataclass(frozen=True)
class DirectoryFilters:
    family: Family | None = None
    kind: ActorKind | None = None
    lever_id: int | None = None
    include_left: bool = False
    sort: DirectorySort = DirectorySort.family
    page: int = 1


@dataclass(frozen=True)
class DirectoryEntry:
    actor: Actor
    commitment_count: int
    lever_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DirectoryPage:
    entries: list[DirectoryEntry]  # this page's
    per_family: dict[Family, int]  # the actors of every page
    page: int  # the one asked for, or the last
    pages: int

    @property
    def total(self) -> int:
        return sum(self.per_family.values())


def directory(
    session: Session, coalition: Coalition, viewer: User | None, filters: DirectoryFilters
) -> DirectoryPage:
    """One page of the actors the viewer may see that pass the filters, in the chosen order."""
    listed = visible_actors(coalition, viewer)
    if not filters.include_left:
        listed = listed.where(Actor.status != ActorStatus.left)
    if filters.family:
        listed = listed.where(Actor.family == filters.family)
    if filters.kind:
        listed = listed.where(Actor.kind == filters.kind)
    if filters.lever_id:
        held = select(Holding.actor_id).where(Holding.lever_id == filters.lever_id)
        listed = listed.where(Actor.id.in_(held))
    counted = listed.with_only_columns(Actor.family, func.count()).group_by(Actor.family)
    per_family: dict[Family, int] = dict(session.execute(counted).all())
    pages = max(1, -(-sum(per_family.values()) // DIRECTORY_PAGE_SIZE))
    page = min(filters.page, pages)
    entries = _entries(session, listed, filters.sort, (page - 1) * DIRECTORY_PAGE_SIZE)
    return DirectoryPage(entries, per_family, page, pages)


def _entries(
    session: Session, listed: Select[Actor], sort: DirectorySort, offset: int
) -> list[DirectoryEntry]:
    counts = (
        select(Commitment.actor_id, func.count().label("n"))
        .where(LIVE_COMMITMENT)
        .group_by(Commitment.actor_id)
        .subquery()
    )
    n = func.coalesce(counts.c.n, 0)
    query = (
        listed.add_columns(n)
        .outerjoin(counts, counts.c.actor_id == Actor.id)
        .options(selectinload(Actor.holdings).joinedload(Holding.lever))
    )
    if sort == DirectorySort.commitments:
        query = query.order_by(n.desc(), Actor.name, Actor.id)
    elif sort == DirectorySort.family:
        query = query.order_by(FAMILY_ORDER, Actor.name, Actor.id)
    else:
        query = query.order_by(Actor.name, Actor.id)
    query = query.limit(DIRECTORY_PAGE_SIZE).offset(offset)
    return [
        DirectoryEntry(actor, count, sorted(h.lever.name for h in actor.holdings))
        for actor, count in session.execute(query)
    ]


def by_family(entries: list[DirectoryEntry]) -> list[tuple[Family, list[DirectoryEntry]]]:
    """Consecutive entries of the same family, in the order given."""
    return [(family, list(group)) for family, group in groupby(entries, lambda e: e.actor.family)]


def open_actions(session: Session, coalition: Coalition) -> list[Action]:
    """Actions one can still commit to."""
    return list(
        session.scalars(
            select(Action)
            .where(Action.coalition_id == coalition.id, Action.status.not_in(CLOSED_ACTIONS))
            .order_by(Action.title)
        )
    )


@dataclass(frozen=True)
class ActorProfile:
    actor: Actor
    holdings: list[Holding]
    commitments: list[Commitment]
    attended: list[tuple[Meeting, Presence]]
    history: list[tuple[AuditEvent, str]]  # with the name of who made the change


def actor_profile(session: Session, actor: Actor, *, with_history: bool) -> ActorProfile:
    holdings = session.scalars(
        select(Holding)
        .join(Holding.lever)
        .where(Holding.actor_id == actor.id)
        .options(contains_eager(Holding.lever))
        .order_by(Lever.position, Lever.name)
    ).all()
    commitments = session.scalars(
        select(Commitment)
        .join(Commitment.action)
        .where(Commitment.actor_id == actor.id)
        .options(contains_eager(Commitment.action))
        .order_by(Commitment.status == CommitmentStatus.withdrawn, Action.title)
    ).all()
    attended = session.execute(
        select(Meeting, Attendance.presence)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.actor_id == actor.id)
        .order_by(Meeting.starts_at.desc())
    ).all()
    history: list[tuple[AuditEvent, str]] = []
    if with_history:
        rows = session.execute(
            select(AuditEvent, func.coalesce(User.name, ""))
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.actor_id == actor.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(HISTORY_LIMIT)
        )
        history = [(event, author) for event, author in rows]
    return ActorProfile(
        actor,
        list(holdings),
        list(commitments),
        [(meeting, presence) for meeting, presence in attended],
        history,
    )


def changes_since(
    session: Session, entity: str, entity_id: int, seen_version: int
) -> list[tuple[AuditEvent, str]]:
    """The audit events that made a record go past the version a user saw, with their author."""
    events = session.execute(
        select(AuditEvent, func.coalesce(User.name, ""))
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        (event, author)
        for event, author in events
        if (event.after or {}).get("version", 0) > seen_version or event.after is None
    ]
