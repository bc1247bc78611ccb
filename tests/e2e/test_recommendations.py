"""A recommendation followed to the actions that answer it: the facilitator records one drawn
from a common issue of the workshop, answers it "retenue en partie" with two actions of the
roadmap, and the public page shows the reviews of both, meeting by meeting. On a desktop and on
a 390 px phone, with the axe check on every page of the journey."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
FACILITATOR = "animation@example.org"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# the two actions and their progress as seeded at meetings n°3 and n°4 (other journeys on the
# same server may review them at other meetings)
ACTIONS = (
    ("Organiser des retours d'expérience sur les projets d'IA publics", ("10 %", "25 %")),
    ("Tester un label d'IA responsable sur un marché public", ("5 %", "15 %")),
)


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[request.param])
    yield request.param, context
    context.close()


def fits(page: Any) -> None:
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert serious_violations(page) == [], page.url


def test_a_recommendation_answered_in_part_shows_the_reviews_of_its_actions(
    live_server: str, screen: tuple[str, Any]
) -> None:
    name, context = screen
    title = f"Publier le bilan de chaque algorithme public ({name})"
    page = context.new_page()
    log_in(page, live_server, FACILITATOR)
    page.goto(f"{live_server}/c/{SLUG}/recommendations")
    fits(page)
    page.get_by_role("link", name="Nouvelle recommandation").click()
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Texte de la recommandation").fill("Un bilan **public**, chaque année.")
    page.get_by_label("D'où vient-elle ?").select_option(label="Convention citoyenne")
    page.get_by_label("Atelier d'origine (facultatif)").select_option(index=1)
    page.get_by_role("group", name="Objectifs généraux auxquels elle répond").get_by_label(
        "Transparence"
    ).check()
    issues = page.get_by_role("group", name="Enjeux communs auxquels elle répond")
    issues.get_by_label("Coût et gains").check()
    fits(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("n'a pas encore reçu de réponse")).to_be_visible()
    recommendation = page.url

    page.get_by_role("link", name="Répondre").click()
    page.get_by_role("group", name="Réponse").get_by_label("Retenue en partie").check()
    page.get_by_label("Raison de la réponse").fill(
        "Le bilan est retenu par des retours d'expérience et un label ; pas chaque année."
    )
    actions = page.get_by_role("group", name="Actions de la feuille de route")
    for action, _ in ACTIONS:
        actions.get_by_label(action).check()
    fits(page)
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator(".flashes")).to_contain_text("Réponse enregistrée")

    public = context.browser.new_context(locale="fr-FR", viewport=VIEWPORTS[name])
    try:
        visitor = public.new_page()
        visitor.goto(recommendation)
        expect(visitor.locator(".badge").first).to_have_text("Retenue en partie")
        expect(visitor.get_by_text("pas chaque année")).to_be_visible()
        for action, (third, fourth) in ACTIONS:
            section = visitor.get_by_role("region", name=action)
            expect(section.get_by_role("link", name=action)).to_be_visible()
            table = section.get_by_role("table")
            expect(table.get_by_role("row", name="Rencontre n°3")).to_contain_text(third)
            expect(table.get_by_role("row", name="Rencontre n°4")).to_contain_text(fourth)
        fits(visitor)
        visitor.goto(f"{live_server}/c/{SLUG}/recommendations?status=partly_retained")
        expect(visitor.get_by_role("link", name=title)).to_be_visible()
        fits(visitor)
    finally:
        public.close()
