"""a coalition's data version, raised by every write to it: what cached pages are kept under

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN on both databases: a batch copy of `coalitions` on SQLite would
    # cascade-delete everything that refers to it
    op.add_column(
        "coalitions", sa.Column("data_version", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE coalitions DROP COLUMN data_version")  # native, no batch copy
        return
    op.drop_column("coalitions", "data_version")
