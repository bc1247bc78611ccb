"""The printable diagnostic fits an A4 sheet: nothing runs past the printable width, above all
not the last lever, which is the gap the diagnostic exists to show."""

import re
from typing import Any

import pytest

from tests.e2e.conftest import LARGE
from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
# A4 portrait (210 mm) less print.css's margins (2 x 15 mm), in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round(180 / 25.4 * 96)
PAST_THE_EDGE = """width => {
  const past = e => { const box = e.getBoundingClientRect();
    return box.right > width + 0.5 || box.left < -0.5; };
  return [...document.body.querySelectorAll('*')]
    .filter(e => e.getClientRects().length)
    .filter(e => (past(e) && ![...e.children].some(past))
      || (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
        && ![...e.children].some(c => c.scrollWidth > c.clientWidth + 1)))
    .slice(0, 6)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} `
      + `(${Math.round(e.getBoundingClientRect().right)}px, scroll ${e.scrollWidth}px): `
      + (e.textContent || '').trim().slice(0, 60));
}"""


def _published_diagnostic(page: Any, live_server: str, slug: str) -> str:
    """The URL of a published diagnostic of the coalition; the administrator publishes the
    first meeting's if none is published yet."""
    page.goto(f"{live_server}/c/{slug}/diagnostics")
    links = page.locator("main a").evaluate_all("links => links.map(a => a.href)")
    published = [url for url in links if re.search(r"/meetings/\d+/diagnostic$", url)]
    if published:
        return str(published[0])
    log_in(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/c/{slug}/meetings")
    links = page.locator("main a").evaluate_all("links => links.map(a => a.href)")
    meeting = next(url for url in links if re.search(r"/meetings/\d+$", url))
    page.goto(f"{meeting}/diagnostic/publish")
    page.get_by_role("button", name="Publier le diagnostic").click()
    assert "Diagnostic publié" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()
    return f"{meeting}/diagnostic"


@pytest.mark.parametrize("slug", [SLUG, LARGE])
def test_the_printed_diagnostic_fits_a4_portrait(live_server: str, page: Any, slug: str) -> None:
    url = _published_diagnostic(page, live_server, slug)
    page.goto(f"{live_server}/c/{slug}/levers")
    last_lever = page.locator("table.matrix thead th").last.inner_text().strip()

    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 1100})
    page.goto(f"{url}/print")
    page.emulate_media(media="print")
    assert page.evaluate(PAST_THE_EDGE, PRINTABLE_WIDTH) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH
    lever = (
        page.locator("#coverage-caption").locator("xpath=..").get_by_text(last_lever, exact=True)
    )
    box = lever.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PRINTABLE_WIDTH
    assert page.pdf(format="A4").startswith(b"%PDF")
