"""search in memory: coalitions.search_stamp kept by triggers; the full-text indexes go

The resource search now runs on an in-memory index per coalition (coalition.resources.index):
each process rebuilds it when the coalition's `search_stamp` changes. Triggers give the stamp a
new random value, in the writing transaction, whenever something the index holds changes: a
published resource (any column; one that is published or stops being so), its lever or tag
links, a tag's name, a contributing actor's family. Proposals waiting for moderation and
rejected ones leave it alone.
Deleting a lever, an axis or an actor changes links or resources through their foreign keys,
which fires the same triggers.

SQLite: row triggers. PostgreSQL: statement triggers over transition tables, so that a bulk
insert updates the coalition row once per statement, not once per row.

The database's own full-text indexes are no longer read: the FTS5 table `resources_fts` with
its triggers (SQLite), the generated column `search_vector` with its GIN index (PostgreSQL), and
the covering indexes of migration 0004 are dropped; the downgrade builds them again.

A later SQLite batch migration that copies one of these tables must create its triggers again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ["published_at", "axis_id", "language", "contributed_by_id"]
SQLITE_STAMP = "lower(hex(randomblob(8)))"
POSTGRESQL_STAMP = "substr(md5(random()::text), 1, 16)"

# (trigger, event, the coalition it concerns) on SQLite
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

# (function, the coalitions concerned, read from the transition tables `changed` and, for an
# update, `unchanged`) on PostgreSQL
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
# (trigger, event, transition tables, function) on PostgreSQL
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

SQLITE_FTS = [
    """
    CREATE VIRTUAL TABLE resources_fts USING fts5(
        search_text,
        content='resources',
        content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )
    """,
    """
    CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN
        INSERT INTO resources_fts (rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
        INSERT INTO resources_fts (resources_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END
    """,
    """
    CREATE TRIGGER resources_fts_update AFTER UPDATE OF search_text ON resources BEGIN
        INSERT INTO resources_fts (resources_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO resources_fts (rowid, search_text) VALUES (new.id, new.search_text);
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
POSTGRESQL_FTS = [
    """
    ALTER TABLE resources ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, search_text)) STORED
    """,
    "CREATE INDEX ix_resources_search_vector ON resources USING gin (search_vector)",
]
POSTGRESQL_NO_FTS = ["ALTER TABLE resources DROP COLUMN search_vector"]  # and its index


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.add_column(
        "coalitions",
        sa.Column("search_stamp", sa.String(length=16), server_default="", nullable=False),
    )
    op.drop_index("ix_resources_by_id", table_name="resources")
    op.drop_index("ix_resources_scope", table_name="resources")
    if dialect == "sqlite":
        op.execute(f"UPDATE coalitions SET search_stamp = {SQLITE_STAMP}")
        for statement in SQLITE_NO_FTS:
            op.execute(statement)
        for name, event, coalition in SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER search_stamp_{name} AFTER {event} BEGIN UPDATE coalitions"
                f" SET search_stamp = {SQLITE_STAMP} WHERE id = {coalition}; END"
            )
    elif dialect == "postgresql":
        op.execute(f"UPDATE coalitions SET search_stamp = {POSTGRESQL_STAMP}")
        for statement in POSTGRESQL_NO_FTS:
            op.execute(statement)
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


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for name, _, _ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER search_stamp_{name}")
        for statement in SQLITE_FTS:
            op.execute(statement)
        # Native DROP COLUMN: a batch copy of `coalitions` would cascade-delete everything.
        op.execute("ALTER TABLE coalitions DROP COLUMN search_stamp")
    else:
        if dialect == "postgresql":
            for name, event, _, _ in POSTGRESQL_TRIGGERS:
                op.execute(f"DROP TRIGGER search_stamp_{name} ON {event.split(' ON ')[1]}")
            for function, _ in POSTGRESQL_FUNCTIONS:
                op.execute(f"DROP FUNCTION {function}()")
            for statement in POSTGRESQL_FTS:
                op.execute(statement)
        op.drop_column("coalitions", "search_stamp")
    op.create_index(
        "ix_resources_by_id",
        "resources",
        ["id", "coalition_id", "status", "kind", *SEARCH_COLUMNS],
        unique=False,
    )
    op.create_index(
        "ix_resources_scope",
        "resources",
        ["coalition_id", "status", "kind", "id", *SEARCH_COLUMNS],
        unique=False,
    )
