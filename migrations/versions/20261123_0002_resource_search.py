"""resource search: resources.search_text and its full-text index

SQLite: an FTS5 external-content table `resources_fts` kept in sync by triggers.
PostgreSQL: a GIN index on to_tsvector('french', search_text).
Both are left out of autogenerate by the `include_object` hook of env.py.

Existing rows get an approximate search_text (lower-cased title, summary and tags); the app's
`refresh_search_text` recomputes the exact one (accents removed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = [
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
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS resources_fts_update",
    "DROP TRIGGER IF EXISTS resources_fts_delete",
    "DROP TRIGGER IF EXISTS resources_fts_insert",
    "DROP TABLE IF EXISTS resources_fts",
]

# An approximation of coalition.resources.search.search_text (migrations never use app code).
BACKFILL = """
    UPDATE resources SET search_text = lower(
        title || ' ' || summary || ' ' || coalesce((
            SELECT {aggregate} FROM resource_tags JOIN tags ON tags.id = resource_tags.tag_id
            WHERE resource_tags.resource_id = resources.id
        ), '')
    )
"""


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))

    if dialect == 'sqlite':
        op.execute(BACKFILL.format(aggregate="group_concat(tags.name, ' ')"))
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
        op.execute("INSERT INTO resources_fts (resources_fts) VALUES ('rebuild')")
    elif dialect == 'postgresql':
        op.execute(BACKFILL.format(aggregate="string_agg(tags.name, ' ')"))
        op.create_index(
            'ix_resources_search_fts',
            'resources',
            [sa.text("to_tsvector('french', search_text)")],
            unique=False,
            postgresql_using='gin',
        )


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
        # Native DROP COLUMN (SQLite >= 3.35): a batch copy of the table would drop it, and
        # with foreign keys on, cascade-delete the rows of resource_levers and resource_tags.
        op.execute('ALTER TABLE resources DROP COLUMN search_text')
    else:
        if dialect == 'postgresql':
            op.drop_index('ix_resources_search_fts', table_name='resources')
        op.drop_column('resources', 'search_text')
