"""The facilitator runs the October meeting in the browser."""

from typing import Any

import icalendar

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
ACTIONS = [
    "Partager des ressources de médiation sur les données",
    "Mutualiser des développements entre collectivités",
    "Organiser des retours d'expérience sur les projets d'IA publics",
]


def test_facilitator_runs_the_october_meeting(live_server: str, page: Any) -> None:
    log_in(page, live_server, "animation@example.org")
    page.goto(f"{live_server}/c/{SLUG}/meetings")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Rencontre n°2 de la coalition").click()
    assert serious_violations(page) == []

    agenda = page.get_by_role("form", name="Ajouter un point")
    for title in ACTIONS:
        agenda.get_by_label("Action liée").select_option(label=title)
        agenda.get_by_label("Durée (minutes)").fill("20")
        agenda.get_by_role("button", name="Ajouter à l'ordre du jour").click()
        agenda = page.get_by_role("form", name="Ajouter un point")
    assert "Durée totale : 60 min" in page.locator("#agenda ~ p.meta").first.inner_text()

    attendance = page.get_by_role("group", name="Présence de Fondation Blaise Pascal")
    attendance.get_by_label("Présent").check()
    page.get_by_role("group", name="Présence de CNIL").get_by_label("Excusé").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert "Présences enregistrées" in page.get_by_role("status").inner_text()

    for title in ACTIONS:
        page.locator("ol.agenda li", has_text=title).get_by_role(
            "link", name="faire la revue"
        ).click()
        assert serious_violations(page) == []
        page.get_by_label("État de l'action").select_option(label="Engagée")
        page.get_by_label("Avancement (%)").fill("25")
        page.get_by_label("Prochaines étapes").fill("Réunir les volontaires")
        page.get_by_role("button", name="Enregistrer la revue").click()
        assert "Revue enregistrée" in page.get_by_role("status").inner_text()

    minutes = page.get_by_role("form", name="Rédiger le compte rendu")
    minutes.get_by_label("Compte rendu", exact=True).fill("**Trois actions** lancées.")
    minutes.get_by_label("Publier le compte rendu").check()
    minutes.get_by_role("button", name="Enregistrer le compte rendu").click()
    decision = page.get_by_role("form", name="Ajouter une décision")
    decision.get_by_label("Décision").fill("Lancer le partage des ressources de médiation")
    decision.get_by_label("Action liée").select_option(label=ACTIONS[0])
    decision.get_by_role("button", name="Enregistrer la décision").click()
    assert page.locator("#minutes ~ div.prose strong").first.inner_text() == "Trois actions"
    assert serious_violations(page) == []

    page.get_by_role("link", name=ACTIONS[0]).first.click()
    assert "Lancer le partage" in page.content()
    assert (
        "25" in page.get_by_role("table", name="Revues").inner_text()
        if page.get_by_role("table", name="Revues").count()
        else "25 %" in page.content()
    )
    assert serious_violations(page) == []

    page.goto(f"{live_server}/c/{SLUG}/roadmap/timeline")
    assert page.get_by_role("table").first.inner_text().count("25") >= 3
    assert serious_violations(page) == []


def test_the_calendar_feed_holds_the_four_meetings_of_2021(live_server: str, page: Any) -> None:
    response = page.request.get(f"{live_server}/c/{SLUG}/meetings.ics")
    calendar = icalendar.Calendar.from_ical(response.body())
    starts = sorted(e.decoded("DTSTART").date().isoformat() for e in calendar.walk("VEVENT"))
    assert starts[:4] == ["2021-09-21", "2021-10-12", "2021-11-09", "2021-12-14"]


def test_roadmap_pages_are_accessible(live_server: str, page: Any) -> None:
    for path in ("roadmap", "roadmap?view=axis", "roadmap/timeline", "objectives", "actions/1"):
        page.goto(f"{live_server}/c/{SLUG}/{path}")
        assert serious_violations(page) == [], path
    log_in(page, live_server, "membre@example.org")
    page.goto(f"{live_server}/c/{SLUG}/attendance")
    assert serious_violations(page) == []
