"""Reads about coalitions: the list, a coalition's home, its levers."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.coalitions.models import Axis, Coalition, Lever


def coalition_or_404(session: Session, slug: str) -> Coalition:
    coalition = session.scalars(select(Coalition).where(Coalition.slug == slug)).one_or_none()
    if coalition is None:
        abort(404)
    return coalition


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
