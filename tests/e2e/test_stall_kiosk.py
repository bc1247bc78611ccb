"""A market stall on its own link: the facilitator creates a stall and opens its kiosk, which
logs them out of the tablet; two passers-by answer; the facilitator logs in again, sees the
count and revokes the link, which then says it no longer works. On a desktop and on a phone.

The journey runs on a consultation of its own, so that other journeys' counts stay as seeded."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
FACILITATOR = "animation@example.org"
QUESTION = "Êtes-vous déjà passé·e au marché ?"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def tablet(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[request.param])
    yield request.param, context.new_page()
    context.close()


def fits(page: Any) -> None:
    page.wait_for_load_state("load")  # its stylesheet applied, on a busy machine too
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert serious_violations(page) == [], page.url


def new_consultation(page: Any, base: str, title: str) -> None:
    page.goto(f"{base}/c/{SLUG}/consultations/new")
    page.get_by_label("Titre").fill(title)
    page.get_by_label("En ligne et sur un stand").check()
    page.get_by_role("button", name="Créer").click()
    page.get_by_label("Type de question").select_option(label="Choix unique")
    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_label("Réponses proposées").fill("Oui\nNon")
    page.get_by_label("Réponse obligatoire").check()
    page.get_by_role("button", name="Ajouter la question").click()
    page.get_by_role("button", name="Ouvrir la consultation").click()


def answer(page: Any, choice: str) -> None:
    page.get_by_role("group", name=QUESTION).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()


def test_a_stall_runs_on_its_own_link(live_server: str, tablet: tuple[str, Any]) -> None:
    name, page = tablet
    title = f"Au marché, sur un lien ({name})"
    log_in(page, live_server, FACILITATOR)
    new_consultation(page, live_server, title)
    page.get_by_role("link", name="Mode stand et saisie des questionnaires papier").click()
    page.get_by_label("Lieu du stand").fill(f"Marché de Dié ({name})")
    page.get_by_label("Date").fill("2025-08-16")
    page.get_by_role("button", name="Commencer").click()
    assert "/stall/" in page.locator("code.stall-link").inner_text()
    fits(page)
    stalls_page = page.url.split("#")[0]

    page.get_by_role("button", name="Ouvrir le kiosque").click()
    kiosk = page.url
    assert "/stall/" in kiosk
    assert page.locator("a").count() == 0  # no way to any other page of the site
    assert page.get_by_role("heading", level=1).inner_text() == title
    fits(page)
    for n, choice in enumerate(["Oui", "Non"], start=1):  # two passers-by
        answer(page, choice)
        assert f"Réponse n° {n} enregistrée" in page.get_by_role("status").inner_text()
        assert not page.get_by_role("group", name=QUESTION).get_by_label("Oui").is_checked()
    assert "2 réponses sur ce stand" in page.locator(".running-count").inner_text()
    fits(page)

    page.goto(stalls_page)  # leaving the kiosk: the facilitator must log in again
    assert "/login" in page.url
    log_in(page, live_server, FACILITATOR)
    page.goto(stalls_page)
    row = page.get_by_role("row", name=f"Marché de Dié ({name})")
    assert row.get_by_role("cell").nth(3).inner_text() == "2"  # answers at the stall
    row.get_by_role("button", name="Révoquer").click()
    assert "révoqué" in page.get_by_role("status").inner_text()
    fits(page)

    response = page.goto(kiosk)
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Ce lien ne fonctionne plus"
    assert page.locator("a").count() == 0
    fits(page)
