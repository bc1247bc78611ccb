"""stall network: stalls gain a territory, a holder (name and mail), a public code for their
posters and the day their link was mailed; workshop sign-ups, kept apart from the answers; each
coalition's retention period for sign-ups

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# a random code for the stalls already there (new ones get one from the app)
RANDOM_CODE = {
    "sqlite": "lower(hex(randomblob(5)))",
    "postgresql": "substr(md5(random()::text || id::text), 1, 10)",
}


def upgrade() -> None:
    # plain ADD COLUMNs: a batch copy of a table on SQLite fires its foreign keys' ON DELETE
    for name, length in (("territory", 200), ("holder_name", 200), ("holder_email", 320)):
        op.add_column(
            "consultation_stalls",
            sa.Column(name, sa.String(length=length), nullable=False, server_default=""),
        )
    op.add_column(
        "consultation_stalls",
        sa.Column("code", sa.String(length=16), nullable=False, server_default=""),
    )
    op.add_column("consultation_stalls", sa.Column("link_sent_at", sa.DateTime(), nullable=True))
    dialect = op.get_context().dialect.name
    op.execute(f"UPDATE consultation_stalls SET code = {RANDOM_CODE[dialect]}")
    op.create_index("ix_consultation_stalls_code", "consultation_stalls", ["code"], unique=True)
    op.add_column(
        "coalitions",
        sa.Column("signup_retention_months", sa.Integer(), server_default="12", nullable=False),
    )
    op.create_table(
        "workshop_signups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("signed_up_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["coalition_id"], ["coalitions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_workshop_signups_coalition_id", "workshop_signups", ["coalition_id"])
    op.create_index("ix_workshop_signups_expires_on", "workshop_signups", ["expires_on"])


def downgrade() -> None:
    op.drop_index("ix_workshop_signups_expires_on", table_name="workshop_signups")
    op.drop_index("ix_workshop_signups_coalition_id", table_name="workshop_signups")
    op.drop_table("workshop_signups")
    op.drop_index("ix_consultation_stalls_code", table_name="consultation_stalls")
    columns = ("link_sent_at", "code", "holder_email", "holder_name", "territory")
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE coalitions DROP COLUMN signup_retention_months")
        for name in columns:
            op.execute(f"ALTER TABLE consultation_stalls DROP COLUMN {name}")
    else:
        op.drop_column("coalitions", "signup_retention_months")
        for name in columns:
            op.drop_column("consultation_stalls", name)
