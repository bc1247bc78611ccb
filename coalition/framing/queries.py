"""Reads of the framing page: axes and levers with what refers to them, the partners list."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask import abort
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus, Holding
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.resources.models import Resource, resource_levers
from coalition.roadmap.models import Action, action_levers

Item = Axis | Lever


@dataclass(frozen=True)
class Usage:
    """What refers to an axis or a lever: while anything does, it is retired, never deleted."""

    holdings: int = 0
    actions: int = 0
    resources: int = 0

    @property
    def total(self) -> int:
        return self.holdings + self.actions + self.resources

    def describe(self) -> str:
        """Who uses it, e.g. « 2 acteurs, 1 action », for the page and the messages."""
        parts = []
        if self.holdings:
            parts.append(ngettext("%(num)d acteur", "%(num)d acteurs", self.holdings))
        if self.actions:
            parts.append(ngettext("%(num)d action", "%(num)d actions", self.actions))
        if self.resources:
            parts.append(ngettext("%(num)d ressource", "%(num)d ressources", self.resources))
        return ", ".join(parts)


@dataclass(frozen=True)
class FramingEntry:
    item: Item
    usage: Usage


@dataclass(frozen=True)
class FramingPage:
    axes: list[FramingEntry]  # current ones, in their order
    retired_axes: list[FramingEntry]
    levers: list[FramingEntry]
    retired_levers: list[FramingEntry]
    actors: list[Actor]  # who may be marked partner: still in the coalition, or partner still


def _usage(
    session: Session, coalition_id: int, model: type[Item], only: int | None = None
) -> dict[int, Usage]:
    """Usage of each axis or lever of the coalition (or of the one `only`): 2 or 3 reads."""
    references: list[tuple[str, Any]]  # (name, a select of id and count)
    if model is Axis:
        references = [
            (
                "actions",
                select(Action.axis_id, func.count()).where(Action.coalition_id == coalition_id),
            ),
            (
                "resources",
                select(Resource.axis_id, func.count()).where(Resource.coalition_id == coalition_id),
            ),
        ]
    else:
        references = [
            (
                name,
                select(column, func.count())
                .join(Lever, Lever.id == column)
                .where(Lever.coalition_id == coalition_id),
            )
            for name, column in (
                ("holdings", Holding.lever_id),
                ("actions", action_levers.c.lever_id),
                ("resources", resource_levers.c.lever_id),
            )
        ]
    counts: dict[str, dict[int, int]] = {}
    for name, query in references:
        column = query.selected_columns[0]
        query = query.where(column.is_not(None) if only is None else column == only)
        counts[name] = {id: n for id, n in session.execute(query.group_by(column)) if id}
    ids = {id for by_id in counts.values() for id in by_id}
    return {id: Usage(**{name: by_id.get(id, 0) for name, by_id in counts.items()}) for id in ids}


def usage_of(session: Session, item: Item) -> Usage:
    return _usage(session, item.coalition_id, type(item), item.id).get(item.id, Usage())


def _entries(items: Sequence[Item], usage: dict[int, Usage]) -> tuple[list[FramingEntry], ...]:
    entries = [FramingEntry(item, usage.get(item.id, Usage())) for item in items]
    return (
        [entry for entry in entries if entry.item.retired_at is None],
        [entry for entry in entries if entry.item.retired_at is not None],
    )


def item_or_404(session: Session, coalition: Coalition, model: type[Item], item_id: int) -> Item:
    item = cast(Item | None, session.get(model, item_id))
    if item is None or item.coalition_id != coalition.id:
        abort(404)
    return item


def framing_page(session: Session, coalition: Coalition) -> FramingPage:
    """Everything the framing page lists, in eight statements whatever the coalition's size."""
    axes = session.scalars(
        select(Axis).where(Axis.coalition_id == coalition.id).order_by(Axis.position, Axis.name)
    ).all()
    levers = session.scalars(
        select(Lever).where(Lever.coalition_id == coalition.id).order_by(Lever.position, Lever.name)
    ).all()
    actors = session.scalars(
        select(Actor)
        .where(
            Actor.coalition_id == coalition.id,
            or_(Actor.status != ActorStatus.left, Actor.is_partner.is_(True)),
        )
        .order_by(Actor.name, Actor.id)
    ).all()
    current_axes, retired_axes = _entries(axes, _usage(session, coalition.id, Axis))
    current_levers, retired_levers = _entries(levers, _usage(session, coalition.id, Lever))
    return FramingPage(current_axes, retired_axes, current_levers, retired_levers, list(actors))
