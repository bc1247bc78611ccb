"""The coalition graph's rows, read in a fixed number of queries whatever its size."""

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus, Holding
from coalition.actors.queries import visible_actors
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.diagnostics.graph import (
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    GraphData,
    HoldingRow,
    LeverRow,
    row_id,
)
from coalition.roadmap.models import Action, Commitment, CommitmentStatus, action_levers


def graph_data(session: Session, coalition: Coalition, viewer: User | None) -> GraphData:
    """Actors still in the coalition (the public sees listed ones), levers, axes, actions,
    holdings and live commitments: six queries."""
    visible = visible_actors(coalition, viewer).where(Actor.status != ActorStatus.left)
    actors = [
        ActorRow(actor.id, actor.name, actor.family.value, actor.kind.value)
        for actor in session.scalars(visible.order_by(Actor.name))
    ]
    levers = [
        LeverRow(id, name)
        for id, name in session.execute(
            select(Lever.id, Lever.name)
            .where(Lever.coalition_id == coalition.id)
            .order_by(Lever.position, Lever.name)
        )
    ]
    axes = [
        AxisRow(id, name)
        for id, name in session.execute(
            select(Axis.id, Axis.name)
            .where(Axis.coalition_id == coalition.id)
            .order_by(Axis.position, Axis.name)
        )
    ]
    lever_ids: dict[int, list[int]] = {}
    for action_id, lever_id in session.execute(
        select(action_levers.c.action_id, action_levers.c.lever_id)
        .join(Action, Action.id == action_levers.c.action_id)
        .where(Action.coalition_id == coalition.id)
    ):
        lever_ids.setdefault(action_id, []).append(lever_id)
    actions = [
        ActionRow(id, title, status.value, axis_id, tuple(sorted(lever_ids.get(id, []))))
        for id, title, status, axis_id in session.execute(
            select(Action.id, Action.title, Action.status, Action.axis_id)
            .where(Action.coalition_id == coalition.id)
            .order_by(Action.title)
        )
    ]
    holdings = [
        HoldingRow(actor_id, lever_id, capacity)
        for actor_id, lever_id, capacity in session.execute(
            select(Holding.actor_id, Holding.lever_id, Holding.capacity)
            .join(Actor, Actor.id == Holding.actor_id)
            .where(Actor.coalition_id == coalition.id)
        )
    ]
    commitments = [
        CommitmentRow(actor_id, action_id, role.value)
        for actor_id, action_id, role in session.execute(
            select(Commitment.actor_id, Commitment.action_id, Commitment.role)
            .join(Action, Action.id == Commitment.action_id)
            .where(
                Action.coalition_id == coalition.id,
                Commitment.status != CommitmentStatus.withdrawn,
            )
        )
    ]
    return GraphData(actors, levers, axes, actions, holdings, commitments)


def graph_levers(graph: nx.Graph) -> list[LeverRow]:
    return [
        LeverRow(row_id(node), attributes["label"])
        for node, attributes in graph.nodes(data=True)
        if attributes["type"] == "lever"
    ]


def lever_descriptions(session: Session, coalition: Coalition) -> dict[int, str]:
    rows = session.execute(
        select(Lever.id, Lever.description).where(Lever.coalition_id == coalition.id)
    )
    return dict(rows.all())
