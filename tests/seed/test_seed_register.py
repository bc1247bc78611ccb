"""The demo's register, charter and label: entries drawn from the workshops' use cases, some
published, a charter in two versions signed by some actors of each, one label held by an actor
and an entry; loading twice changes nothing; mistakes are refused before anything is written."""

import tomllib
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor, Family
from coalition.charter import queries as charter_queries
from coalition.charter import service as charter_service
from coalition.charter.models import Label, LabelAward, Signature
from coalition.coalitions.models import Coalition
from coalition.diagnostics.compute import register_section
from coalition.diagnostics.queries import register_facts
from coalition.register.models import EntryStatus, EntryVersion, RegisterEntry
from coalition.seed.load import load_seed
from coalition.seed.schema import SeedError, read_seed
from tests.seed.test_seed import DEMO, broken, run_seed, table_counts

HOUSING = "Cotation des demandes de logement social"
UNASSESSED = "Classement des demandes de logement par ordre de priorité"
DRAFTS = {
    "Aide au recueil des besoins avant une consultation médicale",
    "Agent conversationnel d'accueil du centre communal d'action sociale",
}
LABEL = "Algorithme public transparent"
SIGNED_V1_ONLY = {
    "Berger Levrault",
    "Fondation Blaise Pascal",
    "La Rochelle",
    "Les Petits Débrouillards",
    "Métropole Européenne de Lille",
}


@pytest.fixture
def demo(db: Session) -> Coalition:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    db.flush()
    return coalition


def entries(db: Session, coalition: Coalition) -> dict[str, RegisterEntry]:
    rows = db.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.coalition_id == coalition.id)
        .options(selectinload(RegisterEntry.cases), selectinload(RegisterEntry.levers))
    )
    return {entry.name: entry for entry in rows}


def actor_names(db: Session, ids: list[int | None]) -> set[str]:
    return set(db.scalars(select(Actor.name).where(Actor.id.in_(ids))))


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def test_the_register_holds_entries_of_every_status_drafts_and_published(
    db: Session, demo: Coalition
) -> None:
    found = entries(db, demo)
    assert len(found) == 9
    assert {entry.status for entry in found.values()} == set(EntryStatus)
    assert {name for name, entry in found.items() if not entry.is_published} == DRAFTS
    owners = actor_names(db, [entry.owner_id for entry in found.values()])
    assert {"Métropole de Lyon", "Métropole Européenne de Lille", "La Rochelle"} <= owners
    vendors = db.scalars(
        select(Actor).where(Actor.id.in_([e.vendor_id for e in found.values() if e.vendor_id]))
    ).all()
    assert vendors and all(vendor.family == Family.supply for vendor in vendors)
    housing = found[HOUSING]
    assert housing.individual_decisions and housing.has_published_assessment
    assert [case.title for case in housing.cases] == ["Plus de justice sociale grâce à l'IA"]
    assert {lever.name for lever in housing.levers} == {
        "Régulation et développement d'outils",
        "Commande publique exemplaire",
    }
    unassessed = found[UNASSESSED]
    assert unassessed.individual_decisions and not unassessed.has_published_assessment


def test_an_entry_is_dated_as_the_file_says(db: Session, demo: Coalition) -> None:
    housing = entries(db, demo)[HOUSING]
    versions = db.scalars(select(EntryVersion).where(EntryVersion.entry_id == housing.id)).all()
    assert [v.number for v in versions] == [1]
    assert versions[0].saved_at == datetime(2024, 2, 5, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert housing.published_at == datetime(2024, 2, 19, 9, 0, tzinfo=UTC)


def test_the_public_register_shows_the_published_entries_only(
    client: FlaskClient, db: Session, demo: Coalition
) -> None:
    text = page(client, f"/c/{demo.slug}/register")
    published = [e for e in entries(db, demo).values() if e.is_published]
    assert len(published) == 7
    for entry in published:
        assert entry.name in text
    for name in DRAFTS:
        assert name not in text
    decisions = page(client, f"/c/{demo.slug}/register?decisions=yes")
    assert HOUSING in decisions and UNASSESSED in decisions
    assert "Assistant conversationnel pour les démarches en ligne" not in decisions
    draft = entries(db, demo)[sorted(DRAFTS)[0]]
    assert client.get(f"/c/{demo.slug}/register/{draft.id}").status_code == 404


def test_the_diagnostic_lists_the_entry_without_a_published_assessment(
    db: Session, demo: Coalition
) -> None:
    section = register_section(register_facts(db, demo))
    assert [item.label for item in section.without_assessment] == [UNASSESSED]


def test_the_charter_has_two_versions_and_those_who_signed_the_first_only_sign_again(
    client: FlaskClient, db: Session, demo: Coalition
) -> None:
    versions = charter_queries.versions(db, demo)
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].changes and not versions[1].changes
    signed = {
        version.number: actor_names(
            db,
            list(db.scalars(select(Signature.actor_id).where(Signature.version_id == version.id))),
        )
        for version in versions
    }
    assert len(signed[1]) == 8 and len(signed[2]) == 5
    assert signed[1] - signed[2] == SIGNED_V1_ONLY
    sheet = charter_queries.charter_sheet(db, demo, None)
    assert sheet is not None
    assert {row.actor.name for row in sheet.to_sign_again} == SIGNED_V1_ONLY
    text = page(client, f"/c/{demo.slug}/charter")
    assert "À signer de nouveau" in text and "Métropole Européenne de Lille" in text


def test_one_label_is_held_by_an_actor_and_an_entry(
    client: FlaskClient, db: Session, demo: Coalition
) -> None:
    label = db.scalars(select(Label).where(Label.coalition_id == demo.id)).one()
    assert label.name == LABEL and "licence libre" in label.criteria
    awards = db.scalars(select(LabelAward).where(LabelAward.label_id == label.id)).all()
    assert actor_names(db, [a.actor_id for a in awards if a.actor_id]) == {"Métropole de Lyon"}
    assert [a.entry_id for a in awards if a.entry_id] == [entries(db, demo)[HOUSING].id]
    text = page(client, f"/c/{demo.slug}/labels/{label.id}")
    assert "Métropole de Lyon" in text and HOUSING in text


def test_loading_twice_changes_nothing(db: Session, demo: Coalition) -> None:
    before = table_counts(db)
    stamps = {e.name: (e.version, e.updated_at) for e in entries(db, demo).values()}
    assert not load_seed(db, read_seed(DEMO)).changed
    db.flush()
    assert table_counts(db) == before
    assert {e.name: (e.version, e.updated_at) for e in entries(db, demo).values()} == stamps


def test_an_entry_edited_in_the_file_gets_a_new_version(
    db: Session, demo: Coalition, tmp_path: Path
) -> None:
    path = broken(
        tmp_path, 'status = "pilot"\npurpose = "Prévoir', 'status = "in_use"\npurpose = "Prévoir'
    )
    result = load_seed(db, read_seed(path))
    assert (result.created, result.updated) == (0, 1)
    water = entries(db, demo)["Prévision des besoins en eau et détection des fuites du réseau"]
    assert water.status == EntryStatus.in_use and water.is_published
    versions = db.scalars(
        select(EntryVersion).where(EntryVersion.entry_id == water.id).order_by(EntryVersion.number)
    ).all()
    assert [(v.number, v.changed) for v in versions][1:] == [(2, ["status"])]


def test_a_version_the_coalition_published_itself_is_kept(db: Session, demo: Coalition) -> None:
    details = charter_service.VersionDetails("Charte révisée", "Un texte nouveau.", "Tout.")
    now = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    charter_service.publish_version(db, demo, details, based_on=2, by=None, now=now)
    db.flush()
    before = table_counts(db)
    assert not load_seed(db, read_seed(DEMO)).changed
    assert table_counts(db) == before
    current = charter_queries.current_version(db, demo.id)
    assert current is not None and (current.number, current.title) == (3, "Charte révisée")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'owner = "La Rochelle"',
            'owner = "Ville de Nulle Part"',
            "register[6] (Agent conversationnel d'accueil du centre communal d'action sociale): "
            "owner: 'Ville de Nulle Part' is not one of the file's actors",
        ),
        (
            'levers = ["Commande publique exemplaire"]\nactions',
            'levers = ["Commande publique"]\nactions',
            "levers: 'Commande publique' is not one of the file's levers",
        ),
        (
            'vendor = "Orange"',
            'vendor = "CNIL"',
            "vendor: 'CNIL' is not of the \"supply\" family (it is 'procurement')",
        ),
        (
            'name = "Classement des demandes de logement par ordre de priorité"',
            f'name = "{HOUSING}"',
            f"name: '{HOUSING}' appears twice",
        ),
        (
            "cases = [\"Avec l'IA la fin des problèmes d'eau\"]",
            'cases = ["La fin des problèmes d\'eau"]',
            "cases: \"La fin des problèmes d'eau\" is not a use case of the file's workshops",
        ),
        ('status = "stopped"', 'status = "paused"', "status: unknown value 'paused'"),
        (
            'contact = "habitat@example.org"',
            'contact = "le service habitat"',
            "contact: 'le service habitat' is neither an e-mail address nor an http(s) address",
        ),
        (
            'impact_assessment_url = "https://registre',
            'impact_assessment_url = "ftp://registre',
            "impact_assessment_url: 'ftp://registre",
        ),
        (
            "published_at = 2024-02-19T10:00:00",
            "published_at = 2024-01-19T10:00:00",
            "published_at: must not be before recorded_at",
        ),
        (
            'actor = "Fondation Blaise Pascal"\nsigner',
            'actor = "Fondation Pascal"\nsigner',
            "signatures[7] (Fondation Pascal): actor: 'Fondation Pascal' is not one of the "
            "file's actors",
        ),
        (
            'actor = "Fondation Blaise Pascal"\nsigner',
            'actor = "Etalab"\nsigner',
            "signatures[7] (Etalab): actor: 'Etalab' signs this version twice",
        ),
        (
            "signed_at = 2022-01-11T10:00:00",
            "signed_at = 2021-12-01T10:00:00",
            "signed_at: before the version was published",
        ),
        (
            "changes = \"Après l'avis",
            "# changes = \"Après l'avis",
            "charter[2] (Charte pour des algorithmes et des IA responsables): changes: "
            "say what this version changes",
        ),
        (
            'et de l\'environnement."\nstatus = "member"',
            'et de l\'environnement."\nstatus = "left"',
            "signatures[5] (Designers Éthiques): actor: 'Designers Éthiques' has left the "
            "coalition",
        ),
        (
            "published_at = 2024-06-18T18:00:00",
            "published_at = 2021-06-18T18:00:00",
            "charter[2] (Charte pour des algorithmes et des IA responsables): published_at: "
            "must be after the previous version's",
        ),
        (
            'entries = ["Cotation des demandes de logement social"]',
            'entries = ["Cotation"]',
            "labels[1] (Algorithme public transparent): entries: 'Cotation' is not one of the "
            "file's register",
        ),
        (
            'actors = ["Métropole de Lyon"]\nentries',
            'actors = ["Métropole de Lyon", "Métropole de Lyon"]\nentries',
            "actors: 'Métropole de Lyon' holds the label twice",
        ),
    ],
)
def test_a_mistaken_register_charter_or_label_is_refused(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    with pytest.raises(SeedError) as refused:
        read_seed(broken(tmp_path, old, new))
    assert expected in str(refused.value)


def test_a_second_version_that_changes_nothing_is_refused(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8")
    first, second = (version["text"] for version in tomllib.loads(text)["charter"])
    path = tmp_path / "same.toml"
    path.write_text(text.replace(second, first), encoding="utf-8")
    with pytest.raises(SeedError) as refused:
        read_seed(path)
    assert "charter[2] (Charte pour des algorithmes et des IA responsables): text: the same" in (
        str(refused.value)
    )


def test_a_label_named_twice_whatever_the_case_is_refused(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8")
    path = tmp_path / "twice.toml"
    path.write_text(text + '\n[[labels]]\nname = "ALGORITHME PUBLIC TRANSPARENT"\n', "utf-8")
    with pytest.raises(SeedError) as refused:
        read_seed(path)
    assert "name: 'ALGORITHME PUBLIC TRANSPARENT' appears twice" in str(refused.value)


def test_a_mistaken_entry_changes_nothing(app: Flask, db: Session, tmp_path: Path) -> None:
    path = broken(tmp_path, 'vendor = "Orange"', 'vendor = "La Poste"')
    before = table_counts(db)
    result = run_seed(app, str(path))
    assert result.exit_code != 0
    assert "vendor: 'La Poste' is not of the \"supply\" family" in result.output
    assert "nothing was changed" in result.output
    assert table_counts(db) == before
