"""On a phone (390 px wide), every page fits the screen: nothing scrolls sideways but the wide
tables, each inside its own box, and no page has a serious accessibility violation."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LARGE, VERY_LARGE, serious_violations

PHONE = {"width": 390, "height": 844}
# What sticks out past the screen's edge, outside any box that scrolls or clips: the deepest
# elements past it, and those whose own text (a long word, an address) runs past their box.
STICKING_OUT = """width => {
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
  } return false; };
  const name = e => `${e.tagName.toLowerCase()}.${e.className} `
    + `(${Math.round(e.getBoundingClientRect().right)}px, scroll ${e.scrollWidth}px): `
    + (e.textContent || '').trim().slice(0, 60);
  return [...document.body.querySelectorAll('*')].filter(e => !clipped(e)).filter(e =>
    (e.getBoundingClientRect().right > width
      && ![...e.children].some(c => c.getBoundingClientRect().right > width))
    || (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
      && getComputedStyle(e).overflowX === 'visible'
      && e.getBoundingClientRect().left + e.scrollWidth > width)
  ).slice(0, 6).map(name);
}"""
PASSWORD = "coalition-demo-2021"
SLUG = "ia-responsable"
C = f"/c/{SLUG}"

# A page is a path, or (a list page, the pattern of the first link on it to follow).
PUBLIC: dict[str, str | tuple[str, ...]] = {
    "index": "/",
    "home": f"{C}/",
    "large home": f"/c/{LARGE}/",
    "directory": f"{C}/actors",
    "large directory": f"/c/{LARGE}/actors",
    "actor": f"{C}/actors/1",
    "levers": f"{C}/levers",
    "large levers": f"/c/{LARGE}/levers",
    "graph": f"{C}/graph",
    "roadmap": f"{C}/roadmap",
    "timeline": f"{C}/roadmap/timeline",
    "large timeline": f"/c/{LARGE}/roadmap/timeline",
    "network summary": f"/c/{VERY_LARGE}/graph",
    "full network": f"/c/{VERY_LARGE}/graph?view=full",
    "a page of the board": f"/c/{VERY_LARGE}/roadmap?page=2",
    "a page of the timeline": f"/c/{VERY_LARGE}/roadmap/timeline?page=2",
    "action": (f"{C}/roadmap", r"/actions/\d+$"),
    "meetings": f"{C}/meetings",
    "meeting": (f"{C}/meetings", r"/meetings/\d+$"),
    "diagnostics": f"{C}/diagnostics",
    "published diagnostic": (f"{C}/diagnostics", r"/meetings/\d+/diagnostic$"),
    "resources": f"{C}/resources",
    "resource": (f"{C}/resources", r"/resources/\d+$"),
    "data": f"{C}/data",
    "consultations": f"{C}/consultations",
    "consultation": (f"{C}/consultations", r"/consultations/\d+$"),
    "consultation results": (f"{C}/consultations", r"/consultations/\d+/results$"),
    "workshops": f"{C}/workshops",
    "stalls network": (f"{C}/consultations", r"/consultations/\d+/results$", r"/stands$"),
    "recommendations": f"{C}/recommendations",
    "recommendation": (f"{C}/recommendations", r"/recommendations/\d+$"),
    "panels": f"{C}/panels",
    "panel": (f"{C}/panels", r"/panels/\d+$"),
    "register": f"{C}/register",
    "register entry": (f"{C}/register", r"/register/\d+$"),
    "register entry history": (f"{C}/register", r"/register/\d+$", r"/history$"),
    "register schema": f"{C}/register/schema",
    "charter": f"{C}/charter",
    "labels": f"{C}/labels",
    "privacy": "/privacy",
    "workshop": (f"{C}/workshops", r"/workshops/\d+$"),
}
MEMBER: dict[str, str | tuple[str, ...]] = {
    "my organisation": f"{C}/my-organisation",
    "action, as a member": (f"{C}/roadmap", r"/actions/\d+$"),
    "new register entry, as a member": f"{C}/register/new",
}
FACILITATOR: dict[str, str | tuple[str, ...]] = {
    "manage an actor": f"{C}/actors/1/manage",
    "prepare a meeting": (f"{C}/meetings", r"/meetings/\d+$", r"/meetings/\d+/prepare$"),
    "run a meeting": (f"{C}/meetings", r"/meetings/\d+$"),
    "review an action": (f"{C}/meetings", r"/meetings/\d+$", r"/reviews/\d+$"),
    "confirm a publication": (
        f"{C}/meetings",
        r"/meetings/\d+$",
        r"/meetings/\d+/prepare$",
        r"/diagnostic/publish$",
    ),
    "people": f"{C}/people",
    "framing": f"{C}/framing",
    "attendance": f"{C}/attendance",
    "stalls": (f"{C}/consultations", r"/consultations/\d+$", r"/edit$", r"/stalls$"),
    "import stalls": (
        f"{C}/consultations",
        r"/consultations/\d+$",
        r"/edit$",
        r"/stalls$",
        r"/stalls/import$",
    ),
    "animation kit": (f"{C}/consultations", r"/consultations/\d+$", r"/edit$", r"/kit$"),
    "sign-ups": f"{C}/signups",
    "answer a recommendation": (
        f"{C}/recommendations",
        r"/recommendations/\d+$",
        r"/answer$",
    ),
    "new panel": f"{C}/panels/new",
    "manage a panel": (f"{C}/panels", r"/panels/\d+$", r"/manage$"),
    # the demo's panel is drawn: its pool is closed and its page links to no import
    "import a pool": f"{C}/panels/1/import",
    "new register entry": f"{C}/register/new",
    "new charter version": f"{C}/charter/new",
}
PAGES = [
    *((None, name, spec) for name, spec in PUBLIC.items()),
    *(("membre@example.org", name, spec) for name, spec in MEMBER.items()),
    *(("animation@example.org", name, spec) for name, spec in FACILITATOR.items()),
]


@pytest.fixture(scope="module")
def sessions(browser: Any, live_server: str) -> dict[str, Any]:
    """Each account's cookies, logged in once for the whole module."""
    states: dict[str, Any] = {}
    for email in ("membre@example.org", "animation@example.org"):
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.goto(live_server + "/login")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        states[email] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def phone(browser: Any, sessions: dict[str, Any]) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(email: str | None) -> Any:
        state = sessions[email] if email else None
        contexts.append(browser.new_context(locale="fr-FR", viewport=PHONE, storage_state=state))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def follow(page: Any, base: str, spec: str | tuple[str, ...]) -> None:
    """Go to the page: a path, or from a list page through the first link of each pattern."""
    steps = (spec,) if isinstance(spec, str) else spec
    page.goto(base + steps[0])
    for pattern in steps[1:]:
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
        href = next(h for h in hrefs if re.search(pattern, h.split("?")[0].split("#")[0]))
        page.goto(href)
    assert page.title() and "introuvable" not in page.title().lower(), page.url


@pytest.mark.parametrize(("email", "name", "spec"), PAGES, ids=[p[1] for p in PAGES])
def test_page_fits_a_phone(
    live_server: str, phone: Any, email: str | None, name: str, spec: Any
) -> None:
    page = phone(email)
    follow(page, live_server, spec)
    page.wait_for_load_state("networkidle")  # charts drawn
    width = PHONE["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (
        f"{name} ({page.url}) scrolls sideways: {scroll}px on a {width}px screen, "
        f"past its edge: {page.evaluate(STICKING_OUT, width)}"
    )
    charts = page.eval_on_selector_all(
        ".chart .main-svg", "svgs => svgs.map(s => Math.round(s.getBoundingClientRect().right))"
    )
    assert all(right <= width for right in charts), f"{name}: charts end at {charts}px"
    assert serious_violations(page) == [], page.url
