"""register and charter: the register of algorithmic systems and AI uses of the actors, with
every version of each entry; the charter's versions and signatures; labels and who holds them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:51:07.930424
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "charter_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_charter_versions_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_charter_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_versions")),
        sa.UniqueConstraint(
            "coalition_id", "number", name=op.f("uq_charter_versions_coalition_id_number")
        ),
    )
    op.create_index(
        op.f("ix_charter_versions_coalition_id"), "charter_versions", ["coalition_id"], unique=False
    )

    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_labels_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
        sa.UniqueConstraint("coalition_id", "name", name=op.f("uq_labels_coalition_id_name")),
    )
    op.create_index(op.f("ix_labels_coalition_id"), "labels", ["coalition_id"], unique=False)

    op.create_table(
        "charter_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_charter_signatures_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["users.id"],
            name=op.f("fk_charter_signatures_signed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["charter_versions.id"],
            name=op.f("fk_charter_signatures_version_id_charter_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_signatures")),
        sa.UniqueConstraint(
            "version_id", "actor_id", name=op.f("uq_charter_signatures_version_id_actor_id")
        ),
    )
    op.create_index(
        op.f("ix_charter_signatures_actor_id"), "charter_signatures", ["actor_id"], unique=False
    )
    op.create_index(
        op.f("ix_charter_signatures_version_id"), "charter_signatures", ["version_id"], unique=False
    )

    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "idea",
                "pilot",
                "in_use",
                "stopped",
                name="entry_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("individual_decisions", sa.Boolean(), nullable=False),
        sa.Column("human_oversight", sa.Text(), nullable=False),
        sa.Column("data_used", sa.Text(), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("source_code_url", sa.String(length=500), nullable=False),
        sa.Column("licence", sa.String(length=100), nullable=False),
        sa.Column("impact_assessment", sa.Text(), nullable=False),
        sa.Column("impact_assessment_url", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_register_entries_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_register_entries_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["actors.id"],
            name=op.f("fk_register_entries_owner_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["actors.id"],
            name=op.f("fk_register_entries_vendor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
    )
    op.create_index(
        op.f("ix_register_entries_coalition_id"), "register_entries", ["coalition_id"], unique=False
    )
    op.create_index(
        op.f("ix_register_entries_is_published"), "register_entries", ["is_published"], unique=False
    )
    op.create_index(
        op.f("ix_register_entries_owner_id"), "register_entries", ["owner_id"], unique=False
    )

    op.create_table(
        "label_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("awarded_at", sa.DateTime(), nullable=False),
        sa.Column("awarded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(actor_id IS NULL) <> (entry_id IS NULL)", name=op.f("ck_label_awards_actor_or_entry")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_label_awards_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["awarded_by_id"],
            ["users.id"],
            name=op.f("fk_label_awards_awarded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_label_awards_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["labels.id"],
            name=op.f("fk_label_awards_label_id_labels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_awards")),
        sa.UniqueConstraint("label_id", "actor_id", name=op.f("uq_label_awards_label_id_actor_id")),
        sa.UniqueConstraint("label_id", "entry_id", name=op.f("uq_label_awards_label_id_entry_id")),
    )
    op.create_index(op.f("ix_label_awards_label_id"), "label_awards", ["label_id"], unique=False)

    op.create_table(
        "register_entry_actions",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_register_entry_actions_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_register_entry_actions_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "action_id", name=op.f("pk_register_entry_actions")),
    )
    op.create_table(
        "register_entry_cases",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workshop_cases.id"],
            name=op.f("fk_register_entry_cases_case_id_workshop_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_register_entry_cases_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "case_id", name=op.f("pk_register_entry_cases")),
    )
    op.create_table(
        "register_entry_levers",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("lever_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_register_entry_levers_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lever_id"],
            ["levers.id"],
            name=op.f("fk_register_entry_levers_lever_id_levers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "lever_id", name=op.f("pk_register_entry_levers")),
    )
    op.create_table(
        "register_entry_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_register_entry_versions_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["users.id"],
            name=op.f("fk_register_entry_versions_saved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entry_versions")),
        sa.UniqueConstraint(
            "entry_id", "number", name=op.f("uq_register_entry_versions_entry_id_number")
        ),
    )
    op.create_index(
        op.f("ix_register_entry_versions_entry_id"),
        "register_entry_versions",
        ["entry_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_register_entry_versions_entry_id"), table_name="register_entry_versions")

    op.drop_table("register_entry_versions")
    op.drop_table("register_entry_levers")
    op.drop_table("register_entry_cases")
    op.drop_table("register_entry_actions")
    op.drop_index(op.f("ix_label_awards_label_id"), table_name="label_awards")

    op.drop_table("label_awards")
    op.drop_index(op.f("ix_register_entries_owner_id"), table_name="register_entries")
    op.drop_index(op.f("ix_register_entries_is_published"), table_name="register_entries")
    op.drop_index(op.f("ix_register_entries_coalition_id"), table_name="register_entries")

    op.drop_table("register_entries")
    op.drop_index(op.f("ix_charter_signatures_version_id"), table_name="charter_signatures")
    op.drop_index(op.f("ix_charter_signatures_actor_id"), table_name="charter_signatures")

    op.drop_table("charter_signatures")
    op.drop_index(op.f("ix_labels_coalition_id"), table_name="labels")

    op.drop_table("labels")
    op.drop_index(op.f("ix_charter_versions_coalition_id"), table_name="charter_versions")

    op.drop_table("charter_versions")
