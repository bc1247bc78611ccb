"""The open datasets as plain rows, and their CSV and JSON forms.

Open data is the same for everyone, signed in or not: public fields only, actors listed in the
public directory only (an unlisted actor's holdings and commitments stay out; where an unlisted
actor leads an action or contributed a resource, the cell is empty). Never an email, a user, a
password, a private note or an audit entry. Each table is read in a fixed number of statements
(one, three for resources) whatever the coalition's size.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from coalition.access import ACTORS
from coalition.actors.models import Actor, Holding
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core.exports import Row, paris_time
from coalition.meetings.models import ActionReview, Meeting
from coalition.resources.models import (
    Resource,
    ResourceStatus,
    Tag,
    resource_levers,
    resource_tags,
)
from coalition.roadmap.models import Action, Commitment, Objective

LISTED = ACTORS.public()
PUBLISHED = Resource.status == ResourceStatus.published
FEED_LIMIT = 50  # entries of an Atom feed
NAME_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).


# -- the datasets -------------------------------------------------------------------------


def actors(session: Session, coalition: Coalition) -> list[Row]:
    rows = session.execute(
        select(
            Actor.id,
            Actor.name,
            Actor.family,
            Actor.kind,
            Actor.territory,
            Actor.website,
            Actor.status,
            Actor.is_partner,
        )
        .where(Actor.coalition_id == coalition.id, LISTED)
        .order_by(Actor.name, Actor.id)
    )
    return [
        {
            "id": row.id,
            "name": row.name,
            "family": row.family.value,
            "kind": row.kind.value,
            "territory": row.territory,
            "website": row.website,
            "status": row.status.value,
            "is_partner": row.is_partner,
        }
        for row in rows
    ]


def levers(session: Session, coalition: Coalition) -> list[Row]:
    rows = session.execute(
        select(Lever.id, Lever.name, Lever.description, Lever.retired_at)
        .where(Lever.coalition_id == coalition.id)
        .order_by(Lever.position, Lever.name)
    )
    return [
        {
            "id": row.id,
            "name": row.name,
            "description": row.description,
            "is_retired": row.retired_at is not None,
        }
        for row in rows
    ]


def holdings(session: Session, coalition: Coalition) -> list[Row]:
    rows = session.execute(
        select(
            Actor.id.label("actor_id"),
            Actor.name.label("actor"),
            Lever.id.label("lever_id"),
            Lever.name.label("lever"),
            Holding.capacity,
            Holding.note,
        )
        .select_from(Holding)
        .join(Actor, Actor.id == Holding.actor_id)
        .join(Lever, Lever.id == Holding.lever_id)
        .where(Actor.coalition_id == coalition.id, LISTED)
        .order_by(Actor.name, Actor.id, Lever.position, Lever.name)
    )
    return [dict(row._mapping) for row in rows]


def _latest_progress() -> ColumnElement[int]:
    """The progress recorded at the latest meeting that reviewed the action."""
    return (
        select(ActionReview.progress)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(ActionReview.action_id == Action.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
        .correlate(Action)
        .scalar_subquery()
    )


def actions(session: Session, coalition: Coalition) -> list[Row]:
    rows = session.execute(
        select(
            Action.id,
            Action.title,
            Action.status,
            Axis.name.label("axis"),
            Objective.title.label("objective"),
            Actor.id.label("lead_actor_id"),
            Actor.name.label("lead_actor"),
            Action.horizon,
            Action.target_date,
            Action.success_criteria,
            _latest_progress().label("progress"),
        )
        .select_from(Action)
        .outerjoin(Axis, Axis.id == Action.axis_id)
        .outerjoin(Objective, Objective.id == Action.objective_id)
        .outerjoin(Actor, and_(Actor.id == Action.lead_actor_id, LISTED))
        .where(Action.coalition_id == coalition.id)
        .order_by(Action.id)
    )
    return [
        {
            "id": row.id,
            "title": row.title,
            "status": row.status.value,
            "axis": row.axis,
            "objective": row.objective,
            "lead_actor_id": row.lead_actor_id,
            "lead_actor": row.lead_actor,
            "horizon": row.horizon.value,
            "target_date": row.target_date and row.target_date.isoformat(),
            "success_criteria": row.success_criteria,
            "progress": row.progress,
        }
        for row in rows
    ]


def commitments(session: Session, coalition: Coalition) -> list[Row]:
    rows = session.execute(
        select(
            Actor.id.label("actor_id"),
            Actor.name.label("actor"),
            Action.id.label("action_id"),
            Action.title.label("action"),
            Commitment.role,
            Commitment.contribution,
            Commitment.status,
        )
        .select_from(Commitment)
        .join(Actor, Actor.id == Commitment.actor_id)
        .join(Action, Action.id == Commitment.action_id)
        .where(Action.coalition_id == coalition.id, LISTED)
        .order_by(Action.id, Actor.name, Actor.id)
    )
    return [
        {
            **row._mapping,
            "role": row.role.value,
            "status": row.status.value,
        }
        for row in rows
    ]


def meetings(session: Session, coalition: Coalition) -> list[Row]:
    published = Meeting.minutes_published_at.is_not(None)
    rows = session.execute(
        select(
            Meeting.number,
            Meeting.title,
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.place,
            Meeting.online_url,
            Meeting.status,
            case((published, Meeting.minutes), else_="").label("minutes"),
            Meeting.minutes_published_at,
        )
        .where(Meeting.coalition_id == coalition.id)
        .order_by(Meeting.starts_at, Meeting.number)
    )
    return [
        {
            "number": row.number,
            "title": row.title,
            "starts_at": paris_time(row.starts_at),
            "ends_at": paris_time(row.ends_at),
            "place": row.place,
            "online_url": row.online_url,
            "status": row.status.value,
            "minutes": row.minutes,
            "minutes_published_at": paris_time(row.minutes_published_at),
        }
        for row in rows
    ]


def reviews(session: Session, coalition: Coalition) -> list[Row]:
    """The reviews without their note, which stays internal to the coalition."""
    rows = session.execute(
        select(
            Meeting.number.label("meeting_number"),
            ActionReview.action_id,
            ActionReview.status,
            ActionReview.progress,
            ActionReview.next_steps,
        )
        .select_from(ActionReview)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(Meeting.coalition_id == coalition.id)
        .order_by(Meeting.starts_at, Meeting.number, ActionReview.action_id)
    )
    return [{**row._mapping, "status": row.status.value} for row in rows]


def _names_by_resource(session: Session, query: Select[Any]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for resource_id, name in session.execute(query):
        names[resource_id].append(name)
    return names


def resources(session: Session, coalition: Coalition) -> list[Row]:
    """Published resources, with their levers and tags: three statements."""
    published_here = and_(Resource.coalition_id == coalition.id, PUBLISHED)
    rows = session.execute(
        select(
            Resource.id,
            Resource.title,
            Resource.url,
            Resource.kind,
            Resource.summary,
            Resource.language,
            Axis.name.label("axis"),
            Actor.id.label("contributed_by_id"),
            Actor.name.label("contributed_by"),
            Resource.published_at,
        )
        .select_from(Resource)
        .outerjoin(Axis, Axis.id == Resource.axis_id)
        .outerjoin(Actor, and_(Actor.id == Resource.contributed_by_id, LISTED))
        .where(published_here)
        .order_by(Resource.id)
    ).all()
    lever_names = _names_by_resource(
        session,
        select(resource_levers.c.resource_id, Lever.name)
        .join(Lever, Lever.id == resource_levers.c.lever_id)
        .join(Resource, Resource.id == resource_levers.c.resource_id)
        .where(published_here)
        .order_by(Lever.position, Lever.name),
    )
    tag_names = _names_by_resource(
        session,
        select(resource_tags.c.resource_id, Tag.name)
        .join(Tag, Tag.id == resource_tags.c.tag_id)
        .join(Resource, Resource.id == resource_tags.c.resource_id)
        .where(published_here)
        .order_by(Tag.name),
    )
    return [
        {
            "id": row.id,
            "title": row.title,
            "url": row.url,
            "kind": row.kind.value,
            "summary": row.summary,
            "language": row.language,
            "axis": row.axis,
            "levers": NAME_SEPARATOR.join(lever_names.get(row.id, [])),
            "tags": NAME_SEPARATOR.join(tag_names.get(row.id, [])),
            "contributed_by_id": row.contributed_by_id,
            "contributed_by": row.contributed_by,
            "published_at": paris_time(row.published_at),
        }
        for row in rows
    ]


TABLES: dict[str, Callable[[Session, Coalition], list[Row]]] = {
    "actors": actors,
    "levers": levers,
    "holdings": holdings,
    "actions": actions,
    "commitments": commitments,
    "meetings": meetings,
    "reviews": reviews,
    "resources": resources,
}


# -- what the feeds are built from --------------------------------------------------------


def latest_resources(session: Session, coalition: Coalition) -> list[Resource]:
    """The latest published resources, newest first."""
    published_at = func.coalesce(Resource.published_at, Resource.updated_at)
    return list(
        session.scalars(
            select(Resource)
            .where(Resource.coalition_id == coalition.id, PUBLISHED)
            .order_by(published_at.desc(), Resource.id.desc())
            .limit(FEED_LIMIT)
        )
    )


def published_minutes(session: Session, coalition: Coalition) -> list[Meeting]:
    """The meetings whose minutes are published, latest publication first."""
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.coalition_id == coalition.id, Meeting.minutes_published_at.is_not(None))
            .order_by(Meeting.minutes_published_at.desc(), Meeting.id.desc())
            .limit(FEED_LIMIT)
        )
    )


# -- CSV and JSON -------------------------------------------------------------------------


def last_change(
    session: Session, coalition: Coalition, model: type[Resource] | type[Meeting]
) -> datetime:
    """When a feed last changed: the coalition or any row of the kind it lists.

    Rows that left the feed (a rejected resource, minutes withdrawn) count too, so that an
    If-Modified-Since answered 304 never hides a removal.
    """
    latest = session.scalar(
        select(func.max(model.updated_at)).where(model.coalition_id == coalition.id)
    )
    return max(coalition.updated_at, latest) if latest else coalition.updated_at
