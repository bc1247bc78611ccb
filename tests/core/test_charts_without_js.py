"""Without JavaScript a chart shows nothing, not an empty box: every chart box the pages send is
`hidden` until charts.js draws it, and its data table is there all the same (point 14)."""

from html.parser import HTMLParser

from flask.testing import FlaskClient

from tests.core.crawl import Site


class ChartBoxes(HTMLParser):
    """The chart boxes of a page (is each hidden?) and how many tables it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[tuple[str, bool]] = []  # (id, hidden)
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "chart" in (a.get("class") or "").split():
            self.boxes.append((a.get("id") or "", "hidden" in a))
        elif tag == "table":
            self.tables += 1


def test_every_chart_box_is_hidden_until_drawn(client: FlaskClient, site: Site) -> None:
    with_charts: dict[str, list[tuple[str, bool]]] = {}
    for endpoint, urls in sorted(site.pages.items()):
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = ChartBoxes()
            page.feed(response.get_data(as_text=True))
            if page.boxes:
                with_charts.setdefault(endpoint, []).extend(page.boxes)
                assert page.tables >= 1, url  # the data stays readable without the chart
    # the crawl went through the pages that draw charts
    assert {
        "diagnostics.coverage",
        "diagnostics.network",
        "roadmap.timeline",
        "meetings.attendance",
        "consultations.results",
        "diagnostic.prepare",
        "diagnostic.published",
    } <= set(with_charts), sorted(with_charts)
    shown = {e: [box for box, hidden in boxes if not hidden] for e, boxes in with_charts.items()}
    assert not {e: boxes for e, boxes in shown.items() if boxes}
