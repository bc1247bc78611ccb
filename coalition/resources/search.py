"""Full-text search of a coalition's published resources, with filters and facet counts.

The index reads `Resource.search_text`: title, summary and tag names folded by `normalise`
(compatibility decomposition, accents dropped, case folded, only letters and digits kept), so
search is accent-insensitive on both databases without any PostgreSQL extension.

- SQLite: the FTS5 table `resources_fts` (external content, kept in sync by triggers; migration
  0002), queried with quoted tokens and a prefix on the last word, ranked by bm25.
- PostgreSQL: a GIN index on `to_tsvector('french', search_text)` (French stemming), queried
  with `plainto_tsquery` plus a prefix on the last word, ranked by ts_rank.

What the user typed never reaches the engine as syntax: it is reduced to at most 20 words of
letters and digits. A search runs a fixed number of statements whatever the data: one count,
one page, one per facet.
"""

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, column, false, func, literal_column, select
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session, selectinload

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
PG_INDEX = "ix_resources_search_fts"

_RAW_CHARS = 4 * MAX_QUERY_CHARS  # enough for 20 words, bounds the work on huge input
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")  # FTS5 operators are upper-case words
_MAX_ID = 2**31 - 1
_fts = table_clause(FTS_TABLE, column("rowid", Integer))
_FTS: ColumnElement[Any] = literal_column(FTS_TABLE)
_FRENCH: ColumnElement[Any] = literal_column(
    "'french'::regconfig"
)  # a constant, so the planner matches the index


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
    filters = _filters(coalition_id, query)

    def restrict(statement: Select[Any], *, facet: str | None = None) -> Select[Any]:
        statement = statement.where(
            Resource.coalition_id == coalition_id,
            Resource.status == ResourceStatus.published,
            *(condition for name, condition in filters.items() if name != facet),
        )
        return _match_text(statement, dialect, words)

    total = session.scalar(restrict(select(func.count()).select_from(Resource))) or 0

    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, min(query.page, MAX_PAGE))
    by_date: list[ColumnElement[Any]] = [
        Resource.published_at.desc().nulls_last(),
        Resource.id.desc(),
    ]
    order = by_date if query.sort == "date" or not words else [_rank(dialect, words), *by_date]
    ids = list(
        session.scalars(
            restrict(select(Resource.id))
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )

    facets = {}
    for name, statement in _facet_statements().items():
        rows = session.execute(restrict(statement, facet=name)).all()
        counts = sorted(((_key(value), count) for value, count in rows), key=_by_count)
        facets[name] = dict(counts)
    return SearchResult(ids=ids, total=total, facets=facets)


def _filters(coalition_id: int, query: SearchQuery) -> dict[str, ColumnElement[bool]]:
    """The query's filters by facet name (plus "tag", which has no facet)."""
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
    if query.tag:
        filters["tag"] = Resource.id.in_(
            select(resource_tags.c.resource_id)
            .join(Tag, Tag.id == resource_tags.c.tag_id)
            .where(Tag.coalition_id == coalition_id, Tag.name == query.tag)
        )
    return filters


def _facet_statements() -> dict[str, Select[Any]]:
    count = func.count()
    return {
        "kind": select(Resource.kind, count).group_by(Resource.kind),
        "axis": select(Resource.axis_id, count)
        .where(Resource.axis_id.is_not(None))
        .group_by(Resource.axis_id),
        "lever": select(resource_levers.c.lever_id, count)
        .select_from(Resource)
        .join(resource_levers, resource_levers.c.resource_id == Resource.id)
        .group_by(resource_levers.c.lever_id),
        "language": select(Resource.language, count).group_by(Resource.language),
        "family": select(Actor.family, count)
        .select_from(Resource)
        .join(Actor, Actor.id == Resource.contributed_by_id)
        .group_by(Actor.family),
    }


def _match_text(statement: Select[Any], dialect: str, words: list[str]) -> Select[Any]:
    if not words:
        return statement
    if dialect == "sqlite":
        return statement.join(_fts, _fts.c.rowid == Resource.id).where(
            _FTS.op("MATCH")(fts5_match(words))
        )
    return statement.where(_tsvector().bool_op("@@")(_tsquery(words)))


def _rank(dialect: str, words: list[str]) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return func.bm25(_FTS)  # lower is better
    return func.ts_rank(_tsvector(), _tsquery(words)).desc()


def _tsvector() -> ColumnElement[Any]:
    """The expression of the GIN index (migration 0002), written the same way."""
    return func.to_tsvector(_FRENCH, Resource.search_text)


def _tsquery(words: list[str]) -> ColumnElement[Any]:
    """All words, stemmed; the last one also as a prefix (it may be half typed)."""
    # The words hold letters and digits only, so `word:*` is a single to_tsquery operand.
    last = func.to_tsquery(_FRENCH, f"{words[-1]}:*")
    if len(words) == 1:
        return last
    return func.plainto_tsquery(_FRENCH, " ".join(words[:-1])).op("&&")(last)


def _is_id(value: int) -> bool:
    return 0 < value <= _MAX_ID


def _key(value: object) -> str:
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


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
    """Alembic's `include_object` hook: the search index (FTS5 table and its shadow tables on
    SQLite, the expression index on PostgreSQL) lives in migration 0002, not in the models."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == PG_INDEX)
