"""A member chooses the messages they get and creates their calendar's address, in the
browser, on a desktop and on a 390 px phone, with the axe check on each page; the one-click
unsubscribe page, opened from a mail's link, works without JavaScript and without login."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from coalition import create_app
from coalition.auth.models import User
from coalition.db import Database
from coalition.notices.models import NoticeKind
from coalition.notices.service import unsubscribe_token
from tests.e2e.conftest import serious_violations
from tests.e2e.test_members import log_in

MEMBER = "membre@example.org"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FEED_URL = re.compile(r"^https?://\S+/calendar/[A-Za-z0-9_-]+\.ics$")


def check(page: Any) -> None:
    """No serious accessibility violation; on a phone, nothing wider than the screen."""
    assert serious_violations(page) == [], page.url
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        contexts.append(browser.new_context(locale="fr-FR", **options))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_member_turns_reminders_off_and_creates_the_calendar_address(
    live_server: str, open_page: Any, viewport: dict[str, int]
) -> None:
    page = open_page(viewport=viewport)
    log_in(page, live_server, MEMBER)
    page.goto(live_server + "/account")
    check(page)
    page.get_by_role("link", name="Messages reçus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages reçus")
    check(page)

    reminders = page.get_by_role("group", name="Rappels avant une rencontre")
    reminders.get_by_label("Non").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("status")).to_contain_text("Vos choix sont enregistrés.")
    expect(reminders.get_by_label("Non")).to_be_checked()
    expect(
        page.get_by_role("group", name="Comptes rendus après une rencontre").get_by_label("Oui")
    ).to_be_checked()
    page.reload()
    expect(reminders.get_by_label("Non")).to_be_checked()
    check(page)

    page.get_by_role("button", name="Créer l'adresse de mon agenda").click()
    address = page.locator("code.feed-link")
    expect(address).to_have_count(1)
    assert FEED_URL.match(address.inner_text()), address.inner_text()
    expect(page.get_by_role("button", name="Révoquer l'adresse")).to_be_visible()
    check(page)
    page.reload()
    expect(page.locator("code.feed-link")).to_have_count(0)  # shown once

    # leave the demo account as it was, for the other viewport and the other journeys
    page.get_by_role("button", name="Révoquer l'adresse").click()
    expect(page.get_by_role("button", name="Créer l'adresse de mon agenda")).to_be_visible()
    reminders.get_by_label("Oui").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(reminders.get_by_label("Oui")).to_be_checked()


@pytest.fixture
def mail_link(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The unsubscribe link a commitment notice to the member carries, signed as the live
    server signs it (an app on its database, with the same test secret key)."""
    (path,) = Path(tmp_path_factory.getbasetemp()).glob("e2e[0-9]*/e2e.db")
    url = f"sqlite:///{path}"
    database = Database(url)
    app = create_app({"DATABASE": database, "DATABASE_URL": url})
    with app.app_context(), database.new_session(write=False) as db:
        member = db.scalars(select(User).where(User.email == MEMBER)).one()
        token = unsubscribe_token(member.id, NoticeKind.commitment)
    database.engine.dispose()
    yield f"{live_server}/notices/unsubscribe/{token}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_unsubscribe_link_of_a_mail_works_without_javascript_or_login(
    live_server: str, mail_link: str, open_page: Any, viewport: dict[str, int]
) -> None:
    # axe runs in the page: it is checked in a browser with JavaScript, on the same pages
    checked = open_page(viewport=viewport)
    checked.goto(mail_link)
    expect(checked.get_by_role("button", name="Me désabonner")).to_be_visible()
    check(checked)

    page = open_page(viewport=viewport, java_script_enabled=False)
    page.goto(mail_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Se désabonner")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_role("status")).to_contain_text("vous ne recevrez plus ces messages")
    expect(page.get_by_role("link", name="Messages reçus")).to_be_visible()
    page.goto(mail_link)  # followed again: already done, nothing else changed
    expect(page.get_by_role("status")).to_contain_text("vous ne recevrez plus ces messages")
    expect(page.get_by_role("button", name="Me désabonner")).to_have_count(0)

    checked.goto(mail_link)
    expect(checked.get_by_role("status")).to_contain_text("vous ne recevrez plus ces messages")
    check(checked)

    # turn it on again, for the other viewport
    browser_page = open_page(viewport=DESKTOP)
    log_in(browser_page, live_server, MEMBER)
    browser_page.goto(live_server + "/account/notices")
    group = browser_page.get_by_role("group", name=re.compile("Échéances et actions"))
    expect(group.get_by_label("Non")).to_be_checked()
    group.get_by_label("Oui").check()
    browser_page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(group.get_by_label("Oui")).to_be_checked()
