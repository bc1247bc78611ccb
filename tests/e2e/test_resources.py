"""A member proposes a charter, the facilitator publishes it, the public finds it."""

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_submit_publish_search_and_open_data(live_server: str, browser: Any) -> None:
    member = browser.new_context().new_page()
    log_in(member, live_server, "membre@example.org")
    member.goto(f"{live_server}/c/{SLUG}/resources/new")
    assert serious_violations(member) == []
    member.get_by_label("Titre").fill("Charte de l'IA publique responsable")
    member.get_by_label("Adresse web").fill("https://example.org/charte-ia")
    member.get_by_label("Nature").select_option(label="Charte")
    member.get_by_label("Résumé").fill("Des **principes** pour les acteurs publics.")
    member.get_by_label("Médiation citoyenne et inclusion numérique").check()
    member.get_by_label("Mots-clés").fill("charte, éthique")
    member.get_by_role("button", name="Proposer").click()
    assert "après relecture" in member.get_by_role("status").inner_text()

    facilitator = browser.new_context().new_page()
    log_in(facilitator, live_server, "animation@example.org")
    facilitator.goto(f"{live_server}/c/{SLUG}/resources/pending")
    facilitator.get_by_role("link", name="Charte de l'IA publique responsable").click()
    facilitator.get_by_label("Publier").check()
    facilitator.get_by_role("button", name="Enregistrer la décision").click()
    assert "Ressource publiée" in facilitator.get_by_role("status").inner_text()

    public = browser.new_context().new_page()
    public.goto(f"{live_server}/c/{SLUG}/resources")
    charter = public.get_by_role("link", name="Charte de l'IA publique responsable")
    public.get_by_label("Chercher", exact=True).fill("chartes")  # French stems
    public.get_by_role("button", name="Chercher").click()
    expect(charter).to_be_visible()
    public.get_by_label("Chercher", exact=True).fill("« publique de l'IA »")
    public.get_by_role("button", name="Chercher").click()
    assert "Aucune ressource ne correspond" in public.locator("main").inner_text()
    public.get_by_label("Chercher", exact=True).fill("« IA publique »")
    public.get_by_role("button", name="Chercher").click()
    expect(charter).to_be_visible()
    public.get_by_label("Chercher", exact=True).fill("charte")
    public.get_by_role("button", name="Chercher").click()
    expect(public.get_by_role("link", name="Charte de l'IA publique responsable")).to_be_visible()
    assert serious_violations(public) == []
    public.get_by_role("link", name="Médiation citoyenne et inclusion numérique").first.click()
    assert "lever=" in public.url
    public.get_by_role("link", name="Charte de l'IA publique responsable").click()
    assert public.locator("main strong").first.inner_text() == "principes"
    assert serious_violations(public) == []

    feed = ET.fromstring(public.request.get(f"{live_server}/c/{SLUG}/resources.atom").body())
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Charte de l'IA publique responsable" in titles

    public.goto(f"{live_server}/c/{SLUG}/data")
    assert serious_violations(public) == []
    body = public.request.get(f"{live_server}/c/{SLUG}/data/actors.csv").body().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["id", "name"] and any(row[1] == "Epitech" for row in rows[1:])
