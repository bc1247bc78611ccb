"""The facilitator logs in, lands on the to-do page and follows a resource a member proposed to
where it is moderated: on a desktop, and on a 390 px phone with no sideways scroll; axe on every
step. (A resource rather than an action: the demo's five proposed actions fill that list.)"""

from typing import Any

import pytest

from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in
from tests.e2e.test_phone_fit import PHONE
from tests.e2e.test_phone_journey import check

SLUG = "ia-responsable"


def propose(browser: Any, live_server: str, title: str, address: str) -> None:
    member = browser.new_context(locale="fr-FR").new_page()
    log_in(member, live_server, "membre@example.org")
    member.wait_for_url(live_server + "/")
    member.goto(f"{live_server}/c/{SLUG}/resources/new")
    member.get_by_label("Titre").fill(title)
    member.get_by_label("Adresse web").fill(address)
    member.get_by_label("Nature").select_option(label="Guide")
    member.get_by_role("button", name="Proposer").click()
    assert "après relecture" in member.get_by_role("status").inner_text()
    member.context.close()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_facilitator_lands_on_the_todo_page_and_moderates_a_resource(
    live_server: str, browser: Any, viewport: dict[str, int] | None
) -> None:
    where = "phone" if viewport else "desktop"
    title = f"Un guide à relire ({where})"
    propose(browser, live_server, title, f"https://example.org/guide-a-relire-{where}")
    options: dict[str, Any] = {"locale": "fr-FR"}
    if viewport:
        options["viewport"] = viewport

    def step(name: str) -> None:
        if viewport:
            check(page, name)
        else:
            page.wait_for_load_state("networkidle")
            assert serious_violations(page) == [], name

    page = browser.new_context(**options).new_page()
    log_in(page, live_server, "animation@example.org")
    page.wait_for_url(f"{live_server}/c/{SLUG}/todo")
    assert page.get_by_role("heading", level=1).inner_text() == "À faire"
    menu = page.locator(".coalition-nav").get_by_role("link", name="À faire (")
    assert menu.get_attribute("aria-current") == "page"
    step("todo page")

    waiting = page.get_by_role("region", name="Ressources à relire")
    waiting.get_by_role("link", name=title).click()
    assert page.url.endswith("#moderate")
    assert page.get_by_role("heading", level=1).inner_text() == title
    step("the resource to moderate")
    page.get_by_label("Publier").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Ressource publiée" in page.get_by_role("status").inner_text()
    step("published")

    page.locator(".coalition-nav").get_by_role("link", name="À faire (").click()
    page.wait_for_url(f"{live_server}/c/{SLUG}/todo")
    assert title not in page.locator("main").inner_text()
    step("todo page again")
    page.context.close()
