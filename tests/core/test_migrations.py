"""The models and the migrations describe the same schema, and migrations go both ways."""

import re
from datetime import datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from coalition.db import Database
from coalition.models import Base
from coalition.resources.engines import include_object
from tests.conftest import alembic_config

# The full-text engines' objects live in migration 0011 only (FTS5 table, tsvector column).
COMPARE_OPTIONS = {"compare_type": True, "include_object": include_object}


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
        command.upgrade(alembic_config(connection), "0005")
        stamp = connection.scalar(
            text("SELECT search_stamp FROM coalitions WHERE slug = 'avant-0005'")
        )
        connection.execute(text("DELETE FROM coalitions WHERE slug = 'avant-0005'"))
        command.upgrade(alembic_config(connection), "head")
    assert re.fullmatch("[0-9a-f]{16}", stamp), stamp


def _coalition_before_0012(connection: Any, slug: str) -> Any:
    """A coalition row as the schema between 0007 and 0011 holds it (the model has more)."""
    from types import SimpleNamespace

    connection.execute(
        text(
            "INSERT INTO coalitions (slug, name, tagline, context, phase, data_licence,"
            " created_at, updated_at, version) VALUES (:slug, :slug, '', '', 'framing',"
            " 'etalab-2.0', :now, :now, 1)"
        ),
        {"slug": slug, "now": datetime(2026, 1, 1)},
    )
    id = connection.scalar(text("SELECT id FROM coalitions WHERE slug = :slug"), {"slug": slug})
    return SimpleNamespace(id=id, slug=slug)


def test_migration_0008_scrubs_the_diagnostics_published_before(database: Database) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from coalition.coalitions.models import Coalition
    from coalition.diagnostics.models import DiagnosticSnapshot
    from tests import factories as f

    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0007")
        session = Session(bind=connection)
        coalition = _coalition_before_0012(connection, "avant-0008")
        shown = f.actor(session, coalition, name="Visible")
        hidden = f.actor(session, coalition, name="Cachée", is_listed=False)

        def actor(who: Any) -> dict[str, Any]:
            return {"kind": "actor", "id": who.id, "label": who.name, "detail": ""}

        def action(detail: str) -> dict[str, Any]:
            return {"kind": "action", "id": 1, "label": "Former", "detail": detail}

        leaky = {
            "computed": {
                "changes": {
                    "new_actors": [actor(shown), actor(hidden)],
                    "actors_left": [actor(hidden)],
                    "new_commitments": [action("Visible"), action("Cachée")],
                    "holdings_changed": [action("Cachée: 1 → 2")],
                    "status_changes": [action("proposed→committed")],
                },
                "actors": {"absent_twice": [actor(shown), actor(hidden)], "brokers": []},
            },
            "columns": {"works": ["Cachée aide beaucoup"]},
        }
        snapshot = DiagnosticSnapshot(coalition_id=coalition.id, data=leaky)
        session.add(snapshot)
        session.flush()
        command.upgrade(alembic_config(connection), "head")
        data = connection.scalar(
            select(DiagnosticSnapshot.data).where(DiagnosticSnapshot.id == snapshot.id)
        )
        connection.execute(Coalition.__table__.delete().where(Coalition.id == coalition.id))
        session.close()
    unnamed = {"kind": "unnamed", "id": 0, "label": "Un acteur non nommé", "detail": ""}
    changes = data["computed"]["changes"]
    assert changes["new_actors"] == [actor(shown)]
    assert changes["actors_left"] == [unnamed]
    assert changes["new_commitments"] == [action("Visible")]
    assert changes["holdings_changed"] == []
    assert changes["status_changes"] == [action("proposed→committed")]
    assert data["computed"]["actors"]["absent_twice"] == [unnamed]
    assert data["columns"] == leaky["columns"]  # written by the facilitator: kept


def test_migration_0010_keeps_codes_instead_of_french_figures(database: Database) -> None:
    """A format-1 snapshot, as published before 0010 (tests/diagnostics/format1_snapshot.json,
    written by the code of then), comes out in format 2: no figure, the network's positions
    and links and the meetings' titles kept, no French words."""
    import json
    from pathlib import Path

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from coalition.coalitions.models import Coalition
    from coalition.diagnostics.models import DiagnosticSnapshot

    before = json.loads(
        (Path(__file__).parents[1] / "diagnostics" / "format1_snapshot.json").read_text()
    )["data"]
    before["computed"]["changes"]["actors_left"] = [
        {"kind": "unnamed", "id": 0, "label": "Un acteur non nommé", "detail": ""}
    ]
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009")
        session = Session(bind=connection)
        coalition = _coalition_before_0012(connection, "avant-0010")
        snapshot = DiagnosticSnapshot(coalition_id=coalition.id, data=before)
        untouched = DiagnosticSnapshot(coalition_id=coalition.id, data={"columns": {}})
        session.add_all([snapshot, untouched])
        session.flush()
        command.upgrade(alembic_config(connection), "head")
        after, other = (
            connection.scalar(select(DiagnosticSnapshot.data).where(DiagnosticSnapshot.id == id))
            for id in (snapshot.id, untouched.id)
        )
        connection.execute(Coalition.__table__.delete().where(Coalition.id == coalition.id))
        session.close()
    assert after["format"] == 2 and "figures" not in after
    assert other == {"columns": {}}
    assert after["computed"]["changes"]["actors_left"] == [
        {"kind": "unnamed", "id": 0, "label": "", "detail": ""}
    ]
    nodes = {
        key: (label, x, y) for key, label, _type, _family, _links, x, y in after["network"]["nodes"]
    }
    assert len(nodes) == len(before["network"]) == 52
    for trace in before["figures"]["network"]["data"][1:]:
        for key, x, y in zip(trace["customdata"], trace["x"], trace["y"], strict=True):
            assert nodes[key][1:] == (x, y)
    edge_trace = before["figures"]["network"]["data"][0]
    assert len(after["network"]["links"]) == len(edge_trace["x"]) // 3
    assert [m[3] for m in after["timeline"]["meetings"]] == [
        "Rencontre n°1 de la coalition",
        "Rencontre n°2 de la coalition",
        "Rencontre n°3 de la coalition",
    ]
    assert after["coverage"] == before["coverage"] and after["columns"] == before["columns"]
    french = json.dumps({k: v for k, v in after.items() if k != "columns"}, ensure_ascii=False)
    for words in ("Qui détient", "Recherche et experts", "Un acteur non nommé", "liens"):
        assert words not in french


def _stalls_with_an_answer(connection: Any, slug: str, places: list[str]) -> tuple[Any, int, int]:
    """A coalition, a consultation with these stalls and one answer at the first, as the
    schema between 0003 and 0013 holds them: (coalition, consultation id, first stall id)."""
    coalition = _coalition_before_0012(connection, slug)
    now = datetime(2026, 1, 1)
    connection.execute(
        text(
            "INSERT INTO consultations (coalition_id, title, introduction, channel, status,"
            " created_at, updated_at, version) VALUES (:c, 'Avant', '', 'stall', 'open',"
            " :now, :now, 1)"
        ),
        {"c": coalition.id, "now": now},
    )
    consultation = connection.scalar(text("SELECT max(id) FROM consultations"))
    for place in places:
        connection.execute(
            text(
                "INSERT INTO consultation_stalls (consultation_id, place, held_on, created_at)"
                " VALUES (:k, :place, '2026-07-04', :now)"
            ),
            {"k": consultation, "place": place, "now": now},
        )
    stall = connection.scalar(
        text("SELECT min(id) FROM consultation_stalls WHERE consultation_id = :k"),
        {"k": consultation},
    )
    connection.execute(
        text(
            "INSERT INTO consultation_submissions (consultation_id, source, stall_id,"
            " form_token, submitted_at) VALUES (:k, 'stall', :s, :slug, :now)"
        ),
        {"k": consultation, "s": stall, "slug": slug, "now": now},
    )
    return coalition, consultation, stall


def _stall_of_the_answer(connection: Any, slug: str) -> Any:
    return connection.scalar(
        text("SELECT stall_id FROM consultation_submissions WHERE form_token = :slug"),
        {"slug": slug},
    )


def test_migration_0014_gives_the_stalls_there_a_code_each_and_keeps_their_answers(
    database: Database,
) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0013")
        coalition, consultation, stall = _stalls_with_an_answer(
            connection, "avant-0014", ["Die", "Crest", "Nyons"]
        )
        command.upgrade(alembic_config(connection), "head")
        codes = connection.scalars(
            text("SELECT code FROM consultation_stalls WHERE consultation_id = :c"),
            {"c": consultation},
        ).all()
        kept = _stall_of_the_answer(connection, "avant-0014")
        retention = connection.scalar(
            text("SELECT signup_retention_months FROM coalitions WHERE id = :c"),
            {"c": coalition.id},
        )
        connection.execute(text("DELETE FROM coalitions WHERE id = :c"), {"c": coalition.id})
    assert len(set(codes)) == 3 and all(re.fullmatch("[0-9a-f]{10}", code) for code in codes)
    assert kept == stall
    assert retention == 12


def test_migration_0009_keeps_the_stall_of_every_answer(database: Database) -> None:
    """SQLite's table copy once set every submission's stall to NULL (ON DELETE SET NULL)."""
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0008")
        coalition, _consultation, stall = _stalls_with_an_answer(connection, "avant-0009", ["Die"])
        command.upgrade(alembic_config(connection), "0009")
        after_upgrade = _stall_of_the_answer(connection, "avant-0009")
        command.downgrade(alembic_config(connection), "0008")
        after_downgrade = _stall_of_the_answer(connection, "avant-0009")
        command.upgrade(alembic_config(connection), "head")
        connection.execute(text("DELETE FROM coalitions WHERE id = :c"), {"c": coalition.id})
    assert after_upgrade == after_downgrade == stall
