"""Hearing citizens: the facilitator runs a market stall on a tablet, the public answers online,
everyone reads the results and the CSV, the workshop page shows the five cases, and the next
meeting's diagnostic lists the consultation once it is closed."""

import csv
import io
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
MARKET = "Le Marché de l'IA : et vous, qu'en pensez-vous ?"
CONCERNED = "Vous sentez-vous concerné·e par l'intelligence artificielle ?"
FEELING = "Quand on vous parle d'IA, qu'est-ce que ça vous fait ?"
TRUST = "Quelle confiance accorderiez-vous à un service public qui utilise l'IA ?"
AGE = "Votre tranche d'âge"


def answer(page: Any, concerned: str, feelings: list[str], trust: str, age: str) -> None:
    page.get_by_role("group", name=CONCERNED).get_by_label(concerned, exact=True).check()
    for feeling in feelings:
        page.get_by_role("group", name=FEELING).get_by_label(feeling, exact=True).check()
    page.get_by_role("group", name=TRUST).get_by_label(trust).check()
    page.get_by_role("group", name=AGE).get_by_label(age, exact=True).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()


def test_stall_online_results_workshop_and_diagnostic(live_server: str, browser: Any) -> None:
    facilitator = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(facilitator, live_server, "animation@example.org")
    facilitator.goto(f"{live_server}/c/{SLUG}/consultations")
    facilitator.get_by_role("link", name=MARKET, exact=True).click()
    facilitator.get_by_role("link", name="Préparer et animer la consultation").click()
    facilitator.get_by_role("link", name="Mode stand et saisie des questionnaires papier").click()
    assert serious_violations(facilitator) == []
    facilitator.get_by_label("Lieu du stand").fill("Marché de Saint-Vivien-de-Médoc")
    facilitator.get_by_label("Date").fill("2025-08-16")
    facilitator.get_by_role("button", name="Commencer").click()
    facilitator.get_by_role("button", name="Ouvrir le kiosque").click()
    assert facilitator.locator("a").count() == 0  # the kiosk leads to no other page
    assert serious_violations(facilitator) == []
    people = [
        ("Un peu", ["Curiosité"], "4", "25-44 ans"),
        ("Pas du tout", ["Ça ne m'intéresse pas"], "2", "65 ans et plus"),
        ("Oui, beaucoup", ["Inquiétude", "Ça me fait peur"], "1", "45-64 ans"),
        ("Pas vraiment", ["Curiosité", "Inquiétude"], "3", "Moins de 25 ans"),
        ("Un peu", ["Enthousiasme"], "5", "25-44 ans"),
    ]
    for n, person in enumerate(people, start=1):
        answer(facilitator, *person)
        assert f"Réponse n° {n} enregistrée" in facilitator.get_by_role("status").inner_text()
        assert (
            not facilitator.get_by_role("group", name=CONCERNED).get_by_label("Un peu").is_checked()
        )
    assert "5 réponses sur ce stand" in facilitator.locator(".running-count").inner_text()

    public = browser.new_context().new_page()
    public.goto(f"{live_server}/c/{SLUG}/consultations")
    public.get_by_role("link", name=MARKET, exact=True).click()
    assert serious_violations(public) == []
    public.get_by_role(
        "button", name="Envoyer mes réponses"
    ).click()  # the required answer is missing
    assert (
        "Cette question demande une réponse."
        in public.get_by_role("group", name=CONCERNED).inner_text()
    )
    answer(public, "Oui, beaucoup", ["Curiosité"], "3", "45-64 ans")
    assert public.get_by_role("heading", level=1).inner_text() == "Merci pour vos réponses !"
    public.get_by_role("link", name="Voir les résultats").click()
    assert (
        "46 réponses" in public.locator(".lead").inner_text()
    )  # 40 seeded, 5 at the stall, 1 online
    public.wait_for_selector(".chart .main-svg")  # plotly drew the charts
    assert serious_violations(public) == []
    public.get_by_label("Croiser les réponses avec").select_option(label=AGE)
    public.get_by_role("button", name="Afficher").click()
    expect(public.get_by_role("heading", name=f"Réponses selon : {AGE}")).to_be_visible()
    assert serious_violations(public) == []
    body = public.request.get(public.url.split("/results")[0] + "/answers.csv").body()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 47 and rows[0][3:6] == ["stall", "territory", CONCERNED]
    assert all(len(row[1]) == 10 for row in rows[1:])  # the day only, never the time

    public.goto(f"{live_server}/c/{SLUG}/workshops")
    public.get_by_role("link", name="Convention citoyenne de Montpellier").first.click()
    main = public.locator("main").inner_text()
    for case in ("problèmes d'eau", "santé", "mobilité", "ChatGPT", "justice sociale"):
        assert case in main
    assert "Bénéfice" in main and "Crainte" in main
    assert serious_violations(public) == []

    log_in(facilitator, live_server, "animation@example.org")  # the kiosk logged them out
    facilitator.goto(f"{live_server}/c/{SLUG}/consultations")
    facilitator.get_by_role("link", name=MARKET, exact=True).click()
    facilitator.get_by_role("link", name="Préparer et animer la consultation").click()
    facilitator.get_by_role("button", name="Clore la consultation").click()
    assert "Consultation close" in facilitator.get_by_role("status").inner_text()
    facilitator.goto(f"{live_server}/c/{SLUG}/meetings/new")
    facilitator.get_by_label("Date de la rencontre").fill("2030-01-15")
    facilitator.get_by_label("Heure de début").fill("14:00")
    facilitator.get_by_label("Heure de fin").fill("16:00")
    facilitator.get_by_label("Titre").fill("Rencontre de janvier")
    facilitator.get_by_role("button", name="Programmer").click()
    facilitator.get_by_role("link", name="Rencontre de janvier").click()
    facilitator.get_by_role("link", name="Préparer la rencontre").click()
    section = facilitator.locator("section", has=facilitator.locator("#section-citizens"))
    assert MARKET in section.inner_text()
    assert serious_violations(facilitator) == []
