"""data licence: the licence under which a coalition publishes its open data

Every coalition, those already there included, starts under the Licence Ouverte 2.0
(`etalab-2.0`); a facilitator may choose the ODbL 1.0 (`odbl-1.0`) on the framing page.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LICENCES = ("etalab-2.0", "odbl-1.0")
DEFAULT = "etalab-2.0"


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        # Native ADD COLUMN with its CHECK: Alembic's add_column would leave the CHECK out on
        # SQLite, and a batch copy of `coalitions` would cascade-delete everything.
        allowed = ", ".join(f"'{value}'" for value in LICENCES)
        op.execute(
            f"ALTER TABLE coalitions ADD COLUMN data_licence VARCHAR(24) DEFAULT '{DEFAULT}'"
            f" NOT NULL CONSTRAINT ck_coalitions_data_licence CHECK (data_licence IN ({allowed}))"
        )
        return
    op.add_column(
        "coalitions",
        sa.Column(
            "data_licence",
            sa.Enum(
                *LICENCES,
                name="data_licence",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default=DEFAULT,
            nullable=False,
        ),
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        # Native DROP COLUMN: a batch copy of `coalitions` would cascade-delete everything.
        op.execute("ALTER TABLE coalitions DROP COLUMN data_licence")
        return
    op.drop_column("coalitions", "data_licence")  # and its CHECK with it
