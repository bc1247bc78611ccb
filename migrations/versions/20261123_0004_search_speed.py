"""search speed: covering indexes for the resource search, a stored tsvector on PostgreSQL

Both databases: `ix_resources_scope` (from the coalition, status and kind) and `ix_resources_by_id`
(from the id: text matches, lever links) carry what the search counts and sorts (kind, date, axis,
language, contributor), so that it never reads the wide rows of `resources`;
`ix_resource_levers_lever_id` serves the lever filter.

PostgreSQL: the generated column `resources.search_vector` (to_tsvector('french', search_text))
with its GIN index replaces the expression index of migration 0002, so that ranking reads the
stored vector instead of parsing the text again. Like the FTS5 table on SQLite, the column and its
index stay out of the models (see `include_object`).

SQLite: indexes only, created in place: `resources` is not copied, so the FTS5 triggers of
migration 0002 stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ["published_at", "axis_id", "language", "contributed_by_id"]

POSTGRESQL_UPGRADE = [
    """
    ALTER TABLE resources ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, search_text)) STORED
    """,
    "CREATE INDEX ix_resources_search_vector ON resources USING gin (search_vector)",
    "DROP INDEX ix_resources_search_fts",
]

POSTGRESQL_DOWNGRADE = [
    """
    CREATE INDEX ix_resources_search_fts ON resources
    USING gin (to_tsvector('french'::regconfig, search_text))
    """,
    "DROP INDEX ix_resources_search_vector",
    "ALTER TABLE resources DROP COLUMN search_vector",
]


def upgrade() -> None:
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
    op.create_index(
        "ix_resource_levers_lever_id", "resource_levers", ["lever_id", "resource_id"], unique=False
    )
    if op.get_context().dialect.name == "postgresql":
        for statement in POSTGRESQL_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
    op.drop_index("ix_resource_levers_lever_id", table_name="resource_levers")
    op.drop_index("ix_resources_by_id", table_name="resources")
    op.drop_index("ix_resources_scope", table_name="resources")
