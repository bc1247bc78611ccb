"""Reads about actors, filtered by what the viewer may see."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus, Family
from coalition.auth.models import User
from coalition.coalitions.models import Coalition


def actors_by_family(
    session: Session, coalition: Coalition, viewer: User | None
) -> dict[Family, list[Actor]]:
    """The directory: actors still in the coalition, by family, in alphabetical order."""
    query = select(Actor).where(
        Actor.coalition_id == coalition.id, Actor.status != ActorStatus.left
    )
    if viewer is None:
        query = query.where(Actor.is_listed.is_(True))
    grouped: dict[Family, list[Actor]] = {family: [] for family in Family}
    for actor in session.scalars(query.order_by(Actor.name)):
        grouped[actor.family].append(actor)
    return grouped
