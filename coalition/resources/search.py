"""Full-text search of a coalition's published resources, with filters and facet counts.

The index reads `Resource.search_text`: title, summary and tag names folded by `normalise`
(compatibility decomposition, accents dropped, case folded, only letters and digits kept), so
search is accent-insensitive on both databases without any PostgreSQL extension.

- SQLite: the FTS5 table `resources_fts` (external content, kept in sync by triggers; migration
  0002), queried with quoted tokens and a prefix on the last word, ranked by bm25.
- PostgreSQL: the generated column `resources.search_vector`, to_tsvector('french', search_text)
  with its GIN index (migration 0004), queried with `plainto_tsquery` plus a prefix on the last
  word, ranked by ts_rank.

What the user typed never reaches the engine as syntax: it is reduced to at most 20 words of
letters and digits.

A search is one statement whatever the data: a union of the total, the count of each facet value
(each facet counted with every filter but its own, so that it lists the alternatives) and the
page, as rows (part, value, number). With text, the index is read once, into a materialised CTE
of the matching resources that fail at most one facet filter (`missed` names it) with their rank;
every part reads that CTE. Without text, the parts read the covering indexes of migration 0004;
the resources that pass every filter are read once, into a CTE, for the parts that need them.
"""

import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    ColumnExpressionArgument,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import table as table_clause
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from coalition.actors.models import Actor, Family
from coalition.resources.models import (
    Resource,
    ResourceKind,
    ResourceStatus,
    Tag,
    resource_levers,
    resource_tags,
)

SORTS = ("relevance", "date")
FACETS = ("kind", "axis", "lever", "language", "family")
MAX_WORDS = 20
MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
FTS_TABLE = "resources_fts"
SEARCH_VECTOR = "search_vector"  # PostgreSQL only, like its index
SEARCH_VECTOR_INDEX = "ix_resources_search_vector"
TOTAL = "total"
PAGE = "page"

_RAW_CHARS = 4 * MAX_QUERY_CHARS  # enough for 20 words, bounds the work on huge input
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")  # FTS5 operators are upper-case words
_MAX_ID = 2**31 - 1
_FACET_COLUMNS = {"kind": "kind", "axis": "axis_id", "language": "language"}
# What a part of a search reads (a table or a CTE) and which of its rows it counts.
_Source = tuple[FromClause, ColumnElement[bool]]
_fts = table_clause(FTS_TABLE, column("rowid", Integer))
_FTS: ColumnElement[Any] = literal_column(FTS_TABLE)
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(f"resources.{SEARCH_VECTOR}")
_FRENCH: ColumnElement[Any] = literal_column("'french'::regconfig")  # as in the column


def normalise(text: str) -> str:
    """Lower-case words of letters and digits without accents, separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = "".join(
        char if char.isalnum() else " "
        for char in decomposed
        if not unicodedata.category(char).startswith("M")
    )
    return " ".join(kept.split())


def search_text(title: str, summary: str, tags: Sequence[str]) -> str:
    """The text the index reads for a resource (`Resource.search_text`)."""
    return normalise(" ".join([title, summary, *tags]))


def query_words(text: str) -> list[str]:
    """The words of a search, folded like `search_text`: at most 20 words and 500 characters."""
    words = normalise(_OPERATORS.sub(" ", text[:_RAW_CHARS])).split()[:MAX_WORDS]
    return " ".join(words)[:MAX_QUERY_CHARS].split()


def fts5_match(words: Sequence[str]) -> str:
    """An FTS5 query of quoted words, all required, the last one as a prefix."""
    quoted = [f'"{word}"' for word in words]  # words hold letters and digits only
    return " AND ".join(quoted) + "*"


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
    words = query_words(query.text)
    scope = _scope(coalition_id, query)
    filters = _facet_filters(query)
    if words:
        sources = _text_sources(dialect, words, scope, filters, ranked=query.sort != "date")
    else:
        sources = _table_sources(scope, filters)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, min(query.page, MAX_PAGE))
    statement = union_all(
        _part(TOTAL, None, *sources[None]),
        *(_facet(name, *sources[name]) for name in FACETS),
        _page(*sources[None], limit=per_page, offset=(page - 1) * per_page),
    )
    total, page_rows = 0, []
    facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for part, value, number in session.execute(statement):
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


def _scope(coalition_id: int, query: SearchQuery) -> list[ColumnElement[bool]]:
    """What every part of a search keeps: the coalition's published resources (with the tag)."""
    scope = [Resource.coalition_id == coalition_id, Resource.status == ResourceStatus.published]
    if query.tag:
        scope.append(
            Resource.id.in_(
                select(resource_tags.c.resource_id)
                .join(Tag, Tag.id == resource_tags.c.tag_id)
                .where(Tag.coalition_id == coalition_id, Tag.name == query.tag)
            )
        )
    return scope


def _facet_filters(query: SearchQuery) -> dict[str, ColumnElement[bool]]:
    """The query's filters by facet name."""
    filters: dict[str, ColumnElement[bool]] = {}
    if query.kind:
        kinds = {kind.value: kind for kind in ResourceKind}
        filters["kind"] = Resource.kind == kinds[query.kind] if query.kind in kinds else false()
    if query.axis_id is not None:
        filters["axis"] = Resource.axis_id == query.axis_id if _is_id(query.axis_id) else false()
    if query.lever_id is not None:
        filters["lever"] = (
            Resource.id.in_(
                select(resource_levers.c.resource_id).where(
                    resource_levers.c.lever_id == query.lever_id
                )
            )
            if _is_id(query.lever_id)
            else false()
        )
    if query.language:
        filters["language"] = Resource.language == query.language
    if query.family:
        families = {family.value: family for family in Family}
        filters["family"] = (
            Resource.contributed_by_id.in_(
                select(Actor.id).where(Actor.family == families[query.family])
            )
            if query.family in families
            else false()
        )
    return filters


def _text_sources(
    dialect: str,
    words: list[str],
    scope: list[ColumnElement[bool]],
    filters: dict[str, ColumnElement[bool]],
    *,
    ranked: bool,
) -> dict[str | None, _Source]:
    """With text, every part reads the text matches, those that its filters keep."""
    matches = _text_matches(dialect, words, scope, filters, ranked=ranked)
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
    words: list[str],
    scope: list[ColumnElement[bool]],
    filters: dict[str, ColumnElement[bool]],
    *,
    ranked: bool,
) -> CTE:
    """The resources in scope that match the words and fail at most one facet filter, read once:
    `missed` names the filter a resource fails (NULL if none), `rank` orders them by relevance."""
    fails = {name: case((condition, 0), else_=1) for name, condition in filters.items()}
    missed: ColumnElement[str | None] = cast(null(), String)
    rank = _rank(dialect, words) if ranked else None
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
    statement = select(*columns).where(*scope)
    if len(fails) > 1:
        statement = statement.where(reduce(operator.add, fails.values()) <= 1)
    if dialect == "sqlite":
        matches = _CrossJoin(_fts, Resource.__table__, _fts.c.rowid == Resource.id)
        statement = statement.select_from(matches).where(_FTS.op("MATCH")(fts5_match(words)))
    else:
        statement = statement.where(_SEARCH_VECTOR.bool_op("@@")(_tsquery(words)))
    return statement.cte("text_matches").prefix_with("MATERIALIZED")


def _counted_columns() -> list[ColumnElement[Any]]:
    """What the parts of a search read of a resource (all in its covering indexes)."""
    return [
        Resource.__table__.c[name]
        for name in ("id", "published_at", "kind", "axis_id", "language", "contributed_by_id")
    ]


class _CrossJoin(Join):
    """`left CROSS JOIN right ON ...`: SQLite reads `left` first, whatever its statistics say.
    Without statistics, it would rather read the coalition's resources and query the FTS table
    once for each of them."""

    inherit_cache = True


@compiles(_CrossJoin)
def _compile_cross_join(join: _CrossJoin, compiler: SQLCompiler, **kw: Any) -> str:
    # Only ever made of two tables, so the first " JOIN " is this one.
    return compiler.visit_join(join, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def _rank(dialect: str, words: list[str]) -> ColumnElement[Any]:
    """Relevance, lower is better: bm25 on SQLite, minus ts_rank on PostgreSQL."""
    if dialect == "sqlite":
        return func.bm25(_FTS)
    return -func.ts_rank(_SEARCH_VECTOR, _tsquery(words))


def _tsquery(words: list[str]) -> ColumnElement[Any]:
    """All words, stemmed; the last one also as a prefix (it may be half typed)."""
    # The words hold letters and digits only, so `word:*` is a single to_tsquery operand.
    last = func.to_tsquery(_FRENCH, f"{words[-1]}:*")
    if len(words) == 1:
        return last
    return func.plainto_tsquery(_FRENCH, " ".join(words[:-1])).op("&&")(last)


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


def _page(
    rows: FromClause, where: ColumnElement[bool], *, limit: int, offset: int
) -> Select[str, str, int]:
    keys = [rows.c[key] for key in ("rank", "published_at", "id") if key in rows.c]
    page = (
        select(*keys)
        .select_from(rows)
        .where(where)
        .order_by(*_best_first(rows.c))
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    position = func.row_number().over(order_by=_best_first(page.c))
    return select(literal_column(f"'{PAGE}'", String), cast(page.c.id, String), position)


def _best_first(columns: ReadOnlyColumnCollection[str, Any]) -> list[ColumnElement[Any]]:
    """By relevance when there is a rank, then newest first, then the highest id first."""
    order = [columns.published_at.desc().nulls_last(), columns.id.desc()]
    return [columns.rank, *order] if "rank" in columns else order


def _is_id(value: int) -> bool:
    return 0 < value <= _MAX_ID


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


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


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object` hook: the full-text index (FTS5 table and its shadow tables on
    SQLite, the generated column and its index on PostgreSQL) lives in the migrations only."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == SEARCH_VECTOR:
        return False
    return not (type_ == "index" and name == SEARCH_VECTOR_INDEX)
