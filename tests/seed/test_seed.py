"""The demo coalition loads completely, loading it twice changes nothing, mistakes are refused."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family, Holding
from coalition.auth.models import Membership, User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core.audit import AuditEvent
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
from coalition.meetings.models import Meeting
from coalition.models import Base
from coalition.resources.models import Resource
from coalition.roadmap.models import Objective
from coalition.seed.load import load_seed
from coalition.seed.schema import SeedError, read_seed

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"


def run_seed(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["seed", *args])


def count(db: Session, model: type[Base]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def table_counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def demo(db: Session) -> Coalition:
    result = load_seed(db, read_seed(DEMO))
    db.flush()
    return result.coalition


def test_demo_coalition_is_complete(db: Session, demo: Coalition) -> None:
    assert demo.name == "Coalition systèmes d'IA et algorithmes responsables"
    actors = db.scalars(select(Actor).where(Actor.coalition_id == demo.id)).all()
    names = {actor.name for actor in actors}
    for named in [
        "Epitech",
        "Fondation Blaise Pascal",
        "Etalab",
        "CNIL",
        "MAIF",
        "Orange",
        "Berger Levrault",
        "La Quadrature du Net",
        "Sciences Po Lille",
        "DINUM",
        "AFNOR",
        "INRIA",
        "LNE",
        "Algora Lab",
        "CNFPT",
    ]:
        assert named in names
    by_family = {family: [a for a in actors if a.family == family] for family in Family}
    assert all(by_family.values()), "every family has actors"
    assert "Epitech" in {a.name for a in by_family[Family.research]}
    assert "Etalab" in {a.name for a in by_family[Family.procurement]}
    assert "Orange" in {a.name for a in by_family[Family.supply]}
    assert "Les Petits Débrouillards" in {a.name for a in by_family[Family.use]}
    assert {a.name for a in actors if a.is_partner} == {
        "Métropole de Lyon",
        "La Poste",
        "Berger Levrault",
    }
    assert [a.name for a in db.scalars(select(Axis).order_by(Axis.position))] == [
        "IA en démocratie",
        "IA en ressource limitée",
        "IA dans un monde incertain",
    ]
    assert count(db, Lever) == 5
    assert count(db, Objective) == 6
    assert count(db, Resource) >= 12
    assert "Questions de contexte" in demo.context


def test_holdings_follow_the_levers_page_of_the_booklet(db: Session, demo: Coalition) -> None:
    rows = db.execute(
        select(Lever.name, Actor.name)
        .join(Holding, Holding.lever_id == Lever.id)
        .join(Actor, Actor.id == Holding.actor_id)
    ).all()
    holders: dict[str, set[str]] = {}
    for lever, actor in rows:
        holders.setdefault(lever, set()).add(actor)
    assert "DINUM" in holders["Régulation et développement d'outils"]
    assert {"Epitech", "Centrale Lille", "Université d'Artois"} <= holders["Commandes pédagogiques"]
    assert {"Fondation Blaise Pascal", "Les Petits Débrouillards"} <= holders[
        "Médiation citoyenne et inclusion numérique"
    ]
    assert {"AFNOR", "INRIA", "LNE"} <= holders["Certifications et évaluations des systèmes"]
    assert "Commande publique exemplaire" not in holders  # the booklet names nobody: a gap


def test_starting_diagnostic_is_in_its_three_columns(db: Session, demo: Coalition) -> None:
    entries = db.scalars(select(DiagnosticEntry).where(DiagnosticEntry.meeting_id.is_(None))).all()
    columns = [entry.column for entry in entries]
    assert columns.count(DiagnosticColumn.works) == 2
    assert columns.count(DiagnosticColumn.hard) == 3
    assert columns.count(DiagnosticColumn.could) == 3


def test_meetings_are_the_four_of_2021_in_paris_time(db: Session, demo: Coalition) -> None:
    meetings = db.scalars(select(Meeting).order_by(Meeting.number)).all()
    assert [m.starts_at.date().isoformat() for m in meetings] == [
        "2021-09-21",
        "2021-10-12",
        "2021-11-09",
        "2021-12-14",
    ]
    # 14:00 in Paris is 12:00 UTC in September (summer time), 13:00 UTC in December
    assert meetings[0].starts_at == datetime(2021, 9, 21, 12, 0, tzinfo=UTC)
    assert meetings[3].starts_at == datetime(2021, 12, 14, 13, 0, tzinfo=UTC)


def test_loading_twice_changes_nothing(app: Flask, db: Session) -> None:
    first = run_seed(app, str(DEMO))
    assert first.exit_code == 0, first.output
    before = table_counts(db)
    versions = sorted(db.scalars(select(Actor.version)))
    second = run_seed(app, str(DEMO))
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    db.expire_all()
    assert table_counts(db) == before
    assert sorted(db.scalars(select(Actor.version))) == versions


def test_an_edited_file_updates_its_entries(db: Session, tmp_path: Path) -> None:
    load_seed(db, read_seed(DEMO))
    edited = tmp_path / "edited.toml"
    edited.write_text(
        DEMO.read_text(encoding="utf-8").replace(
            'territory = "Lille"', 'territory = "Lille (Nord)"', 1
        ),
        encoding="utf-8",
    )
    result = load_seed(db, read_seed(edited))
    assert (result.created, result.updated) == (0, 1)
    assert db.scalar(select(func.count()).where(Actor.territory == "Lille (Nord)")) == 1


def test_seed_writes_one_audit_event_when_something_changed(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    load_seed(db, read_seed(DEMO))
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "seed")).all()
    assert len(events) == 1
    assert events[0].after and events[0].after["created"] > 50


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'family = "research"',
            'family = "reseach"',
            "actors[1] (Sciences Po Lyon): family: unknown value 'reseach'",
        ),
        (
            'lever = "Commandes pédagogiques"',
            'lever = "Commande pédagogique"',
            "lever: 'Commande pédagogique' is not one of the file's levers",
        ),
        (
            "starts_at = 2021-09-21T14:00:00",
            'starts_at = "2021-13-01T14:00"',
            "(Rencontre n°1 de la coalition): starts_at: '2021-13-01T14:00' is not a date",
        ),
        (
            "starts_at = 2021-09-21T14:00:00",
            "starts_at = 2021-09-21T18:00:00",
            "meetings[1] (Rencontre n°1 de la coalition): ends_at: must be after starts_at",
        ),
        (
            'family = "research"',
            'family = "research"\ncolour = "blue"',
            "actors[1] (Sciences Po Lyon): colour: unknown field",
        ),
        ("capacity = 2", "capacity = 5", "capacity: 5 is not between 1 and 3"),
    ],
)
def test_a_mistake_is_refused_naming_file_entry_and_field(
    app: Flask, db: Session, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = broken(tmp_path, old, new)
    before = table_counts(db)
    result = run_seed(app, str(path))
    assert result.exit_code != 0
    assert str(path) in result.output
    assert expected in result.output
    assert "nothing was changed" in result.output
    assert table_counts(db) == before


def test_invalid_toml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = broken(tmp_path, 'slug = "ia-responsable"', 'slug = "ia-responsable')
    with pytest.raises(SeedError, match=r"broken.toml: not valid TOML: .*line 6"):
        read_seed(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot be read"):
        read_seed(tmp_path / "absent.toml")


def test_if_empty_skips_when_a_coalition_exists(app: Flask, db: Session) -> None:
    from tests import factories as f

    f.coalition(db)
    db.commit()
    result = run_seed(app, "--if-empty", str(DEMO))
    assert result.exit_code == 0
    assert "nothing loaded" in result.output
    assert count(db, Actor) == 0


def test_demo_users_are_created_with_their_roles(app: Flask, db: Session) -> None:
    result = run_seed(app, "--demo-users", str(DEMO))
    assert result.exit_code == 0, result.output
    emails = set(db.scalars(select(User.email)))
    assert {"admin@example.org", "animation@example.org", "membre@example.org"} <= emails
    assert count(db, Membership) == 2
    again = run_seed(app, "--demo-users", str(DEMO))
    assert again.exit_code == 0
    assert count(db, User) == 3


def test_demo_users_are_refused_in_production(app: Flask, db: Session) -> None:
    app.config["COALITION_ENV"] = "production"
    result = run_seed(app, "--demo-users", str(DEMO))
    assert result.exit_code != 0
    assert "never created in production" in result.output
    assert count(db, User) == 0
    assert count(db, Coalition) == 0


def test_an_edited_tag_list_updates_the_resource(db: Session, tmp_path: Path) -> None:
    load_seed(db, read_seed(DEMO))
    text = DEMO.read_text(encoding="utf-8")
    first_tags = next(line for line in text.splitlines() if line.startswith("tags = ["))
    edited = tmp_path / "tags.toml"
    edited.write_text(text.replace(first_tags, 'tags = ["nouveau"]', 1), encoding="utf-8")
    result = load_seed(db, read_seed(edited))
    assert (result.created, result.updated) == (0, 1)
    tagged = db.scalars(select(Resource).where(Resource.tags.any(name="nouveau"))).all()
    assert len(tagged) == 1 and [t.name for t in tagged[0].tags] == ["nouveau"]
