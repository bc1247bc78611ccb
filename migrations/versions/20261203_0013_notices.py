"""notices: the ledger of notices written, each person's choices, personal calendar feeds, mail
attachments, and each coalition's reminder delay

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("meeting", "reminder", "digest", "commitment")
SETTINGS = ("on", "weekly", "off")


def _kind() -> sa.Enum:
    return sa.Enum(*KINDS, name="kind", native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("subject_key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalitions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "subject_key", "version"),
    )
    op.create_index("ix_notices_coalition_id", "notices", ["coalition_id"])
    op.create_table(
        "notice_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column(
            "setting",
            sa.Enum(*SETTINGS, name="setting", native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("token_hash"),
    )
    # plain ADD COLUMNs: a batch copy of `coalitions` on SQLite would cascade-delete everything
    op.add_column(
        "outbox_messages", sa.Column("attachments", sa.JSON(), nullable=False, server_default="[]")
    )
    op.add_column(
        "coalitions", sa.Column("reminder_days", sa.Integer(), server_default="3", nullable=False)
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE coalitions DROP COLUMN reminder_days")
        op.execute("ALTER TABLE outbox_messages DROP COLUMN attachments")
    else:
        op.drop_column("coalitions", "reminder_days")
        op.drop_column("outbox_messages", "attachments")
    op.drop_table("calendar_feeds")
    op.drop_table("notice_preferences")
    op.drop_index("ix_notices_coalition_id", table_name="notices")
    op.drop_table("notices")
