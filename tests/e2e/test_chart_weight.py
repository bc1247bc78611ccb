"""A chart page transfers at most 600 kB of JavaScript (plotly's cartesian bundle, gzipped) and
draws its chart without a single console message or Content-Security-Policy violation
(issue 16, point 2)."""

from typing import Any

import pytest

from tests.e2e.test_members import log_in

SLUG = "ia-responsable"
MAX_SCRIPT_BYTES = 600_000
CHART_PAGES = [  # (path, who logs in first)
    ("levers", None),
    ("roadmap/timeline", None),
    ("attendance", "membre@example.org"),  # the meetings' attendance chart
]

# before any script of the page runs: every violation the document reports
WATCH_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation", event => window.violations.push(
  `${event.violatedDirective} ${event.blockedURI} `
  + `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`));"""
SCRIPTS = """() => performance.getEntriesByType("resource")
  .filter(entry => entry.initiatorType === "script")
  .map(entry => [entry.name, entry.transferSize])"""


@pytest.mark.parametrize(("path", "email"), CHART_PAGES)
def test_a_chart_page_is_light_and_breaks_no_policy(
    live_server: str, browser: Any, path: str, email: str | None
) -> None:
    context = browser.new_context(locale="fr-FR")  # fresh: nothing cached yet
    page = context.new_page()
    if email is not None:
        log_in(page, live_server, email)
        page.wait_for_url(lambda url: "/login" not in url)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"error: {error}"))
    page.add_init_script(WATCH_VIOLATIONS)

    page.goto(f"{live_server}/c/{SLUG}/{path}")
    page.wait_for_selector(".chart .main-svg")  # plotly drew the chart

    scripts = page.evaluate(SCRIPTS)
    assert any("/assets/plotly-" in name for name, _ in scripts), scripts
    assert all(size > 0 for _, size in scripts), scripts  # fetched, not taken from a cache
    assert sum(size for _, size in scripts) < MAX_SCRIPT_BYTES, scripts
    assert page.evaluate("window.violations") == []
    assert messages == []
    context.close()
