"""Search a coalition's published resources, with filters and facet counts, in the database.

The text is read as `coalition.resources.text` says (folded words, French stems, function
words dropped but keeping their place, phrases, the last word as a prefix); the database's own
full-text engine (`coalition.resources.engines`) matches and ranks the stems that
`Resource.search_stems` holds. No search state lives in the process.

A search is one statement whatever the data: a union of the total, the count of each facet value
(each facet counted with every filter but its own, so that it lists the alternatives) and the
page, as rows (part, value, number). With text, the engine is read once, into a materialised CTE
of the matching resources that fail at most one facet filter (`missed` names it) with their rank;
every part reads that CTE. Without text, the parts read the covering indexes of the resources;
the resources that pass every filter are read once, into a CTE, for the parts that need them.
"""

import operator
from dataclasses import dataclass
from functools import lru_cache, reduce
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    ColumnExpressionArgument,
    CompoundSelect,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from coalition.actors.models import Actor, Family
from coalition.resources import engines
from coalition.resources.models import (
    Resource,
    ResourceKind,
    ResourceStatus,
    Tag,
    resource_levers,
    resource_tags,
)
from coalition.resources.text import query_terms, search_stems, search_text

FACETS = ("kind", "axis", "lever", "language", "family")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
TOTAL = "total"
PAGE = "page"

_MAX_ID = 2**31 - 1
_FACET_COLUMNS = {"kind": "kind", "axis": "axis_id", "language": "language"}
# What a part of a search reads (a table or a CTE) and which of its rows it counts.
_Source = tuple[FromClause, ColumnElement[bool]]


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: str | None = None  # a ResourceKind value
    axis_id: int | None = None
    lever_id: int | None = None
    language: str | None = None
    family: str | None = None  # family of the contributing actor
    tag: str | None = None  # Tag.name
    sort: str = "relevance"  # "date": newest published first; relevance needs text
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]  # the page, in order
    total: int
    # facet ("kind", "axis", "lever", "language", "family") -> value as str -> count; each facet
    # is counted with every filter applied except its own, so that it lists the alternatives.
    facets: dict[str, dict[str, int]]


def search_resources(session: Session, coalition_id: int, query: SearchQuery) -> SearchResult:
    """One page of the coalition's published resources matching the query, with facet counts."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"no full-text search on {dialect}")
    terms = query_terms(query.text)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, min(query.page, MAX_PAGE))
    values, filters = _filter_values(query)
    values.update(coalition_id=coalition_id, limit=per_page, offset=(page - 1) * per_page)
    if query.tag:
        values["tag"] = query.tag
    text = None
    if terms.words:
        text = bool(terms.required or terms.prefix is not None)  # else function words only
        if text:
            values["match"] = engines.match_value(dialect, terms)
    shape = _Shape(dialect, text, query.sort != "date", bool(query.tag), filters)
    total, page_rows = 0, []
    facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for part, value, number in session.execute(_statement(shape), values):
        if part == TOTAL:
            total = number
        elif part == PAGE:
            page_rows.append((number, int(value)))
        else:
            facets[part].append((value, number))
    return SearchResult(
        ids=[resource_id for _, resource_id in sorted(page_rows)],
        total=total,
        facets={name: dict(sorted(counts, key=_by_count)) for name, counts in facets.items()},
    )


@dataclass(frozen=True)
class _Shape:
    """What the statement of a search depends on (its values are parameters)."""

    dialect: str
    text: bool | None  # None: no text; False: function words only, nothing to look for
    ranked: bool
    tag: bool
    filters: tuple[tuple[str, bool], ...]  # (facet, whether its value can match anything)


def _filter_values(query: SearchQuery) -> tuple[dict[str, Any], tuple[tuple[str, bool], ...]]:
    """The query's filter parameters, and which filters there are (a value no resource can have
    keeps nothing)."""
    values: dict[str, Any] = {}
    filters = []
    kinds = {kind.value: kind for kind in ResourceKind}
    families = {family.value: family for family in Family}
    given = {
        "kind": (query.kind or None, kinds.get(query.kind or "")),
        "axis": (query.axis_id, query.axis_id if _is_id(query.axis_id) else None),
        "lever": (query.lever_id, query.lever_id if _is_id(query.lever_id) else None),
        "language": (query.language or None, query.language),
        "family": (query.family or None, families.get(query.family or "")),
    }
    for name, (asked, value) in given.items():
        if asked is not None:
            filters.append((name, value is not None))
            if value is not None:
                values[name] = value
    return values, tuple(filters)


@lru_cache(maxsize=512)
def _statement(shape: _Shape) -> CompoundSelect[str, str, int]:
    """A union of the total, the facets and the page, as rows (part, value, number)."""
    scope = _scope(shape.tag)
    filters = _facet_filters(shape.filters)
    if shape.text is None:
        sources = _table_sources(scope, filters)
    elif shape.text:
        sources = _text_sources(shape.dialect, scope, filters, ranked=shape.ranked)
    else:
        sources = dict.fromkeys((None, *FACETS), (Resource.__table__, false()))
    return union_all(
        _part(TOTAL, None, *sources[None]),
        *(_facet(name, *sources[name]) for name in FACETS),
        _page(*sources[None]),
    )


def _scope(tag: bool) -> list[ColumnElement[bool]]:
    """What every part of a search keeps: the coalition's published resources (with the tag)."""
    coalition_id = bindparam("coalition_id", type_=Integer)
    scope = [Resource.coalition_id == coalition_id, Resource.status == ResourceStatus.published]
    if tag:
        scope.append(
            Resource.id.in_(
                select(resource_tags.c.resource_id)
                .join(Tag, Tag.id == resource_tags.c.tag_id)
                .where(Tag.coalition_id == coalition_id, Tag.name == bindparam("tag"))
            )
        )
    return scope


def _facet_filters(shape: tuple[tuple[str, bool], ...]) -> dict[str, ColumnElement[bool]]:
    """The filters by facet name, their values as parameters named after the facet."""
    filters: dict[str, ColumnElement[bool]] = {}
    for name, possible in shape:
        if not possible:
            filters[name] = false()
        elif name == "lever":
            filters[name] = Resource.id.in_(
                select(resource_levers.c.resource_id).where(
                    resource_levers.c.lever_id == bindparam("lever")
                )
            )
        elif name == "family":
            filters[name] = Resource.contributed_by_id.in_(
                select(Actor.id).where(Actor.family == bindparam("family"))
            )
        else:
            filters[name] = Resource.__table__.c[_FACET_COLUMNS[name]] == bindparam(name)
    return filters


def _text_sources(
    dialect: str,
    scope: list[ColumnElement[bool]],
    filters: dict[str, ColumnElement[bool]],
    *,
    ranked: bool,
) -> dict[str | None, _Source]:
    """With text, every part reads the text matches, those that its filters keep."""
    matches = _text_matches(dialect, scope, filters, ranked=ranked)
    if not filters:
        return dict.fromkeys((None, *FACETS), (matches, true()))
    missed = matches.c.missed
    sources: dict[str | None, _Source] = {None: (matches, missed.is_(None))}
    for name in FACETS:
        sources[name] = (matches, or_(missed.is_(None), missed == name))
    return sources


def _table_sources(
    scope: list[ColumnElement[bool]], filters: dict[str, ColumnElement[bool]]
) -> dict[str | None, _Source]:
    """Without text, the parts read the table, through its covering indexes; when there are
    filters, the resources that pass them all are read once, into a CTE."""
    every_filter: _Source = (Resource.__table__, and_(*scope))
    if filters:
        passing = select(*_counted_columns()).where(*scope, *filters.values())
        every_filter = (passing.cte("passing").prefix_with("MATERIALIZED"), true())
    sources: dict[str | None, _Source] = {None: every_filter}
    for name in FACETS:
        others = [condition for facet, condition in filters.items() if facet != name]
        own = name in filters
        sources[name] = (Resource.__table__, and_(*scope, *others)) if own else every_filter
    return sources


def _text_matches(
    dialect: str,
    scope: list[ColumnElement[bool]],
    filters: dict[str, ColumnElement[bool]],
    *,
    ranked: bool,
) -> CTE:
    """The resources in scope that match the terms and fail at most one facet filter, read once:
    `missed` names the filter a resource fails (NULL if none), `rank` orders them by relevance."""
    fails = {name: case((condition, 0), else_=1) for name, condition in filters.items()}
    missed: ColumnElement[str | None] = cast(null(), String)
    rank = engines.rank(dialect) if ranked else None
    if fails:
        missed = case(
            *((failed == 1, literal_column(f"'{name}'", String)) for name, failed in fails.items()),
            else_=missed,
        )
        if rank is not None:  # only the page reads the rank: not computed where a filter fails
            rank = case((missed.is_(None), rank))
    columns = [*_counted_columns(), missed.label("missed")]
    if rank is not None:
        columns.append(rank.label("rank"))
    source, matching = engines.text_matches(dialect)
    statement = select(*columns).select_from(source).where(matching, *scope)
    if len(fails) > 1:
        statement = statement.where(reduce(operator.add, fails.values()) <= 1)
    return statement.cte("text_matches").prefix_with("MATERIALIZED")


def _counted_columns() -> list[ColumnElement[Any]]:
    """What the parts of a search read of a resource (all in its covering indexes)."""
    return [
        Resource.__table__.c[name]
        for name in ("id", "published_at", "kind", "axis_id", "language", "contributed_by_id")
    ]


def _part(
    name: str,
    value: ColumnExpressionArgument[Any] | None,
    rows: FromClause,
    where: ColumnElement[bool],
) -> Select[str, str, int]:
    text = cast(null() if value is None else value, String)
    return (
        select(literal_column(f"'{name}'", String), text, func.count())
        .select_from(rows)
        .where(where)
    )


def _facet(name: str, rows: FromClause, where: ColumnElement[bool]) -> Select[str, str, int]:
    if name == "lever":
        lever = resource_levers.c.lever_id
        counted = resource_levers.c.resource_id.in_(select(rows.c.id).where(where))
        return _part(name, lever, resource_levers, counted).group_by(lever)
    if name == "family":
        contributors = rows.join(Actor, Actor.id == rows.c.contributed_by_id)
        return _part(name, Actor.family, contributors, where).group_by(Actor.family)
    value = rows.c[_FACET_COLUMNS[name]]
    if name == "axis":
        where = and_(where, value.is_not(None))
    return _part(name, value, rows, where).group_by(value)


def _page(rows: FromClause, where: ColumnElement[bool]) -> Select[str, str, int]:
    keys = [rows.c[key] for key in ("rank", "published_at", "id") if key in rows.c]
    page = (
        select(*keys)
        .select_from(rows)
        .where(where)
        .order_by(*_best_first(rows.c))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    position = func.row_number().over(order_by=_best_first(page.c))
    return select(literal_column(f"'{PAGE}'", String), cast(page.c.id, String), position)


def _best_first(columns: ReadOnlyColumnCollection[str, Any]) -> list[ColumnElement[Any]]:
    """By relevance when there is a rank, then newest first, then the highest id first."""
    order = [columns.published_at.desc().nulls_last(), columns.id.desc()]
    return [columns.rank, *order] if "rank" in columns else order


def _is_id(value: int | None) -> bool:
    return value is not None and 0 < value <= _MAX_ID


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def refresh_search_text(session: Session, coalition_id: int | None = None) -> int:
    """Recompute `search_text` and `search_stems` where they are stale (after a tag rename, a
    change in plain SQL, or on rows that migrations 0002 and 0011 could only approximate);
    returns how many resources changed. Flushes, never commits."""
    statement = select(Resource).options(selectinload(Resource.tags)).order_by(Resource.id)
    if coalition_id is not None:
        statement = statement.where(Resource.coalition_id == coalition_id)
    changed = 0
    for resource in session.scalars(statement):
        text = search_text(resource.title, resource.summary, [tag.name for tag in resource.tags])
        if resource.search_text != text or resource.search_stems != search_stems(text):
            resource.search_text = text  # sets search_stems
            resource.search_stems = search_stems(text)
            changed += 1
    session.flush()
    return changed
