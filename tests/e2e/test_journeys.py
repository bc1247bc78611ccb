"""A visitor's first journey, and an accessibility check of every page built so far."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

SLUG = "ia-responsable"


def test_home_language_login_logout(live_server: str, page: Any) -> None:
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name="Coalition systèmes d'IA et algorithmes responsables").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Coalition systèmes")
    assert page.get_by_role("cell", name="13").count() >= 1  # actors per family table

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Actors by family")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill("animation@example.org")
    page.get_by_label("Mot de passe").fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text().count("Adresse e-mail ou mot de passe incorrect")
    page.get_by_label("Mot de passe").fill("coalition-demo-2021")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Animatrice démo")).to_be_visible()
    assert page.get_by_role("status").inner_text().startswith("Vous êtes connecté")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    assert page.get_by_text("Animatrice démo").count() == 0


def test_keyboard_users_can_skip_to_the_content(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/c/{SLUG}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


PAGES = [
    "/",
    f"/c/{SLUG}/",
    f"/c/{SLUG}/actors",
    f"/c/{SLUG}/levers",
    f"/c/{SLUG}/graph",
    f"/c/{SLUG}/actors/1",
    "/login",
    "/page-qui-n-existe-pas",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_have_no_serious_accessibility_violation(
    live_server: str, page: Any, path: str, lang: str
) -> None:
    if lang == "en":
        page.goto(live_server + "/")
        page.get_by_role("button", name="English").click()
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_signed_in_pages_have_no_serious_accessibility_violation(
    live_server: str, page: Any
) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Adresse e-mail").fill("membre@example.org")
    page.get_by_label("Mot de passe").fill("coalition-demo-2021")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server + "/account/password")
    page.get_by_role("button", name="Changer le mot de passe").click()  # errors shown
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server}/c/{SLUG}/")
    assert serious_violations(page) == []


def test_no_request_leaves_the_server(live_server: str, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in PAGES:
        page.goto(live_server + path)
    assert requested
    assert [url for url in requested if not url.startswith(live_server)] == []
