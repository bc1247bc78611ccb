"""The databases' full-text engines, over `Resource.search_stems` (migration 0011).

- SQLite: the FTS5 table `resources_fts` (external content: `resources.search_stems`, kept in
  step by triggers), its tokenizer taking the stems as they are and `_` (a function word's
  place) as a word, so that a phrase keeps its gaps. Ranked by bm25 (lower is better).
- PostgreSQL: the generated column `resources.search_vector`, `resource_search_vector(
  search_stems)`: each stem at its place, function words skipped but counted; a GIN index.
  Ranked by ts_rank, divided by 1 + the logarithm of the text's length (shorter texts first,
  as BM25 does).

A search reaches the engine as stems only (`QueryTerms`), quoted: there is no syntax to break.
Both objects live in the migration only: `include_object` keeps them out of the comparison of
models and migrations.
"""

import itertools
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import FromClause, Join

from coalition.resources.models import Resource
from coalition.resources.text import GAP, QueryTerms

FTS_TABLE = "resources_fts"
SEARCH_VECTOR = "search_vector"  # PostgreSQL only, like its index and its function
SEARCH_VECTOR_INDEX = "ix_resources_search_vector"

_fts = table(FTS_TABLE, column("rowid", Integer))
_FTS: ColumnElement[Any] = literal_column(FTS_TABLE)
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(f"resources.{SEARCH_VECTOR}")
# ts_rank's normalisation: divided by 1 + the logarithm of the length, as BM25 favours short texts
_BY_LENGTH: ColumnElement[Any] = literal_column("1")


def fts5_query(terms: QueryTerms) -> str:
    """Every stem, the prefix and every phrase (its gaps as `_`), all required, quoted."""
    parts = [_fts5_string(term) for term in terms.required]
    for phrase in terms.phrases:
        parts.append(_fts5_string(" ".join(_with_gaps(phrase))))
    if terms.prefix is not None:
        parts.append(_fts5_string(terms.prefix) + "*")
    return " AND ".join(parts)


def tsquery(terms: QueryTerms) -> str:
    """The same search as a PostgreSQL tsquery: `'a' & 'b' <2> 'c' & 'pre':*`."""
    parts = [_lexeme(term) for term in terms.required]
    for phrase in terms.phrases:
        words = [_lexeme(phrase[0][1])]
        for (before, _), (at, term) in itertools.pairwise(phrase):
            words.append(f"<{at - before}> {_lexeme(term)}")
        parts.append("(" + " ".join(words) + ")")
    if terms.prefix is not None:
        parts.append(_lexeme(terms.prefix) + ":*")
    return " & ".join(parts)


def _with_gaps(phrase: list[tuple[int, str]]) -> list[str]:
    words = [GAP] * (phrase[-1][0] + 1)
    for at, term in phrase:
        words[at] = term
    return words


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def match_value(dialect: str, terms: QueryTerms) -> str:
    """The value of the `match` parameter that `text_matches` and `rank` read."""
    return fts5_query(terms) if dialect == "sqlite" else tsquery(terms)


def text_matches(dialect: str) -> tuple[FromClause, ColumnElement[bool]]:
    """What to read resources from, and the condition that they match the `match` parameter."""
    if dialect == "sqlite":
        matches = _CrossJoin(_fts, Resource.__table__, _fts.c.rowid == Resource.id)
        return matches, _FTS.op("MATCH")(bindparam("match", type_=String))
    return Resource.__table__, _SEARCH_VECTOR.bool_op("@@")(_tsquery())


def rank(dialect: str) -> ColumnElement[Any]:
    """Relevance of a match, lower is better: bm25 on SQLite, minus ts_rank on PostgreSQL."""
    if dialect == "sqlite":
        return func.bm25(_FTS)
    return -func.ts_rank(_SEARCH_VECTOR, _tsquery(), _BY_LENGTH)


def _tsquery() -> ColumnElement[Any]:
    return cast(bindparam("match", type_=String), TSQUERY)


class _CrossJoin(Join):
    """`left CROSS JOIN right ON ...`: SQLite reads the FTS table first, whatever its statistics
    say, rather than querying it once for each of the coalition's resources."""

    inherit_cache = True


@compiles(_CrossJoin)
def _compile_cross_join(join: _CrossJoin, compiler: SQLCompiler, **kw: Any) -> str:
    # Only ever made of two tables, so the first " JOIN " is this one.
    return compiler.visit_join(join, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object` hook: the engines' objects (the FTS5 table and its shadow
    tables on SQLite, the generated column and its index on PostgreSQL) live in the migrations
    only."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == SEARCH_VECTOR:
        return False
    return not (type_ == "index" and name == SEARCH_VECTOR_INDEX)
