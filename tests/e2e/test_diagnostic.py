"""The facilitator prepares the November meeting, publishes its diagnostic; the public reads it."""

from typing import Any

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"


def test_prepare_publish_and_read_the_november_diagnostic(live_server: str, page: Any) -> None:
    log_in(page, live_server, "animation@example.org")
    page.goto(f"{live_server}/c/{SLUG}/meetings")
    page.get_by_role("link", name="Rencontre n°3 de la coalition").click()
    page.get_by_role("link", name="Préparer la rencontre").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Préparer la rencontre n°3"
    assert serious_violations(page) == []

    suggestions = page.locator("ul.suggestions li")
    assert suggestions.count() >= 2
    for _ in range(2):
        page.locator("ul.suggestions li").first.get_by_role("button").click()
        assert "ajouté à l'ordre du jour" in page.get_by_role("status").inner_text()

    page.get_by_role("button", name="Partir du diagnostic précédent").click()
    hard = page.locator("#column-hard").locator("xpath=..")
    hard.locator("textarea").first.fill("Former les agents à la culture de la donnée, en priorité")
    hard.get_by_label("Ajouter à « Ce qui est difficile »").fill("Un nouvel obstacle")
    hard.get_by_role("button", name="Enregistrer la colonne").click()
    assert "Colonne enregistrée" in page.get_by_role("status").inner_text()
    hard = page.locator("#column-hard").locator("xpath=..")
    assert hard.locator("textarea").first.input_value().endswith("en priorité")
    could = page.locator("#column-could").locator("xpath=..")
    could.get_by_label("Ajouter à « Ce qui pourrait être fait »").fill(
        "Un atelier commun avec le CNFPT"
    )
    could.get_by_role("button", name="Enregistrer la colonne").click()
    page.get_by_role("link", name="Publier le diagnostic…").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Publier le diagnostic")
    assert "Un atelier commun avec le CNFPT" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Publier le diagnostic").click()
    assert "Diagnostic publié" in page.get_by_role("status").inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server}/c/{SLUG}/meetings")
    page.get_by_role("link", name="Rencontre n°3 de la coalition").click()
    page.get_by_role("link", name="Lire le diagnostic").click()
    text = page.locator("main").inner_text()
    assert "en priorité" in text and "Un atelier commun avec le CNFPT" in text
    assert "Un nouvel obstacle" in text
    assert serious_violations(page) == []

    markdown = page.request.get(f"{page.url}.md").text()
    assert "- Un atelier commun avec le CNFPT" in markdown
    page.get_by_role("link", name="Version imprimable").click()
    page.emulate_media(media="print")
    assert page.locator("nav").count() == 0
    assert "en priorité" in page.locator("main").inner_text()
    assert serious_violations(page) == []
