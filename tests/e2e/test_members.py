"""A member keeps their organisation's levers and commitments, in the browser."""

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

SLUG = "ia-responsable"


def log_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("coalition-demo-2021")
    page.get_by_role("button", name="Se connecter").click()


def test_member_changes_a_lever_and_commits_to_an_action(live_server: str, page: Any) -> None:
    log_in(page, live_server, "membre@example.org")
    page.goto(f"{live_server}/c/{SLUG}/")
    page.get_by_role("link", name="Mon organisation").click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Leviers et engagements de Fondation Blaise Pascal")
    )
    assert serious_violations(page) == []

    lever = page.get_by_role("article", name="Médiation citoyenne et inclusion numérique")
    lever.get_by_label("1 – faible").check()
    lever.get_by_label("Note").fill("Ateliers de médiation dans trois villes")
    lever.get_by_role("button", name="Enregistrer").click()
    assert "Levier mis à jour" in page.get_by_role("status").inner_text()

    commit = page.get_by_role("form", name="S'engager sur une action")
    commit.get_by_label("Action").select_option(
        label="Partager des ressources de médiation sur les données"
    )
    commit.get_by_label("Rôle").select_option(label="Contributeur")
    commit.get_by_label("Ce que l'organisation apporte").fill("Nos guides de médiation")
    commit.get_by_role("button", name="S'engager").click()
    assert "Engagement enregistré" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Fondation Blaise Pascal").first.click()
    levers = page.get_by_role("table", name="Leviers détenus par Fondation Blaise Pascal")
    assert "1 – faible" in levers.inner_text()
    commitments = page.get_by_role("table", name="Engagements de Fondation Blaise Pascal")
    assert "Nos guides de médiation" in commitments.inner_text()
    history = page.locator("#history + ol")
    assert "Levier modifié" in history.inner_text() and "Engagement pris" in history.inner_text()
    assert serious_violations(page) == []

    page.goto(f"{live_server}/c/{SLUG}/levers")
    matrix = page.get_by_role("table", name="Acteurs détenant chaque levier")
    assert "Fondation Blaise Pascal (1)" in matrix.inner_text()


def test_a_stale_form_is_refused_in_the_browser(live_server: str, browser: Any) -> None:
    first, second = browser.new_context(), browser.new_context()
    alice, bob = first.new_page(), second.new_page()
    log_in(alice, live_server, "animation@example.org")
    log_in(bob, live_server, "admin@example.org")
    url = f"{live_server}/c/{SLUG}/actors"
    alice.goto(url)
    alice.get_by_role("link", name="Epitech").click()
    manage = alice.url + "/manage"
    alice.goto(manage)
    bob.goto(manage)
    bob_lever = bob.get_by_role("article", name="Commandes pédagogiques")
    bob_lever.get_by_label("3 – forte").check()
    bob_lever.get_by_role("button", name="Enregistrer").click()
    alice_lever = alice.get_by_role("article", name="Commandes pédagogiques")
    alice_lever.get_by_label("1 – faible").check()
    alice_lever.get_by_role("button", name="Enregistrer").click()
    alert = alice.get_by_role("alert").first
    assert "modifiée par quelqu'un d'autre" in alert.inner_text()
    assert "Admin démo" in alert.inner_text()
    assert serious_violations(alice) == []
    first.close()
    second.close()


def test_graph_pages_have_no_serious_accessibility_violation(live_server: str, page: Any) -> None:
    for path in ("levers", "graph", "actors", "actors?family=use&sort=commitments"):
        page.goto(f"{live_server}/c/{SLUG}/{path}")
        assert serious_violations(page) == [], path


def test_charts_render_and_tables_stay_without_javascript(live_server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{live_server}/c/{SLUG}/levers")
    page.wait_for_selector("#coverage-chart .main-svg")
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/c/{SLUG}/graph")
    assert page.locator("#network-chart .main-svg").count() == 0
    expect(page.get_by_role("table").first).to_be_visible()
    context.close()
