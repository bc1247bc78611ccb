"""Importing a network's stalls from a spreadsheet: a preview shows every row, bad rows with
their number and reason, and nothing is created until a clean file is confirmed; then every
stall is created and each holder gets their own link by mail."""

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, Stall
from coalition.mail.models import OutboxMessage
from tests.auth.outbox import link_in, mails_to, path_of
from tests.conftest import ROLES, World, check_access, post_form
from tests.consultations.conftest import make_consultation
from tests.consultations.test_stall_link import page
from tests.core.test_html_valid import VNU, needs_vnu

C = "/c/ma-coalition/consultations"
IMPORT = C + "/{consultation}/stalls/import"
MANAGERS = [302, 403, 403, 200, 403, 200]
ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", IMPORT, None, MANAGERS),
    ("POST", IMPORT, {}, [302, 403, 403, 400, 403, 400]),
    ("GET", IMPORT + "/template.csv", None, MANAGERS),
    ("POST", IMPORT + "/confirm", {"sealed": "forged"}, [302, 403, 403, 400, 403, 400]),
]
RULES = {
    url.replace("/c/ma-coalition", "/c/<slug>").replace("{consultation}", "<int:consultation_id>")
    for _, url, _, _ in ROUTES
}
SEALED = re.compile(r'name="sealed"[^>]*value="([^"]+)"')
HEADER = "Lieu;Territoire;Date;Responsable;Mail\n"
TEN = HEADER + "".join(
    f"Marché {n};{'Die' if n % 2 else 'Crest'};{n + 1:02d}/07/2026;Personne {n};p{n}@example.org\n"
    for n in range(10)
)


def upload(client: FlaskClient, consultation: Consultation, text: str | bytes) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return post_form(
        client,
        f"{C}/{consultation.id}/stalls/import",
        {"file": (io.BytesIO(data), "stands.csv")},
    )


def confirm(client: FlaskClient, consultation: Consultation, preview: Any) -> Any:
    match = SEALED.search(page(preview))
    assert match, page(preview)
    url = f"{C}/{consultation.id}/stalls/import/confirm"
    return post_form(client, url, {"sealed": match.group(1)})


def stall_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Stall)) or 0


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_stall_import_access_per_role(
    client: FlaskClient,
    world: World,
    consultation: Consultation,
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    places = {"consultation": consultation.id}
    check_access(client, method, url, data, role, expected, places=places)


def test_ten_stalls_are_previewed_then_created_each_holder_mailed_their_link(
    app: Flask, client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, consultation, TEN)
    assert preview.status_code == 200
    assert "Marché 9" in page(preview) and "p9@example.org" in page(preview)
    assert stall_count(db) == 0  # nothing before the confirmation
    done = confirm(client, consultation, preview)
    assert done.status_code == 303
    stalls = db.scalars(select(Stall).order_by(Stall.held_on)).all()
    assert [(s.place, s.territory, s.held_on.day) for s in stalls][:2] == [
        ("Marché 0", "Crest", 1),
        ("Marché 1", "Die", 2),
    ]
    assert len(stalls) == 10 and all(s.link_sent_at for s in stalls)
    links = set()
    for n, stall in enumerate(stalls):
        [mail] = mails_to(db, f"p{n}@example.org")
        assert stall.place in mail.text_body
        links.add(path_of(app, link_in(mail, "/stall/")))
    assert len(links) == 10  # each holder their own link
    shown = page(client.get(done.headers["Location"]))
    assert "10 stands créés" in shown and "10 liens envoyés par mail" in shown
    for link in links:
        assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (";Die;04/07/2026;Camille;c@example.org", "Le lieu manque"),
        ("Marché;Die;;Camille;c@example.org", "La date manque"),
        ("Marché;Die;31/02/2026;Camille;c@example.org", "n'est pas lisible"),
        ("Marché;Die;04/07/1926;Camille;c@example.org", "trop loin"),
        ("Marché;Die;04/07/2026;Camille;camille-at-example", "n'est pas une adresse"),
        ("Marché;" + "x" * 201 + ";04/07/2026;Camille;c@example.org", "200 caractères au plus"),
    ],
)
def test_a_bad_row_is_shown_with_its_number_and_reason_and_nothing_is_created(
    client: FlaskClient,
    db: Session,
    world: World,
    consultation: Consultation,
    row: str,
    reason: str,
) -> None:
    world.log_in(client, "facilitator")
    text = HEADER + "Marché bon;Die;03/07/2026;Alix;a@example.org\n" + row + "\n"
    preview = upload(client, consultation, text)
    assert preview.status_code == 400
    assert reason in page(preview)
    assert "Ligne 3" in page(preview)
    assert "Créer les stands" not in page(preview)  # no confirmation offered
    assert stall_count(db) == 0
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_stall_already_there_or_twice_in_the_file_is_refused(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    confirm(
        client, consultation, upload(client, consultation, HEADER + "Marché;Die;04/07/2026;;\n")
    )
    assert stall_count(db) == 1
    again = upload(client, consultation, HEADER + "marché ;Crest;4/7/2026;;\n")
    assert again.status_code == 400 and "existe déjà" in page(again)
    twice = upload(
        client, consultation, HEADER + "Halle;Die;05/07/2026;;\nHalle;Die;05/07/2026;;\n"
    )
    assert twice.status_code == 400 and "Ligne 3" in page(twice)
    assert stall_count(db) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Le fichier est vide"),
        (b"PK\x03\x04rest", "classeur"),
        (b"Nom;Ville\nA;B\n", "« Lieu » et « Date »"),
        (HEADER.encode(), "que l'en-tête"),
    ],
)
def test_an_unreadable_file_is_refused_whole(
    client: FlaskClient,
    db: Session,
    world: World,
    consultation: Consultation,
    data: bytes,
    reason: str,
) -> None:
    world.log_in(client, "facilitator")
    response = upload(client, consultation, data)
    assert response.status_code == 400
    assert reason in page(response)
    assert stall_count(db) == 0


def test_a_preview_confirms_only_for_its_own_consultation_and_unaltered(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    other = make_consultation(db, world.coalition)
    preview = upload(client, consultation, TEN)
    sealed = SEALED.search(page(preview))
    assert sealed
    for target, token in ((other, sealed.group(1)), (consultation, sealed.group(1)[:-3] + "abc")):
        url = f"{C}/{target.id}/stalls/import/confirm"
        response = post_form(client, url, {"sealed": token})
        assert response.status_code == 400
        assert "n'est plus valable" in page(response)
    assert stall_count(db) == 0


def test_a_row_added_meanwhile_refuses_the_whole_confirmation(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    preview = upload(client, consultation, TEN)
    post_form(
        client,
        f"{C}/{consultation.id}/stalls",
        {"place": "Marché 3", "territory": "", "held_on": "2026-07-04"},
    )
    response = confirm(client, consultation, preview)
    assert response.status_code == 409
    assert "Rien n'a été importé" in page(response)
    assert stall_count(db) == 1


def test_the_template_opens_in_a_spreadsheet_and_imports_as_is(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    response = client.get(f"{C}/{consultation.id}/stalls/import/template.csv")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Lieu", "Territoire", "Date", "Responsable", "Mail"]
    preview = upload(client, consultation, data)
    assert preview.status_code == 200
    assert confirm(client, consultation, preview).status_code == 303
    assert stall_count(db) == 1


@needs_vnu
def test_the_import_pages_and_the_holders_mail_are_valid_html(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, tmp_path: Path
) -> None:
    world.log_in(client, "facilitator")
    pages = {
        "upload": page(client.get(f"{C}/{consultation.id}/stalls/import")),
        "refused": page(upload(client, consultation, HEADER + ";Die;;;x\n")),
    }
    preview = upload(client, consultation, TEN)
    pages["preview"] = page(preview)
    confirm(client, consultation, preview)
    pages["mail"] = mails_to(db, "p0@example.org")[0].html_body
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
