"""The three journeys on a phone (390 px): the public reads and answers, a member keeps their
organisation up to date, the facilitator runs a meeting and publishes its diagnostic. After
every step the page fits the screen and has no serious accessibility violation."""

from typing import Any

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in
from tests.e2e.test_phone_fit import PHONE, STICKING_OUT
from tests.e2e.test_stall_kiosk import answer, new_consultation

SLUG = "ia-responsable"
ACTION = "Mutualiser des développements entre collectivités"
CONSULTATION = "Sur un téléphone, votre avis"


def check(page: Any, step: str) -> None:
    page.wait_for_load_state("networkidle")
    width = PHONE["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{step}: {scroll}px wide, {page.evaluate(STICKING_OUT, width)}"
    assert serious_violations(page) == [], step


def open_menu_link(page: Any, name: str) -> None:
    page.locator(".coalition-nav").get_by_role("link", name=name, exact=True).click()


def phone_page(browser: Any) -> Any:
    return browser.new_context(locale="fr-FR", viewport=PHONE).new_page()


def test_the_public_reads_and_answers_on_a_phone(live_server: str, browser: Any) -> None:
    # a consultation of its own: another journey closes the seeded one
    facilitator = browser.new_context(locale="fr-FR").new_page()
    log_in(facilitator, live_server, "animation@example.org")
    new_consultation(facilitator, live_server, CONSULTATION)
    facilitator.context.close()
    page = phone_page(browser)
    page.goto(live_server + "/")
    check(page, "index")
    page.get_by_role("link", name="Coalition systèmes d'IA et algorithmes responsables").click()
    check(page, "home")
    open_menu_link(page, "Acteurs")
    check(page, "directory")
    page.get_by_role("link", name="Epitech").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Epitech"
    check(page, "actor")
    open_menu_link(page, "Feuille de route")
    check(page, "roadmap")
    page.get_by_role("link", name=ACTION).first.click()
    check(page, "action")
    open_menu_link(page, "Rencontres")
    check(page, "meetings")
    page.get_by_role("link", name="Rencontre n°2 de la coalition").click()
    check(page, "meeting")
    open_menu_link(page, "Consultations")
    check(page, "consultations")
    page.get_by_role("link", name=CONSULTATION, exact=True).click()
    check(page, "consultation form")
    answer(page, "Oui")
    assert "Merci" in page.get_by_role("heading", level=1).inner_text()
    check(page, "thanks")
    page.context.close()


def test_a_member_keeps_their_organisation_up_to_date_on_a_phone(
    live_server: str, browser: Any
) -> None:
    page = phone_page(browser)
    log_in(page, live_server, "membre@example.org")
    check(page, "after login")
    page.goto(f"{live_server}/c/{SLUG}/")
    open_menu_link(page, "Mon organisation")
    check(page, "my organisation")
    lever = page.get_by_role("article", name="Médiation citoyenne et inclusion numérique")
    lever.get_by_label("3 – forte").check()
    lever.get_by_label("Note").fill("Des modules de formation pour les agents")
    lever.get_by_role("button", name="Enregistrer").click()
    assert "Levier mis à jour" in page.get_by_role("status").inner_text()
    check(page, "lever saved")

    commit = page.get_by_role("form", name="S'engager sur une action")
    commit.get_by_label("Action").select_option(label=ACTION)
    commit.get_by_label("Rôle").select_option(label="Contributeur")
    commit.get_by_label("Ce que l'organisation apporte").fill("Un développeur deux jours par mois")
    commit.get_by_role("button", name="S'engager").click()
    assert "Engagement enregistré" in page.get_by_role("status").inner_text()
    check(page, "commitment saved")

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server}/c/{SLUG}/roadmap")
    page.get_by_role("link", name=ACTION).first.click()
    assert "Un développeur deux jours par mois" in page.locator("main").inner_text()
    check(page, "the public reads the commitment")
    page.context.close()


def test_the_facilitator_runs_a_meeting_on_a_phone(live_server: str, browser: Any) -> None:
    page = phone_page(browser)
    log_in(page, live_server, "animation@example.org")
    check(page, "after login")
    page.goto(f"{live_server}/c/{SLUG}/meetings")
    page.get_by_role("link", name="Rencontre n°4 de la coalition").click()
    check(page, "meeting")

    agenda = page.get_by_role("form", name="Ajouter un point")
    agenda.get_by_label("Action liée").select_option(label=ACTION)
    agenda.get_by_label("Durée (minutes)").fill("30")
    agenda.get_by_role("button", name="Ajouter à l'ordre du jour").click()
    check(page, "agenda item added")

    attendance = page.get_by_role("group", name="Présence de Fondation Blaise Pascal")
    attendance.get_by_label("Présent").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert "Présences enregistrées" in page.get_by_role("status").inner_text()
    check(page, "attendance saved")

    page.locator("ol.agenda li", has_text=ACTION).get_by_role("link", name="faire la revue").click()
    check(page, "review form")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Prochaines étapes").fill("Choisir un premier composant commun")
    page.get_by_role("button", name="Enregistrer la revue").click()
    assert "Revue enregistrée" in page.get_by_role("status").inner_text()
    check(page, "review saved")

    page.get_by_role("link", name="Préparer la rencontre").click()
    check(page, "prepare")
    could = page.locator("#column-could").locator("xpath=..")
    could.get_by_label("Ajouter à « Ce qui pourrait être fait »").fill(
        "Un dépôt de code commun aux collectivités"
    )
    could.get_by_role("button", name="Enregistrer la colonne").click()
    assert "Colonne enregistrée" in page.get_by_role("status").inner_text()
    check(page, "column saved")
    page.get_by_role("link", name="Publier le diagnostic…").click()
    check(page, "confirm publication")
    page.get_by_role("button", name="Publier le diagnostic").click()
    assert "Diagnostic publié" in page.get_by_role("status").inner_text()
    check(page, "published diagnostic")
    assert "Un dépôt de code commun aux collectivités" in page.locator("main").inner_text()
    page.context.close()
