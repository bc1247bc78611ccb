"""Migration 0011: the engines' objects are made and dropped by it, the models agree with it."""

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from coalition.db import Database
from coalition.models import Base
from coalition.resources.engines import SEARCH_VECTOR, include_object
from tests.conftest import alembic_config

COMPARE_OPTIONS = {"compare_type": True, "include_object": include_object}


def engine_objects(connection) -> set[str]:  # type: ignore[no-untyped-def]
    if connection.dialect.name == "sqlite":
        found = connection.scalars(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'resources_fts%'")
        )
    else:
        found = connection.scalars(
            text(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'resources' AND column_name = :name"
            ),
            {"name": SEARCH_VECTOR},
        )
    return set(found)


def test_the_models_agree_with_the_migrations_but_for_the_engines(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        assert compare_metadata(context, Base.metadata) == []
        assert engine_objects(connection)


def test_0011_makes_the_engines_and_its_downgrade_drops_them(database: Database) -> None:
    coalition = (
        "INSERT INTO coalitions (slug, name, tagline, context, phase, created_at, updated_at,"
        " version, search_stamp, data_licence) VALUES ('avant-0011', 'Avant', '', '',"
        " 'framing', :now, :now, 1, '', 'etalab-2.0')"
    )
    resource = (
        "INSERT INTO resources (coalition_id, title, url, kind, summary, language, status,"
        " rejection_reason, search_text, created_at, updated_at, version) SELECT id,"
        " 'Charte', 'https://example.org/charte', 'charter', '', 'fr', 'published', '',"
        " 'charte ethique', :now, :now, 1 FROM coalitions WHERE slug = 'avant-0011'"
    )
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0010")
        assert engine_objects(connection) == set()
        assert "search_stamp" in {c["name"] for c in inspect(connection).get_columns("coalitions")}
        connection.execute(text(coalition), {"now": datetime(2026, 1, 1)})
        connection.execute(text(resource), {"now": datetime(2026, 1, 1)})
        command.upgrade(alembic_config(connection), "head")
        assert engine_objects(connection)
        stems = connection.scalar(
            text("SELECT search_stems FROM resources WHERE url = 'https://example.org/charte'")
        )
        if connection.dialect.name == "sqlite":
            matched = "SELECT count(*) FROM resources_fts WHERE resources_fts MATCH 'charte'"
        else:
            matched = "SELECT count(*) FROM resources WHERE search_vector @@ 'charte'"
        found = connection.scalar(text(matched))
        connection.execute(text("DELETE FROM coalitions WHERE slug = 'avant-0011'"))
    assert stems == "charte ethique"  # the words as they were, until `flask reindex`
    assert found == 1
