"""A facilitator imports actors from a spreadsheet: upload, preview, confirm."""

import csv
import html
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.actors import service
from coalition.actors.import_csv import MAX_BYTES, seal
from coalition.actors.importing import MAX_ROWS
from coalition.actors.models import Actor, ActorKind, Family, Holding
from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from tests import factories as f
from tests.conftest import World, post_form

C = "/c/ma-coalition"
IMPORT = C + "/actors/import"
SEALED_RE = re.compile(r'name="sealed"[^>]*value="([^"]+)"')
FAMILIES = ["Recherche et experts", "Usage", "Offre", "Commande"]


def libreoffice_csv(rows: list[list[str]]) -> bytes:
    """As LibreOffice Calc saves "Texte CSV" in UTF-8 with a BOM: `;`, quotes when needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()


def twenty_actors() -> bytes:
    rows = [["Nom", "Famille", "Type", "Territoire", "Site web", "Levier 1", "Levier 2"]]
    for n in range(1, 21):
        rows.append(
            [
                f"Organisation {n:02d}",
                FAMILIES[n % 4],
                "Association" if n % 2 else "Entreprise",
                "Die" if n % 3 else "Crest\nVallée de la Drôme",
                f"https://org{n}.example" if n % 5 else "",
                ["", "1", "moyenne", "3"][n % 4],
                "forte" if n % 2 else "",
            ]
        )
    rows[1][0] = 'Fablab "Le Lieu"; Die'  # quotes and a separator in a name
    return libreoffice_csv(rows)


def upload(client: FlaskClient, data: bytes, filename: str = "acteurs.csv") -> Any:
    return post_form(client, IMPORT, {"file": (io.BytesIO(data), filename)})


def sealed(response: Any) -> str:
    match = SEALED_RE.search(response.get_data(as_text=True))
    assert match, "no confirm form"
    return match.group(1)


def confirm(client: FlaskClient, token: str) -> Any:
    return post_form(client, IMPORT + "/confirm", {"sealed": token}, form_url=IMPORT)


def counts(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Actor)) or 0,
        db.scalar(select(func.count()).select_from(Holding)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
    )


@pytest.fixture
def facilitator(client: FlaskClient, world: World) -> FlaskClient:
    world.log_in(client, "facilitator")
    return client


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_twenty_actors_from_libreoffice_preview_confirm_then_again_unchanged(
    facilitator: FlaskClient, db: Session, world: World
) -> None:
    page = facilitator.get(IMPORT)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    before = counts(db)

    preview = upload(facilitator, twenty_actors())
    body = text(preview)
    assert preview.status_code == 200, body
    assert 'Fablab "Le Lieu"; Die' in body
    assert "<strong>20</strong> nouveaux" in body
    assert "Territoire : Crest Vallée de la Drôme" in body  # a line break within a cell
    assert "Levier « Levier 2 » : 3 – forte" in body
    assert counts(db) == before  # a preview writes nothing

    done = confirm(facilitator, sealed(preview))
    assert done.status_code == 303
    assert done.headers["Location"].startswith(C + "/actors")
    actors, holdings, events = counts(db)
    assert actors == before[0] + 20
    # levers: 1 held by n % 4 in (1, 2, 3) = 15 actors, 2 held by odd n = 10 actors
    assert holdings == before[1] + 25
    assert events == before[2] + 20 + 25  # every actor and holding audited

    fablab = db.scalars(select(Actor).where(Actor.name == 'Fablab "Le Lieu"; Die')).one()
    assert (fablab.family, fablab.kind, fablab.territory, fablab.website) == (
        Family.use, ActorKind.association, "Die", "https://org1.example",
    )  # fmt: skip
    query = select(Holding.lever_id, Holding.capacity).where(Holding.actor_id == fablab.id)
    capacities = dict(db.execute(query).all())
    assert capacities == {world.lever.id: 1, world.other_lever.id: 3}

    directory = text(facilitator.get(done.headers["Location"]))
    assert "Acteurs ajoutés : 20" in directory
    assert "Organisation 20" in directory and 'Fablab "Le Lieu"; Die' in directory
    assert "Levier 1, Levier 2" in directory

    again = upload(facilitator, twenty_actors())
    body = text(again)
    assert again.status_code == 200
    assert "<strong>20</strong> inchangés" in body and "<strong>0</strong> nouveaux" in body
    assert "Rien à changer" in body
    assert 'name="sealed"' not in body or "Confirmer" not in body
    # confirming the first preview once more: the actors changed since, nothing is written
    replayed = confirm(facilitator, sealed(preview))
    assert replayed.status_code == 409
    assert "les acteurs ont changé depuis l'aperçu" in text(replayed)
    assert "<strong>20</strong> inchangés" in text(replayed)
    assert counts(db) == (actors, holdings, events)


def test_an_existing_actor_is_updated_and_its_other_holdings_left_alone(
    facilitator: FlaskClient, db: Session, world: World
) -> None:
    world.holding.note = "Notre note"
    db.flush()
    data = libreoffice_csv(
        [
            ["nom", "famille", "territoire", "Levier 1", "Levier 2"],
            ["Acteur A", "Offre", "", "3", "1"],
        ]
    )
    preview = upload(facilitator, data)
    body = text(preview)
    assert "Mis à jour" in body
    assert "Famille : Usage → Offre" in body
    assert "Levier « Levier 1 » : 2 – moyenne → 3 – forte" in body
    assert "Levier « Levier 2 » : — → 1 – faible" in body
    assert confirm(facilitator, sealed(preview)).status_code == 303
    db.expire_all()
    actor = db.get(Actor, world.actor.id)
    assert actor is not None and actor.family == Family.supply
    holdings = db.scalars(select(Holding).where(Holding.actor_id == actor.id))
    held = {h.lever_id: (h.capacity, h.note) for h in holdings}
    assert held == {world.lever.id: (3, "Notre note"), world.other_lever.id: (1, "")}
    kinds = db.scalars(
        select(AuditEvent.entity + ":" + AuditEvent.action).where(AuditEvent.actor_id == actor.id)
    ).all()
    assert sorted(kinds) == ["actor:update", "holding:create", "holding:update"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "logo.png", "pas un CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "acteurs.xlsx", "classeur"),
        (b"", "vide.csv", "Le fichier est vide."),
        (b"Fablab;Usage\r\nAtelier;Offre\r\n", "acteurs.csv", "pas un en-tête"),
        (b"famille;Levier 1\r\nUsage;2\r\n", "acteurs.csv", "La colonne « nom » manque."),
        (
            b"nom;famille;Famille\r\nA;Usage;Offre\r\n",
            "acteurs.csv",
            "Ligne 1, colonne C (« Famille ») : Cette colonne répète la colonne B (« famille »).",
        ),
        (
            b"nom;Levier 1;levier : levier 1\r\nA;1;2\r\n",
            "acteurs.csv",
            "Ligne 1, colonne C (« levier : levier 1 ») : Cette colonne répète la colonne B",
        ),
        (b"nom;Couleur\r\nA;bleu\r\n", "acteurs.csv", "colonne B (« Couleur ») : Colonne inconnue"),
        (b"nom;famille\r\n" + b"A;Usage\r\n" * (MAX_ROWS + 1), "acteurs.csv", "plus de 2"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_clear_message(
    facilitator: FlaskClient, db: Session, data: bytes, filename: str, message: str
) -> None:
    before = counts(db)
    response = upload(facilitator, data, filename)
    assert response.status_code == 400
    assert message in text(response)
    assert "Rien n'a été importé." in text(response)
    assert counts(db) == before


def test_no_file_chosen(facilitator: FlaskClient) -> None:
    response = post_form(facilitator, IMPORT, {})
    assert response.status_code == 400
    assert "Choisissez le fichier CSV" in text(response)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Nouveau;Banque;;", "Ligne 3, colonne B (« famille ») : La famille « Banque » n'exist"),
        ("Nouveau;;;", "Ligne 3, colonne B (« famille ») : La famille est obligatoire"),
        ("Nouveau;Usage;2;",
         "Ligne 3, colonne C (« Ancien levier ») : Le levier « Ancien levier » est"),
        ("Nouveau;Usage;;9", "Ligne 3, colonne D (« Levier 1 ») : Capacité « 9 » inconnue"),
    ],
)  # fmt: skip
def test_rows_in_error_are_listed_and_nothing_can_be_confirmed(
    facilitator: FlaskClient, db: Session, world: World, row: str, message: str
) -> None:
    f.lever(db, world.coalition, name="Ancien levier", retired_at=datetime.now(UTC))
    before = counts(db)
    data = f"nom;famille;Ancien levier;Levier 1\r\nActeur A;Usage;;\r\n{row}\r\n".encode()
    response = upload(facilitator, data)
    body = text(response)
    assert response.status_code == 400
    assert message in body
    assert "<strong>1</strong> en erreur" in body and "<strong>1</strong> inchangés" in body
    assert 'name="sealed"' not in body
    assert counts(db) == before


def test_two_rows_with_the_same_name(facilitator: FlaskClient) -> None:
    response = upload(facilitator, b"nom;famille\r\nAtelier;Usage\r\natelier;Offre\r\n")
    assert response.status_code == 400
    assert "Ligne 3, colonne A (« nom ») : Ce nom figure déjà à la ligne 2." in text(response)


def test_a_windows_1252_file_is_read_and_the_preview_says_so(facilitator: FlaskClient) -> None:
    response = upload(facilitator, "nom;famille\r\nÉcole d'été;Usage\r\n".encode("cp1252"))
    assert response.status_code == 200
    assert "École d'été" in text(response) and "Windows-1252" in text(response)


def _padded(size: int) -> bytes:
    """A valid file of exactly `size` bytes: one actor, then blank rows."""
    data = b"nom;famille\r\nGrand fichier;Usage\r\n"
    return data + b";\r\n" * ((size - len(data)) // 3) + b"\n" * ((size - len(data)) % 3)


def test_the_2_mb_bound(facilitator: FlaskClient, db: Session) -> None:
    before = counts(db)
    at_bound = _padded(MAX_BYTES)
    assert len(at_bound) == MAX_BYTES
    assert upload(facilitator, at_bound).status_code == 200
    over = upload(facilitator, _padded(MAX_BYTES + 1))
    assert over.status_code == 413
    assert "Le fichier dépasse 2 Mo" in text(over)
    far_over = upload(facilitator, _padded(3 * MAX_BYTES))  # refused before it is read
    assert far_over.status_code == 413
    assert "Le fichier dépasse 2 Mo" in text(far_over)
    assert counts(db) == before


def test_confirm_reads_the_file_again_against_the_database(
    facilitator: FlaskClient, db: Session, world: World
) -> None:
    """A lever retired between the preview and the confirmation: nothing is imported."""
    preview = upload(facilitator, b"nom;famille;Levier 2\r\nNouveau;Usage;2\r\n")
    assert preview.status_code == 200
    world.other_lever.retired_at = datetime.now(UTC)
    db.flush()
    before = counts(db)
    response = confirm(facilitator, sealed(preview))
    assert response.status_code == 400
    assert "Rien n'a été importé" in text(response)
    assert "Le levier « Levier 2 » est retiré" in text(response)
    assert counts(db) == before


def test_a_sealed_file_with_errors_or_altered_is_refused(
    app: Flask, facilitator: FlaskClient, db: Session, world: World
) -> None:
    before = counts(db)
    key, coalition_id = app.config["SECRET_KEY"], world.coalition.id
    with_error = seal(key, coalition_id, "nom;famille\r\nX;Banque\r\n", "utf-8")
    response = confirm(facilitator, with_error)
    assert response.status_code == 400 and "Banque" in text(response)
    good = seal(key, coalition_id, "nom;famille\r\nX;Usage\r\n", "utf-8")
    altered = confirm(facilitator, good[:-3] + "abc")
    assert altered.status_code == 400 and "plus valable" in text(altered)
    assert confirm(facilitator, "").status_code == 400
    assert counts(db) == before


def test_all_or_nothing_when_a_write_fails_midway(
    facilitator: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = upload(facilitator, twenty_actors())
    before = counts(db)
    calls = {"n": 0}
    add_holding = service.add_holding

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 10:
            raise ValidationError("Panne au dixième levier.")
        return add_holding(*args, **kwargs)

    monkeypatch.setattr(service, "add_holding", failing)
    response = confirm(facilitator, sealed(preview))
    assert response.status_code == 409
    assert "Rien n'a été importé" in text(response) and "Panne au dixième levier." in text(response)
    assert counts(db) == before


def test_nothing_is_imported_when_a_write_meets_another_at_the_same_instant(
    facilitator: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = upload(facilitator, twenty_actors())
    before = counts(db)
    calls = {"n": 0}
    add_holding = service.add_holding

    def clashing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 10:
            raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))
        return add_holding(*args, **kwargs)

    monkeypatch.setattr(service, "add_holding", clashing)
    response = confirm(facilitator, sealed(preview))
    assert response.status_code == 409
    assert "Rien n'a été importé" in text(response) and "(écriture simultanée)" in text(response)
    assert counts(db) == before


def test_the_template_opens_as_a_spreadsheet_and_imports_back(
    facilitator: FlaskClient, db: Session, world: World
) -> None:
    f.lever(db, world.coalition, name="Ancien levier", retired_at=datetime.now(UTC))
    f.lever(db, world.coalition, name="=HYPERLIEN()")
    response = facilitator.get(IMPORT + "/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, example = rows
    assert header[:5] == ["nom", "famille", "type", "territoire", "site web"]
    assert set(header[5:]) == {"Levier 1", "Levier 2", "'=HYPERLIEN()"}
    assert example[1:3] == ["Usage", "Laboratoire, fablab ou tiers-lieu"]
    preview = upload(facilitator, data)
    assert preview.status_code == 200
    assert "<strong>1</strong> nouveaux" in text(preview)


def test_a_preview_overtaken_by_a_change_is_shown_again_before_anything_is_written(
    facilitator: FlaskClient, db: Session, world: World
) -> None:
    preview = upload(facilitator, b"nom;famille;Levier 1\r\nActeur A;Offre;3\r\n")
    assert "Levier « Levier 1 » : 2 – moyenne → 3 – forte" in text(preview)
    world.holding.capacity = 1  # a member edits the holding meanwhile
    db.flush()
    before = counts(db)
    stale = confirm(facilitator, sealed(preview))
    assert stale.status_code == 409
    assert "les acteurs ont changé depuis l'aperçu" in text(stale)
    assert "Levier « Levier 1 » : 1 – faible → 3 – forte" in text(stale)
    assert counts(db) == before
    assert confirm(facilitator, sealed(stale)).status_code == 303
    db.expire_all()
    assert db.get(Holding, world.holding.id).capacity == 3  # type: ignore[union-attr]


def test_in_english_the_template_has_english_headers_that_import_back(
    facilitator: FlaskClient,
) -> None:
    post_form(facilitator, "/language", {"lang": "en"}, form_url=IMPORT)
    data = facilitator.get(IMPORT + "/template.csv").get_data()
    header, example = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    assert header == ["name", "family", "kind", "territory", "website", "Levier 1", "Levier 2"]
    assert example[1:3] == ["Use", "Lab, fab lab or community space"]
    preview = upload(facilitator, data)
    assert preview.status_code == 200
    assert "<strong>1</strong>" in preview.get_data(as_text=True)
