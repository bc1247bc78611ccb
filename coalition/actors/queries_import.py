"""Reads for the actors import: the coalition's actors with their holdings, its levers."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.import_plan import ExistingActor
from coalition.actors.importing import LeverRef
from coalition.actors.models import Actor, Holding
from coalition.coalitions.models import Coalition, Lever


def import_levers(session: Session, coalition: Coalition) -> list[LeverRef]:
    """Every lever of the coalition, the retired ones too (so that a file may be told why)."""
    rows = session.execute(
        select(Lever.id, Lever.name, Lever.retired_at)
        .where(Lever.coalition_id == coalition.id)
        .order_by(Lever.position, Lever.name)
    )
    return [LeverRef(id, name, is_retired=retired is not None) for id, name, retired in rows]


def existing_actors(session: Session, coalition: Coalition) -> dict[str, ExistingActor]:
    """The coalition's actors by exact name, each with the capacity of every lever held."""
    holdings: dict[int, dict[int, int]] = defaultdict(dict)
    for actor_id, lever_id, capacity in session.execute(
        select(Holding.actor_id, Holding.lever_id, Holding.capacity)
        .join(Actor, Actor.id == Holding.actor_id)
        .where(Actor.coalition_id == coalition.id)
    ):
        holdings[actor_id][lever_id] = capacity
    actors = session.execute(
        select(
            Actor.id, Actor.name, Actor.family, Actor.kind, Actor.territory, Actor.website
        ).where(Actor.coalition_id == coalition.id)
    )
    return {
        name: ExistingActor(id, name, family, kind, territory, website, holdings[id])
        for id, name, family, kind, territory, website in actors
    }
