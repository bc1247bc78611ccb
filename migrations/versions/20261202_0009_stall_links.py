"""stall links: a stall runs on its own revocable link, with no account logged in

Each stall gets the hash of a secret link (`/stall/<secret>`) that records answers for that
stall only, when it was made and when it was revoked. Stalls made before have no link until a
facilitator renews it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keep_submission_stalls() -> None:
    """SQLite's batch copy drops the stalls table, which sets every submission's stall to NULL
    (its ON DELETE SET NULL): keep them aside, to put back after the copy."""
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "CREATE TEMPORARY TABLE kept_stalls AS SELECT id, stall_id "
            "FROM consultation_submissions WHERE stall_id IS NOT NULL"
        )


def _restore_submission_stalls() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "UPDATE consultation_submissions SET stall_id = (SELECT stall_id FROM kept_stalls "
            "WHERE kept_stalls.id = consultation_submissions.id) "
            "WHERE id IN (SELECT id FROM kept_stalls)"
        )
        op.execute("DROP TABLE kept_stalls")


def upgrade() -> None:
    _keep_submission_stalls()
    with op.batch_alter_table("consultation_stalls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("link_created_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("link_revoked_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_consultation_stalls_link_hash"), ["link_hash"]
        )
    _restore_submission_stalls()


def downgrade() -> None:
    _keep_submission_stalls()
    with op.batch_alter_table("consultation_stalls", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_consultation_stalls_link_hash"), type_="unique")
        batch_op.drop_column("link_revoked_at")
        batch_op.drop_column("link_created_at")
        batch_op.drop_column("link_hash")
    _restore_submission_stalls()
