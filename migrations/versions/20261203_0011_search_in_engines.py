"""search in engines: resources.search_stems indexed by FTS5 / a tsvector; the search stamp goes

The resource search runs in the database again (coalition.resources.search): the engines index
`resources.search_stems`, the French stems of `search_text` in order, `_` in place of each
function word (coalition.resources.text.search_stems), so both databases find the same.

SQLite: the FTS5 table `resources_fts`, external content over `resources.search_stems`, kept in
step by triggers whatever writes the rows; its tokenizer keeps the stems as they are and takes
`_` as a word, so that phrases keep their gaps.
PostgreSQL: the function `resource_search_vector(stems)` (each stem at its place, `_` skipped but
counted), the generated column `resources.search_vector` and its GIN index.
Both databases: the covering indexes of migration 0004 again (`ix_resources_scope`,
`ix_resources_by_id`), so that a search never reads the wide rows.
Like in migration 0002, the engines' objects stay out of the models (see
coalition.resources.engines.include_object).

Migrations use no app code: existing rows get `search_stems = search_text` (unstemmed words, no
gaps); run `flask reindex` once after upgrading to store the exact stems.

`coalitions.search_stamp` and its triggers (migration 0005) go: no process keeps an index.

A later SQLite batch migration that copies `resources` must create the FTS triggers again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ["published_at", "axis_id", "language", "contributed_by_id"]

SQLITE_FTS = [
    """
    CREATE VIRTUAL TABLE resources_fts USING fts5(
        search_stems,
        content='resources',
        content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
    )
    """,
    """
    CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN
        INSERT INTO resources_fts (rowid, search_stems) VALUES (new.id, new.search_stems);
    END
    """,
    """
    CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
        INSERT INTO resources_fts (resources_fts, rowid, search_stems)
        VALUES ('delete', old.id, old.search_stems);
    END
    """,
    """
    CREATE TRIGGER resources_fts_update AFTER UPDATE OF search_stems ON resources BEGIN
        INSERT INTO resources_fts (resources_fts, rowid, search_stems)
        VALUES ('delete', old.id, old.search_stems);
        INSERT INTO resources_fts (rowid, search_stems) VALUES (new.id, new.search_stems);
    END
    """,
    "INSERT INTO resources_fts (resources_fts) VALUES ('rebuild')",
]
SQLITE_NO_FTS = [
    "DROP TRIGGER resources_fts_update",
    "DROP TRIGGER resources_fts_delete",
    "DROP TRIGGER resources_fts_insert",
    "DROP TABLE resources_fts",
]
# Lexemes quoted for the tsvector input ('' and \\ doubled), at most 16383 positions.
POSTGRESQL_FTS = [
    r"""
    CREATE FUNCTION resource_search_vector(stems text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
            '''' || replace(replace(word, '\', '\\'), '''', '''''') || ''':' || least(place, 16383),
            ' '
        )::tsvector, ''::tsvector)
        FROM unnest(string_to_array(stems, ' ')) WITH ORDINALITY AS words(word, place)
        WHERE word NOT IN ('', '_')
    $$
    """,
    """
    ALTER TABLE resources ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (resource_search_vector(search_stems)) STORED
    """,
    "CREATE INDEX ix_resources_search_vector ON resources USING gin (search_vector)",
]
POSTGRESQL_NO_FTS = [
    "ALTER TABLE resources DROP COLUMN search_vector",  # and its index
    "DROP FUNCTION resource_search_vector(text)",
]

# The search stamp of migration 0005, for the downgrade.
SQLITE_STAMP = "lower(hex(randomblob(8)))"
POSTGRESQL_STAMP = "substr(md5(random()::text), 1, 16)"
_PUBLISHED_BY_LINK = (
    "(SELECT coalition_id FROM resources WHERE id = {row}.resource_id AND status = 'published')"
)
SQLITE_TRIGGERS = [
    ("resources_insert", "INSERT ON resources WHEN NEW.status = 'published'", "NEW.coalition_id"),
    (
        "resources_update",
        "UPDATE ON resources WHEN 'published' IN (OLD.status, NEW.status)",
        "NEW.coalition_id",
    ),
    ("resources_delete", "DELETE ON resources WHEN OLD.status = 'published'", "OLD.coalition_id"),
    *(
        (f"{table}_{event.lower()}", f"{event} ON {table}", _PUBLISHED_BY_LINK.format(row=row))
        for table in ("resource_levers", "resource_tags")
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
    ("tags_update", "UPDATE OF name ON tags", "NEW.coalition_id"),
    (
        "actors_update",
        "UPDATE OF family ON actors WHEN OLD.family IS NOT NEW.family",
        "NEW.coalition_id",
    ),
]
_UPDATED = "SELECT c.coalition_id FROM changed c JOIN unchanged u ON u.id = c.id WHERE "
POSTGRESQL_FUNCTIONS = [
    ("search_stamp_of_resource", "SELECT coalition_id FROM changed WHERE status = 'published'"),
    ("search_stamp_of_updated_resource", _UPDATED + "'published' IN (c.status, u.status)"),
    (
        "search_stamp_of_resource_link",
        "SELECT r.coalition_id FROM changed c JOIN resources r ON r.id = c.resource_id"
        " WHERE r.status = 'published'",
    ),
    ("search_stamp_of_tag_name", _UPDATED + "c.name IS DISTINCT FROM u.name"),
    ("search_stamp_of_actor_family", _UPDATED + "c.family IS DISTINCT FROM u.family"),
]
_NEW = "REFERENCING NEW TABLE AS changed"
_OLD = "REFERENCING OLD TABLE AS changed"
_BOTH = "REFERENCING OLD TABLE AS unchanged NEW TABLE AS changed"
POSTGRESQL_TRIGGERS = [
    ("resources_insert", "INSERT ON resources", _NEW, "search_stamp_of_resource"),
    ("resources_update", "UPDATE ON resources", _BOTH, "search_stamp_of_updated_resource"),
    ("resources_delete", "DELETE ON resources", _OLD, "search_stamp_of_resource"),
    *(
        (f"{table}_{event.lower()}", f"{event} ON {table}", tables, "search_stamp_of_resource_link")
        for table in ("resource_levers", "resource_tags")
        for event, tables in (("INSERT", _NEW), ("UPDATE", _NEW), ("DELETE", _OLD))
    ),
    ("tags_update", "UPDATE ON tags", _BOTH, "search_stamp_of_tag_name"),
    ("actors_update", "UPDATE ON actors", _BOTH, "search_stamp_of_actor_family"),
]


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for name, _, _ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER search_stamp_{name}")
        # Native DROP COLUMN: a batch copy of `coalitions` would cascade-delete everything.
        op.execute("ALTER TABLE coalitions DROP COLUMN search_stamp")
    else:
        if dialect == "postgresql":
            for name, event, _, _ in POSTGRESQL_TRIGGERS:
                op.execute(f"DROP TRIGGER search_stamp_{name} ON {event.split(' ON ')[1]}")
            for function, _ in POSTGRESQL_FUNCTIONS:
                op.execute(f"DROP FUNCTION {function}()")
        op.drop_column("coalitions", "search_stamp")

    op.add_column(
        "resources", sa.Column("search_stems", sa.Text(), server_default="", nullable=False)
    )
    op.execute("UPDATE resources SET search_stems = search_text")  # `flask reindex` stems them
    op.create_index(
        "ix_resources_scope",
        "resources",
        ["coalition_id", "status", "kind", "id", *SEARCH_COLUMNS],
        unique=False,
    )
    op.create_index(
        "ix_resources_by_id",
        "resources",
        ["id", "coalition_id", "status", "kind", *SEARCH_COLUMNS],
        unique=False,
    )
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_FTS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_NO_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_NO_FTS:
            op.execute(statement)
    op.drop_index("ix_resources_by_id", table_name="resources")
    op.drop_index("ix_resources_scope", table_name="resources")
    if dialect == "sqlite":
        # Native DROP COLUMN: a batch copy of `resources` would cascade-delete its links.
        op.execute("ALTER TABLE resources DROP COLUMN search_stems")
    else:
        op.drop_column("resources", "search_stems")

    op.add_column(
        "coalitions",
        sa.Column("search_stamp", sa.String(length=16), server_default="", nullable=False),
    )
    if dialect == "sqlite":
        op.execute(f"UPDATE coalitions SET search_stamp = {SQLITE_STAMP}")
        for name, event, coalition in SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER search_stamp_{name} AFTER {event} BEGIN UPDATE coalitions"
                f" SET search_stamp = {SQLITE_STAMP} WHERE id = {coalition}; END"
            )
    elif dialect == "postgresql":
        op.execute(f"UPDATE coalitions SET search_stamp = {POSTGRESQL_STAMP}")
        for function, coalitions in POSTGRESQL_FUNCTIONS:
            op.execute(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" UPDATE coalitions SET search_stamp = {POSTGRESQL_STAMP}"
                f" WHERE id IN ({coalitions}); RETURN NULL; END $$"
            )
        for name, event, tables, function in POSTGRESQL_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER search_stamp_{name} AFTER {event} {tables}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
