"""The models and the migrations describe the same schema, and migrations go both ways."""

import re
from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from coalition.db import Database
from coalition.models import Base
from tests.conftest import alembic_config

COMPARE_OPTIONS = {"compare_type": True}


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(alembic_config(connection), "head")
        tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_import_only_op_and_sa() -> None:
    from pathlib import Path

    for path in (Path(__file__).parents[2] / "migrations" / "versions").glob("*.py"):
        imports = [line for line in path.read_text().splitlines() if "import" in line]
        assert all(
            line.strip() in {"import sqlalchemy as sa", "from alembic import op"}
            or line.startswith("from collections.abc import")
            for line in imports
        ), path.name


def test_migration_0005_stamps_the_coalitions_already_there(database: Database) -> None:
    coalition = (
        "INSERT INTO coalitions (slug, name, tagline, context, phase, created_at, updated_at,"
        " version) VALUES ('avant-0005', 'Avant', '', '', 'framing', :now, :now, 1)"
    )
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
        connection.execute(text(coalition), {"now": datetime(2026, 1, 1)})
        command.upgrade(alembic_config(connection), "head")
        stamp = connection.scalar(
            text("SELECT search_stamp FROM coalitions WHERE slug = 'avant-0005'")
        )
        connection.execute(text("DELETE FROM coalitions WHERE slug = 'avant-0005'"))
    assert re.fullmatch("[0-9a-f]{16}", stamp), stamp
