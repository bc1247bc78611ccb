"""A facilitator frames the coalition in the browser: a lever added, moved, renamed, deleted;
a partner marked and unmarked. The demo coalition is left as it was found."""

from typing import Any

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"


def test_facilitator_frames_levers_and_partners(live_server: str, page: Any) -> None:
    log_in(page, live_server, "animation@example.org")
    page.goto(f"{live_server}/c/{SLUG}/")
    page.get_by_role("link", name="Cadrage").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cadrage de la coalition"
    assert serious_violations(page) == []

    add = page.get_by_role("form", name="Ajouter un levier")
    add.get_by_label("Nom").fill("Levier du navigateur")
    add.get_by_label("Description").fill("Ajouté pendant le test")
    add.get_by_role("button", name="Ajouter le levier").click()
    assert "Levier ajouté" in page.get_by_role("status").inner_text()
    levers = page.locator("section[aria-labelledby=levers] ol")
    assert levers.locator("li").last.inner_text().startswith("Levier du navigateur")

    page.get_by_role("button", name="Monter : Levier du navigateur").click()
    assert "Ordre des leviers enregistré" in page.get_by_role("status").inner_text()
    assert "Levier du navigateur" in levers.locator("li").nth(-2).inner_text()

    page.get_by_role("link", name="Modifier : Levier du navigateur").click()
    assert serious_violations(page) == []
    page.get_by_label("Nom").fill("Levier du navigateur, renommé")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Levier enregistré" in page.get_by_role("status").inner_text()

    again = page.get_by_role("form", name="Ajouter un levier")
    again.get_by_label("Nom").fill("levier du navigateur, RENOMMÉ")
    again.get_by_role("button", name="Ajouter le levier").click()
    assert "Un levier porte déjà ce nom" in page.get_by_role("alert").first.inner_text()
    assert serious_violations(page) == []

    page.goto(f"{live_server}/c/{SLUG}/framing")
    page.get_by_role("button", name="Supprimer : Levier du navigateur, renommé").click()
    assert "supprimé" in page.get_by_role("status").inner_text()
    assert "Levier du navigateur" not in levers.inner_text()

    partners = page.get_by_role("table", name="Acteurs de la coalition et partenaires")
    first = partners.locator("tbody tr").first
    name = first.locator("th").inner_text()
    was = first.locator("td").first.inner_text()
    first.get_by_role("button").click()
    assert "partenaire de la coalition" in page.get_by_role("status").inner_text()
    row = partners.locator("tbody tr").first
    assert row.locator("th").inner_text() == name and row.locator("td").first.inner_text() != was
    row.get_by_role("button").click()  # as it was
    assert partners.locator("tbody tr").first.locator("td").first.inner_text() == was
