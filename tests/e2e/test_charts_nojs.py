"""Without JavaScript a chart leaves no empty box, only its caption and table; with JavaScript
the chart is drawn in a visible box (issue 14, point 14)."""

from typing import Any

from playwright.sync_api import expect

SLUG = "ia-responsable"
CHART_PAGES = ("levers", "graph", "roadmap/timeline")  # the public ones

# the chart figures' empty elements (no text, no drawing) taller than a few pixels, out of the
# tables (whose cells may hold an empty swatch)
EMPTY_BOXES = """figures => figures.flatMap(figure => [...figure.querySelectorAll("*")])
  .filter(e => !e.closest("table") && !e.textContent.trim() && !e.querySelector("svg, img"))
  .map(e => [e.id || e.tagName, e.getBoundingClientRect().height])
  .filter(([, height]) => height > 4)"""


def test_without_javascript_a_chart_leaves_no_empty_box(live_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    for path in CHART_PAGES:
        page.goto(f"{live_server}/c/{SLUG}/{path}")
        figures = page.locator("figure.chart-figure")
        assert page.locator(".chart").count() >= 1, path  # the page has a chart to draw
        assert figures.evaluate_all(EMPTY_BOXES) == [], path
        expect(page.locator("figure.chart-figure table").first).to_be_visible()
    context.close()


def test_with_javascript_the_chart_is_drawn_and_shown(live_server: str, browser: Any) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server}/c/{SLUG}/levers")
    page.wait_for_selector("#coverage-chart .main-svg")
    chart = page.locator("#coverage-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["height"] > 200 and box["width"] > 200
    assert page.locator("figure.chart-figure table").first.is_visible()  # the table stays
    context.close()
