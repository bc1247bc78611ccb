"""A person keeps their account safe from the browser: a password that holds their name or is
easy to guess is refused with advice, a strong one is taken; a second browser left logged in is
closed from the first with "Déconnecter mes autres sessions"; account pages are never cached;
a coalition's open data is published under the licence chosen on its framing page; a hostile
address is a plain "page introuvable". Desktop and 390px phone, with the axe check."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.staffing_server import ADMIN_EMAIL, ADMIN_PASSWORD, staffing_server
from tests.e2e.test_staffing import DESKTOP, PHONE, check, flash, log_in

STRONG = "marmotte-sous-le-pont-des-arts"
ODBL = "Open Database License (ODbL) version 1.0"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with staffing_server(tmp_path) as server:
        yield server


def change_password(page: Any, new: str) -> None:
    page.get_by_label("Mot de passe actuel").fill(ADMIN_PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(new)
    page.get_by_role("button", name="Changer le mot de passe").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_keeps_their_account_safe(
    server: Any, browser: Any, viewport: dict[str, int]
) -> None:
    here = browser.new_context(locale="fr-FR", viewport=viewport)
    elsewhere = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    try:
        page, other = here.new_page(), elsewhere.new_page()
        for p in (page, other):
            p.goto(server.url + "/")
            log_in(p, ADMIN_EMAIL, ADMIN_PASSWORD)

        account = page.goto(server.url + "/account")
        assert account.headers["cache-control"] == "no-store"
        check(page)
        page.get_by_role("button", name="Déconnecter mes autres sessions").click()
        assert "autres sessions sont fermées" in flash(page)
        check(page)
        other.goto(server.url + "/account")
        assert other.url.startswith(server.url + "/login")
        page.reload()
        expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()

        page.goto(server.url + "/admin/")
        new = page.get_by_role("region", name="Nouvelle coalition")
        new.get_by_label("Adresse courte").fill("quartiers")
        new.get_by_label("Nom", exact=True).fill("Quartiers numériques")
        new.get_by_label("Adresses des animateurs ou animatrices").fill("anim@example.org")
        new.get_by_role("button", name="Créer la coalition et inviter").click()
        page.goto(server.url + "/c/quartiers/framing")
        licence = page.get_by_role("region", name="Licence des données")
        licence.get_by_label("Licence des données ouvertes").select_option(label=ODBL)
        licence.get_by_role("button", name="Enregistrer la licence").click()
        assert "licence" in flash(page).lower()
        check(page)
        page.goto(server.url + "/c/quartiers/data")
        expect(page.get_by_role("link", name=ODBL).first).to_be_visible()
        export = page.request.get(server.url + "/c/quartiers/data/actors.csv")
        assert "odbl" in export.headers["link"] and 'rel="license"' in export.headers["link"]
        check(page)

        page.goto(server.url + "/account")
        page.get_by_role("link", name="Changer de mot de passe").click()
        change_password(page, "alice-2026-admin")
        assert "reprend votre nom" in page.get_by_text("Ce mot de passe").first.inner_text()
        check(page)
        change_password(page, "Marseille13")
        assert "trop facile à deviner" in page.content()
        change_password(page, STRONG)
        assert "mot de passe" in flash(page).lower()

        missing = page.goto(server.url + "/c/nulle-part/actors/2147483648")
        assert missing.status == 404
        expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
        check(page)
        assert page.goto(server.url + "/healthz").status == 200
    finally:
        here.close()
        elsewhere.close()
