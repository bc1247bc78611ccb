"""The animation kit in the browser: a facilitator creates a stall, opens the kit from the
prepare page, on a desktop and on a phone (no sideways scroll, no serious axe violation); the
stall's A4 poster, printed by Chromium, is one A4 page whose QR code a decoder reads as the
stall's short link, which leads to the form counting for that stall.

The journey runs on a consultation of its own, so that other journeys' counts stay as seeded."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.consultations.test_kit import A4, codes_in_pdf, pdf_pages, same_size
from tests.e2e.test_members import log_in
from tests.e2e.test_stall_kiosk import FACILITATOR, VIEWPORTS, fits, new_consultation


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[request.param])
    yield request.param, context.new_page()
    context.close()


def test_a_stalls_poster_prints_on_a4_with_its_short_link(
    live_server: str, screen: tuple[str, Any]
) -> None:
    name, page = screen
    title, place = f"Au marché, avec une affiche ({name})", f"Halle de Crest ({name})"
    log_in(page, live_server, FACILITATOR)
    new_consultation(page, live_server, title)
    page.get_by_role("link", name="Mode stand et saisie des questionnaires papier").click()
    page.get_by_label("Lieu du stand").fill(place)
    page.get_by_label("Date").fill("2025-08-23")
    page.get_by_role("button", name="Commencer").click()
    page.get_by_role("link", name=title).click()  # back to the prepare page

    page.get_by_role("link", name="Kit d'animation (affiches, flyers)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kit d'animation : {title}")
    stall = page.get_by_role("region", name=place)
    expect(stall).to_be_visible()
    shown = stall.locator("code").inner_text()
    link = shown if "://" in shown else "https://" + shown  # https:// is not written out
    assert "/s/" in link
    fits(page)

    stall.get_by_role("link", name=f"à imprimer (Affiche A4, {place})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Imprimer", exact=True)).to_be_visible()  # on screen only
    expect(page.get_by_text(f"ou tapez {shown}")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)  # a page of its own, no menu
    fits(page)
    printed = page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(printed)
    assert len(pages) == 1 and same_size(pages[0], A4), pages
    assert codes_in_pdf(printed) == [link]

    page.goto(live_server + urlsplit(link).path)  # what a passer-by's phone opens
    assert page.url.endswith(f"?stand={urlsplit(link).path.rsplit('/', 1)[1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
