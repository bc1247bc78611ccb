"""panels: a citizens' panel drawn by lot, its quotas, its pool of volunteers and the runs of
the draw; a sign-up may agree to be drawn

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:35:01.920392
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("reserve_size", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "announced",
                "drawn",
                name="panel_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("seed_announced_at", sa.DateTime(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("library_version", sa.String(length=40), nullable=True),
        sa.Column("min_probability", sa.Float(), nullable=True),
        sa.Column("max_probability", sa.Float(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_panels_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_panels_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    op.create_index(op.f("ix_panels_coalition_id"), "panels", ["coalition_id"], unique=False)

    op.create_table(
        "panel_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=80), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("maximum", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panel_quotas_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_quotas")),
        sa.UniqueConstraint(
            "panel_id", "feature", "value", name=op.f("uq_panel_quotas_panel_id_feature_value")
        ),
    )
    op.create_index(op.f("ix_panel_quotas_panel_id"), "panel_quotas", ["panel_id"], unique=False)

    op.create_table(
        "panel_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "signup",
                "csv",
                name="volunteer_source",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pool",
                "selected",
                "reserve",
                "declined",
                name="volunteer_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panel_volunteers_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["panel_volunteers.id"],
            name=op.f("fk_panel_volunteers_replaces_id_panel_volunteers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_volunteers")),
        sa.UniqueConstraint("panel_id", "number", name=op.f("uq_panel_volunteers_panel_id_number")),
    )
    op.create_index(
        op.f("ix_panel_volunteers_panel_id"), "panel_volunteers", ["panel_id"], unique=False
    )

    op.create_table(
        "panel_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "draw",
                "replacement",
                name="panel_run_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="panel_run_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("replaced_id", sa.Integer(), nullable=True),
        sa.Column("phase", sa.String(length=200), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_panel_runs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panel_runs_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_id"],
            ["panel_volunteers.id"],
            name=op.f("fk_panel_runs_replaced_id_panel_volunteers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_runs")),
    )
    op.create_index(op.f("ix_panel_runs_panel_id"), "panel_runs", ["panel_id"], unique=False)
    op.create_index(op.f("ix_panel_runs_state"), "panel_runs", ["state"], unique=False)

    op.add_column("workshop_signups", sa.Column("draw_consent", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("workshop_signups", "draw_consent")

    op.drop_index(op.f("ix_panel_runs_state"), table_name="panel_runs")
    op.drop_index(op.f("ix_panel_runs_panel_id"), table_name="panel_runs")

    op.drop_table("panel_runs")
    op.drop_index(op.f("ix_panel_volunteers_panel_id"), table_name="panel_volunteers")

    op.drop_table("panel_volunteers")
    op.drop_index(op.f("ix_panel_quotas_panel_id"), table_name="panel_quotas")

    op.drop_table("panel_quotas")
    op.drop_index(op.f("ix_panels_coalition_id"), table_name="panels")

    op.drop_table("panels")
