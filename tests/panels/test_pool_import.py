"""Importing a panel's pool from a spreadsheet: a preview shows every row, bad rows with their
number and reason, and nothing is added until a clean file is confirmed; then every volunteer
is added with their features, spelt as the quotas spell them."""

import csv
import io
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coalition.actors.import_csv import SEAL_MAX_AGE, FileRefused, seal
from coalition.panels import routes_pool_import, service
from coalition.panels.models import Panel, PanelQuota, PanelStatus, Source, Volunteer
from coalition.panels.pool_import import parse
from tests.conftest import ROLES, World, check_access, post_form
from tests.core.test_html_valid import VNU, needs_vnu
from tests.panels.conftest import make_panel

P = "/c/ma-coalition/panels"
IMPORT = P + "/{panel}/import"
MANAGERS = [302, 403, 403, 200, 403, 200]
ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", IMPORT, None, MANAGERS),
    ("POST", IMPORT, {}, [302, 403, 403, 400, 403, 400]),
    ("GET", IMPORT + "/template.csv", None, MANAGERS),
    ("POST", IMPORT + "/confirm", {"sealed": "forged"}, [302, 403, 403, 400, 403, 400]),
]
SEALED = re.compile(r'name="sealed"[^>]*value="([^"]+)"')
QUOTAS = (
    "Tranche d'âge ; 18-34 ans ; 10 ; 15\n"
    "Tranche d'âge ; 35-59 ans ; 10 ; 15\n"
    "Tranche d'âge ; 60 ans et plus ; 10 ; 15\n"
    "Genre ; Femme ; 20 ; 20\n"
    "Genre ; Homme ; 20 ; 20\n"
    "Commune ; Montpellier ; 20 ; 30\n"
    "Commune ; Pérols ; 5 ; 10\n"
    "Commune ; Castelnau-le-Lez ; 5 ; 10"
)
HEADER = "Prénom;Nom;Mail;Téléphone;Tranche d'âge;Genre;Commune\n"
# as people type them: other case, no accents
AGES = ("18-34 ANS", "35-59 ans", "60 ans et plus")
GENDERS = ("femme", "HOMME")
TOWNS = ("montpellier", "perols", "Castelnau-le-lez")


def people_csv(count: int) -> str:
    return HEADER + "".join(
        f"Prénom{n};Nom{n};P{n}@Example.org;06 12 34 {n // 100:02d} {n % 100:02d};"
        f"{AGES[n % 3]};{GENDERS[n % 2]};{TOWNS[n % 3]}\n"
        for n in range(count)
    )


def page(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


def upload(client: FlaskClient, panel: Panel, text: str | bytes) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return post_form(client, f"{P}/{panel.id}/import", {"file": (io.BytesIO(data), "vivier.csv")})


def confirm(client: FlaskClient, panel: Panel, preview: Any) -> Any:
    match = SEALED.search(page(preview))
    assert match, page(preview)
    return post_form(client, f"{P}/{panel.id}/import/confirm", {"sealed": match.group(1)})


def pool(db: Session, panel: Panel) -> list[Volunteer]:
    query = select(Volunteer).where(Volunteer.panel_id == panel.id).order_by(Volunteer.number)
    return list(db.scalars(query))


def pool_size(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Volunteer)) or 0


@pytest.fixture
def panel(db: Session, world: World) -> Panel:
    return make_panel(db, world.coalition.id, size=40, reserve=5, people=0, quotas=QUOTAS)


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_pool_import_access_per_role(
    client: FlaskClient,
    world: World,
    panel: Panel,
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places={"panel": panel.id})


def test_a_panel_of_another_coalition_is_not_found(
    client: FlaskClient, db: Session, world: World
) -> None:
    elsewhere = make_panel(db, world.other_coalition.id, people=0, quotas=QUOTAS)
    world.log_in(client, "facilitator")
    assert client.get(f"{P}/{elsewhere.id}/import").status_code == 404


def test_a_pool_of_300_is_previewed_then_added_with_its_features(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, panel, people_csv(300))
    assert preview.status_code == 200
    assert "Prénom299" in page(preview) and "p299@example.org" in page(preview)
    assert "Ajouter au vivier" in page(preview)
    assert preview.headers["Cache-Control"] == "no-store"  # names and contacts
    assert pool_size(db) == 0  # nothing before the confirmation
    done = confirm(client, panel, preview)
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/c/ma-coalition/panels/{panel.id}/manage")
    people = pool(db, panel)
    assert len(people) == 300
    first, second = people[0], people[1]
    assert (first.code, first.first_name, first.last_name) == ("V0001", "Prénom0", "Nom0")
    assert (first.email, first.phone, first.source) == (
        "p0@example.org",
        "+33612340000",
        Source.imported,
    )
    # spelt as the quotas spell the values, whatever the file's case and accents
    assert first.features == {
        "Tranche d'âge": "18-34 ans",
        "Genre": "Femme",
        "Commune": "Montpellier",
    }
    assert second.features == {"Tranche d'âge": "35-59 ans", "Genre": "Homme", "Commune": "Pérols"}
    assert len({person.email for person in people}) == 300
    shown = page(client.get(done.headers["Location"]))
    assert "300 volontaires ajoutés au vivier" in shown


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (";Martin;c@example.org;;18-34 ans;Femme;Pérols", "Le prénom manque"),
        ("Camille;Martin;camille-at-example;;18-34 ans;Femme;Pérols", "adresse e-mail n'est pas"),
        ("Camille;Martin;;12 34;18-34 ans;Femme;Pérols", "numéro de téléphone n'est pas"),
        ("Camille;Martin;;;18-34 ans;Femme;Lyon", "« Lyon » n'est pas une valeur de « Commune »"),
        ("Camille;Martin;;;17 ans;Femme;Pérols", "n'est pas une valeur de « Tranche d'âge »"),
        ("Camille;" + "x" * 101 + ";;;18-34 ans;Femme;Pérols", "100 caractères au plus"),
        ("Camille;Martin;a@example.org;;18-34 ans;Femme;Pérols", "figure déjà ligne 2"),
    ],
)
def test_a_bad_row_is_shown_with_its_number_and_reason_and_nothing_is_added(
    client: FlaskClient, db: Session, world: World, panel: Panel, row: str, reason: str
) -> None:
    world.log_in(client, "facilitator")
    text = HEADER + "Alix;Durand;a@example.org;0612345678;60 ans et plus;Homme;Montpellier\n"
    preview = upload(client, panel, text + row + "\n")
    assert preview.status_code == 400
    assert reason in page(preview)
    assert "Ligne 3" in page(preview)
    assert "1 ligne est en erreur" in page(preview)
    assert "Ajouter au vivier" not in page(preview)  # no confirmation offered
    assert pool_size(db) == 0


def test_a_mail_already_in_the_pool_is_refused(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    service.add_volunteers(
        db,
        panel,
        [service.NewVolunteer("Alix", email="a@example.org")],
        source=Source.signup,
        by=None,
    )
    world.log_in(client, "facilitator")
    preview = upload(client, panel, HEADER + "Alix;;A@example.org;;;;\n")
    assert preview.status_code == 400
    assert "déjà dans le vivier" in page(preview)
    assert pool_size(db) == 1


def test_empty_features_are_allowed_counted_and_left_unset_unknown_columns_ignored(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    text = (
        "Prénom;Genre;Remarque;Commune\n"
        "Alix;Femme;arrive en retard;\n"
        "Bo;;;Pérols\n"
        "Cyd;Homme;;Montpellier\n"
    )
    preview = upload(client, panel, text)
    assert preview.status_code == 200
    shown = page(preview)
    assert "Remarque" in shown and "ne sont pas lues" not in shown  # one column: singular
    assert "Cette colonne n'est pas lue" in shown
    assert "Aucune colonne ne donne cette caractéristique : Tranche d'âge" in shown
    assert "3 volontaires n'ont pas de valeur pour toutes les caractéristiques" in shown
    assert confirm(client, panel, preview).status_code == 303
    features = [person.features for person in pool(db, panel)]
    assert features == [
        {"Genre": "Femme"},
        {"Commune": "Pérols"},
        {"Genre": "Homme", "Commune": "Montpellier"},
    ]
    # a person without mail nor phone is welcome in the pool
    assert all(p.email is None and p.phone is None for p in pool(db, panel))


def test_a_forged_or_foreign_or_expired_preview_adds_nothing(
    client: FlaskClient,
    db: Session,
    world: World,
    panel: Panel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.log_in(client, "facilitator")
    other = make_panel(db, world.coalition.id, people=0, quotas=QUOTAS, title="Autre panel")
    sealed = SEALED.search(page(upload(client, panel, people_csv(3))))
    assert sealed
    token = sealed.group(1)
    for target, forged in ((other, token), (panel, token[:-3] + "abc"), (panel, "")):
        response = post_form(client, f"{P}/{target.id}/import/confirm", {"sealed": forged})
        assert response.status_code == 400
        assert "n'est plus valable" in page(response)
    past = int(time.time()) - SEAL_MAX_AGE - 60

    def sealed_a_day_ago(*args: Any, **kwargs: Any) -> str:
        with monkeypatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp", lambda self: past)
            return seal(*args, **kwargs)

    monkeypatch.setattr(routes_pool_import, "seal", sealed_a_day_ago)
    old = upload(client, panel, people_csv(3))
    monkeypatch.undo()
    response = confirm(client, panel, old)
    assert response.status_code == 400 and "n'est plus valable" in page(response)
    assert pool_size(db) == 0


def test_once_the_seed_is_announced_nothing_is_imported(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, panel, people_csv(5))
    panel.status = PanelStatus.announced
    db.flush()
    response = confirm(client, panel, preview)
    assert response.status_code == 409
    assert "Rien n'a été importé : La graine est annoncée" in page(response)
    assert pool_size(db) == 0
    shown = page(client.get(f"{P}/{panel.id}/import"))
    assert "La graine est annoncée" in shown and "Voir l'aperçu" not in shown
    again = upload(client, panel, people_csv(5))
    assert again.status_code == 409 and "Prénom4" not in page(again)
    assert pool_size(db) == 0


def test_a_person_added_meanwhile_refuses_the_whole_confirmation(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, panel, people_csv(10))
    service.add_volunteers(
        db,
        panel,
        [service.NewVolunteer("P3", email="p3@example.org")],
        source=Source.signup,
        by=None,
    )
    response = confirm(client, panel, preview)
    assert response.status_code == 409
    assert "Rien n'a été importé" in page(response) and "déjà dans le vivier" in page(response)
    assert pool_size(db) == 1


def test_quotas_changed_meanwhile_show_the_new_preview_before_anything_is_added(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, panel, people_csv(4))
    db.add(
        PanelQuota(
            panel_id=panel.id, feature="Diplôme", value="Bac", minimum=0, maximum=40, position=8
        )
    )
    db.flush()
    response = confirm(client, panel, preview)
    assert response.status_code == 409
    assert "les quotas ont changé depuis l'aperçu" in page(response)
    assert "4 volontaires n'ont pas de valeur" in page(response)  # the new feature
    assert pool_size(db) == 0
    assert confirm(client, panel, response).status_code == 303  # the new preview confirms
    assert pool_size(db) == 4
    # a value the file uses is gone from the quotas: its rows are now in error
    preview = upload(client, panel, HEADER + "Eve;;;;;;Pérols\n")
    db.execute(
        delete(PanelQuota).where(PanelQuota.panel_id == panel.id, PanelQuota.value == "Pérols")
    )
    response = confirm(client, panel, preview)
    assert response.status_code == 409 and "« Pérols » n'est pas une valeur" in page(response)
    assert pool_size(db) == 4


def test_without_quotas_the_page_asks_for_them_first_and_refuses_a_file(
    client: FlaskClient, db: Session, world: World
) -> None:
    bare = Panel(coalition_id=world.coalition.id, title="Sans quotas", size=10)
    db.add(bare)
    db.flush()
    world.log_in(client, "facilitator")
    shown = page(client.get(f"{P}/{bare.id}/import"))
    assert "Écrivez d'abord les quotas" in shown and "Voir l'aperçu" not in shown
    response = upload(client, bare, "Prénom\nAlix\n")
    assert response.status_code == 400 and "Écrivez d'abord les quotas" in page(response)
    assert pool_size(db) == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Le fichier est vide"),
        (b"PK\x03\x04rest", "classeur"),
        (b"Nom;Commune\nMartin;Lattes\n", "dont « Prénom »"),
        (HEADER.encode(), "que l'en-tête"),
    ],
)
def test_an_unreadable_file_is_refused_whole(
    client: FlaskClient, db: Session, world: World, panel: Panel, data: bytes, reason: str
) -> None:
    world.log_in(client, "facilitator")
    response = upload(client, panel, data)
    assert response.status_code == 400
    assert reason in page(response)
    assert pool_size(db) == 0


def test_a_file_larger_than_the_pool_may_grow_is_refused_whole() -> None:
    quotas = [("Genre", "Femme"), ("Genre", "Homme")]
    rows = "Prénom;Genre\n" + "Alix;femme\n" * (service.MAX_POOL + 1)
    with pytest.raises(FileRefused, match="plus de 10000 volontaires"):
        parse(rows, encoding="utf-8", quotas=quotas, existing_emails=[])
    sheet = parse(rows[: -len("Alix;femme\n")], encoding="utf-8", quotas=quotas, existing_emails=[])
    assert len(sheet.rows) == service.MAX_POOL and not sheet.has_errors
    with pytest.raises(FileRefused, match="ne peut plus recevoir que 2 volontaires"):
        parse("Prénom\nA\nB\nC\n", encoding="utf-8", quotas=quotas, existing_emails=[], room=2)


def test_the_template_opens_in_a_spreadsheet_and_imports_as_is(
    client: FlaskClient, db: Session, world: World, panel: Panel
) -> None:
    world.log_in(client, "facilitator")
    data = client.get(f"{P}/{panel.id}/import/template.csv").get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Prénom", "Nom", "Mail", "Téléphone", "Tranche d'âge", "Genre", "Commune"]
    preview = upload(client, panel, data)
    assert preview.status_code == 200
    assert confirm(client, panel, preview).status_code == 303
    [person] = pool(db, panel)
    assert person.features == {
        "Tranche d'âge": "18-34 ans",
        "Genre": "Femme",
        "Commune": "Montpellier",
    }


@needs_vnu
def test_the_import_pages_are_valid_html(
    client: FlaskClient, db: Session, world: World, panel: Panel, tmp_path: Path
) -> None:
    world.log_in(client, "facilitator")
    pages = {
        "upload": page(client.get(f"{P}/{panel.id}/import")),
        "refused": page(upload(client, panel, HEADER + ";;x;;;;Lyon\n")),
        "preview": page(upload(client, panel, people_csv(5))),
    }
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
