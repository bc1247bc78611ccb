"""Search a coalition's published resources: its in-memory index, kept as fresh as the database.

Each process keeps the `ResourceIndex` of the coalitions searched lately. A search first reads
the coalition's `search_stamp` (one statement): triggers (migration 0005) give it a new random
value, in the writing transaction, whenever something the index holds changes (a published
resource, its lever or tag links, a tag's name, a contributor's family), so an index built under
the stamp the search reads is the current one; otherwise the index is built again from the
database (three more statements) and kept in place of the old one.
"""

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import CursorResult, select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor
from coalition.coalitions.models import Coalition
from coalition.resources.index import IndexedResource, ResourceIndex, SearchQuery, SearchResult
from coalition.resources.models import Resource, ResourceStatus, Tag, resource_levers, resource_tags
from coalition.resources.text import search_text

KEPT_INDEXES = 16  # coalitions per process; the least recently searched is dropped first

_indexes: OrderedDict[tuple[str, int], tuple[str, ResourceIndex]] = OrderedDict()
_lock = threading.Lock()


def search_resources(session: Session, coalition_id: int, query: SearchQuery) -> SearchResult:
    """One page of the coalition's published resources matching the query, with facet counts."""
    return resource_index(session, coalition_id).search(query)


def resource_index(session: Session, coalition_id: int) -> ResourceIndex:
    """The coalition's index as the session sees the database, built if it changed."""
    stamp = session.scalar(select(Coalition.search_stamp).where(Coalition.id == coalition_id))
    if stamp is None:
        return ResourceIndex([], [], [])
    key = (session.get_bind().engine.url.render_as_string(), coalition_id)
    with _lock:
        kept = _indexes.get(key)
        if kept is not None and kept[0] == stamp:
            _indexes.move_to_end(key)
            return kept[1]
    index = load_index(session, coalition_id)
    with _lock:
        _indexes[key] = (stamp, index)
        _indexes.move_to_end(key)
        while len(_indexes) > KEPT_INDEXES:
            _indexes.popitem(last=False)
    return index


def load_index(session: Session, coalition_id: int) -> ResourceIndex:
    """The index of the coalition's published resources, read from the database."""
    published = [Resource.coalition_id == coalition_id, Resource.status == ResourceStatus.published]
    connection = session.connection()
    resources = connection.execute(
        select(
            Resource.id,
            Resource.kind,
            Resource.axis_id,
            Resource.language,
            Actor.family,
            Resource.search_text,
        )
        .outerjoin(Actor, Actor.id == Resource.contributed_by_id)
        .where(*published)
        .order_by(Resource.published_at.desc().nulls_last(), Resource.id.desc())
    )
    levers = connection.execute(
        select(resource_levers.c.resource_id, resource_levers.c.lever_id)
        .join(Resource, Resource.id == resource_levers.c.resource_id)
        .where(*published)
    )
    tags = connection.execute(
        select(resource_tags.c.resource_id, Tag.name)
        .join(Tag, Tag.id == resource_tags.c.tag_id)
        .join(Resource, Resource.id == resource_tags.c.resource_id)
        .where(*published)
    )
    return ResourceIndex(
        list(map(IndexedResource._make, _plain_rows(resources))),
        _plain_rows(levers),
        _plain_rows(tags),
    )


def _plain_rows(result: CursorResult[*tuple[Any, ...]]) -> list[Any]:
    """The driver's own tuples (enumerations as their stored strings): making SQLAlchemy rows
    would cost as much as reading them, at 100,000 resources."""
    with result:
        return list(result.cursor.fetchall())


def refresh_search_text(session: Session, coalition_id: int | None = None) -> int:
    """Recompute `search_text` where it is stale (after a tag rename, or on rows that migration
    0002 could only approximate); returns how many resources changed. Flushes, never commits."""
    statement = select(Resource).options(selectinload(Resource.tags)).order_by(Resource.id)
    if coalition_id is not None:
        statement = statement.where(Resource.coalition_id == coalition_id)
    changed = 0
    for resource in session.scalars(statement):
        text = search_text(resource.title, resource.summary, [tag.name for tag in resource.tags])
        if resource.search_text != text:
            resource.search_text = text
            changed += 1
    session.flush()
    return changed
