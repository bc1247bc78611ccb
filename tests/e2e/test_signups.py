"""Sign-ups for workshops, as people live them, on a 390 px phone and on a tablet: a passer-by
answers at a stall's kiosk and signs up from its "Merci"; another answers online and signs up
from the thanks page; the facilitator finds both on the list and exports it. axe on every page,
and no page wider than the screen.

The journey runs on a consultation of its own, so that other journeys' counts stay as seeded."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_members import log_in
from tests.e2e.test_stall_kiosk import FACILITATOR, SLUG, answer, fits, new_consultation

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 820, "height": 1180}}


@pytest.fixture(params=list(VIEWPORTS))
def device(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[request.param])
    yield request.param, context.new_page()
    context.close()


def sign_up(page: Any, first_name: str, *, email: str = "", phone: str = "") -> None:
    page.get_by_label("Prénom", exact=True).fill(first_name)
    if email:
        page.get_by_label("Adresse e-mail").fill(email)
    if phone:
        page.get_by_label("Téléphone").fill(phone)
    page.get_by_label("J'accepte que").check()
    page.get_by_role("button", name="M'inscrire").click()


def test_passers_by_sign_up_at_a_stall_and_online(
    live_server: str, device: tuple[str, Any], browser: Any
) -> None:
    name, page = device
    title = f"Et les ateliers ? ({name})"
    at_stall, online = f"Camille {name}", f"Dominique {name}"
    log_in(page, live_server, FACILITATOR)
    new_consultation(page, live_server, title)
    consultation_url = page.url.split("/edit")[0]
    page.get_by_role("link", name="Mode stand et saisie des questionnaires papier").click()
    page.get_by_label("Lieu du stand").fill(f"Marché de Crest ({name})")
    page.get_by_label("Date").fill("2026-03-14")
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("button", name="Ouvrir le kiosque").click()
    kiosk = page.url

    # at the stall: an answer, its "Merci", then the sign-up on the same tablet
    answer(page, "Oui")
    expect(page.get_by_role("status")).to_contain_text("Réponse n° 1 enregistrée")
    invitation = page.get_by_role("link", name="Être prévenu·e des prochains ateliers")
    expect(invitation).to_be_visible()
    fits(page)
    invitation.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Être prévenu·e des prochains ateliers"
    )
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [kiosk.removeprefix(live_server)]  # back to the questionnaire, nowhere else
    fits(page)
    page.get_by_role("button", name="M'inscrire").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Indiquez votre prénom.")
    expect(page.get_by_role("alert")).to_contain_text("Cochez la phrase d'accord")
    fits(page)
    sign_up(page, at_stall, phone="06 12 34 56 78")
    assert page.url == kiosk
    expect(page.get_by_role("status")).to_contain_text("C'est noté")
    expect(page.get_by_role("link", name="Être prévenu·e des prochains ateliers")).to_have_count(0)
    fits(page)
    page.goto(kiosk + "/signup")  # the next passer-by finds an empty form
    expect(page.get_by_label("Prénom", exact=True)).to_have_value("")
    expect(page.get_by_label("Téléphone")).to_have_value("")

    # online, on someone's own phone or computer
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[name])
    person = context.new_page()
    person.goto(consultation_url)
    answer(person, "Non")
    expect(person.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses !")
    fits(person)
    person.get_by_role("link", name="Être prévenu·e des prochains ateliers").click()
    expect(person.get_by_label("J'accepte que")).to_be_visible()
    fits(person)
    sign_up(person, online, email=f"dominique.{name}@example.org")
    expect(person.get_by_role("heading", level=1)).to_have_text("C'est noté, merci !")
    expect(person.get_by_text("s'effacera d'elle-même le")).to_be_visible()
    fits(person)
    person.get_by_role("link", name="Ce que Coalition garde, et combien de temps").click()
    expect(
        person.get_by_role("row", name="Coalition systèmes d'IA et algorithmes responsables")
    ).to_contain_text("12 mois")
    fits(person)
    context.close()

    # the facilitator finds both and exports them
    log_in(page, live_server, FACILITATOR)
    page.goto(f"{live_server}/c/{SLUG}/framing")
    page.get_by_role("link", name="Les inscriptions aux ateliers").click()
    expect(page.get_by_role("row", name=at_stall)).to_contain_text("+33 6 12 34 56 78")
    expect(page.get_by_role("row", name=online)).to_contain_text(f"dominique.{name}@example.org")
    fits(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la liste (CSV)").click()
    path = download_info.value.path()
    with open(path, encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read()), delimiter=";"))
    exported = {row[0]: row for row in rows[1:]}
    assert exported[at_stall][2] == "'+33 6 12 34 56 78"
    assert exported[online][1] == f"dominique.{name}@example.org"
    page.get_by_role("link", name="Écrire aux personnes inscrites").click()
    expect(page.get_by_label("Objet")).to_be_visible()
    fits(page)
