"""plotly.js: the vendored cartesian bundle, gzipped once, cached a year under a URL that changes
with its content, and loaded by chart pages only (issue 16, point 2)."""

import gzip
import hashlib
import re
from pathlib import Path

import plotly
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from coalition.web import assets
from tests.conftest import World

PROJECT_DIR = Path(__file__).resolve().parents[2]
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
C = "/c/ma-coalition"
CHART_PAGES = [f"{C}/levers", f"{C}/graph", f"{C}/roadmap/timeline"]
PAGES_WITHOUT_CHARTS = ["/", "/login", f"{C}/", f"{C}/actors", f"{C}/roadmap", f"{C}/nowhere"]


def asset_url(app: Flask, endpoint: str) -> str:
    with app.test_request_context():
        return url_for(endpoint)


@pytest.mark.parametrize("endpoint", ["assets.plotly_js", "assets.plotly_css"])
def test_assets_are_gzipped_and_immutable_under_a_url_that_names_their_content(
    app: Flask, client: FlaskClient, endpoint: str
) -> None:
    response = client.get(asset_url(app, endpoint), headers=GZIP)

    assert response.status_code == 200
    assert response.content_encoding == "gzip"
    assert "Accept-Encoding" in response.vary
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = gzip.decompress(response.get_data())
    digest = hashlib.sha256(plain).hexdigest()[:16]
    assert asset_url(app, endpoint).endswith(f"?v={digest}")
    assert response.get_etag() == (f"{digest}-gzip", False)  # a strong tag of its own


def test_the_bundle_is_the_vendored_file_and_weighs_less_than_600_kb_compressed(
    app: Flask, client: FlaskClient
) -> None:
    url = asset_url(app, "assets.plotly_js")
    compressed = client.get(url, headers=GZIP)
    plain = client.get(url)  # a client that accepts no compression

    vendored = (PROJECT_DIR / "coalition/static/vendor/plotly-cartesian.min.js").read_bytes()
    assert compressed.mimetype == "text/javascript"
    assert gzip.decompress(compressed.get_data()) == vendored
    assert len(compressed.get_data()) < 600_000
    assert plain.content_encoding is None
    assert plain.get_data() == vendored
    assert "Accept-Encoding" in plain.vary  # a cache keeps both versions apart
    assert plain.get_etag() != compressed.get_etag()


@pytest.mark.parametrize("headers", [GZIP, {}])
def test_a_client_that_has_the_bundle_gets_a_304(
    app: Flask, client: FlaskClient, headers: dict[str, str]
) -> None:
    url = asset_url(app, "assets.plotly_js")
    etag = client.get(url, headers=headers).headers["ETag"]

    again = client.get(url, headers={**headers, "If-None-Match": etag})

    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_bundle_is_compressed_once_per_process() -> None:
    assert assets.plotly_bundle() is assets.plotly_bundle()
    assert assets.plotly_stylesheet() is assets.plotly_stylesheet()


def test_the_vendored_bundle_is_the_plotly_js_of_the_installed_plotly_package() -> None:
    """`make vendor` fetches the version the plotly package bundles; after a plotly upgrade this
    fails until the vendored bundle is refreshed."""
    vendored = assets.plotly_js_version(assets.PLOTLY_BUNDLE)
    assert re.fullmatch(r"\d+\.\d+\.\d+", vendored)
    assert vendored == assets.plotly_js_version(
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    )
    licence = (PROJECT_DIR / "coalition/static/vendor/plotly.js-LICENSE").read_text()
    assert licence.startswith("MIT License")


def test_the_stylesheet_holds_plotly_s_rules(app: Flask, client: FlaskClient) -> None:
    css = client.get(asset_url(app, "assets.plotly_css")).get_data(as_text=True)

    assert ".js-plotly-plot .plotly .main-svg {" in css
    assert ".plotly-notifier" in css
    assert css.count("{") > 30


@pytest.mark.parametrize("url", CHART_PAGES)
def test_a_chart_page_loads_plotly_and_links_its_rules_as_plotly_expects(
    app: Flask, client: FlaskClient, world: World, url: str
) -> None:
    html = client.get(url).get_data(as_text=True)

    assert f'<script src="{asset_url(app, "assets.plotly_js")}" defer>' in html
    stylesheet = re.search(r"<link [^>]*plotly\.js-style-global[^>]*>", html)
    assert stylesheet is not None  # plotly injects no <style> when it finds this element
    assert 'class="no-inline-styles"' in stylesheet.group()
    assert f'href="{asset_url(app, "assets.plotly_css")}"' in stylesheet.group()


@pytest.mark.parametrize("url", PAGES_WITHOUT_CHARTS)
def test_a_page_without_charts_loads_no_plotly(client: FlaskClient, world: World, url: str) -> None:
    world.log_in(client, "facilitator")
    html = client.get(url).get_data(as_text=True)

    assert "<body" in html
    assert "plotly" not in html
    assert "charts.js" not in html


def test_the_chart_macro_is_the_only_template_that_loads_plotly() -> None:
    loading = {
        str(template.relative_to(PROJECT_DIR / "templates"))
        for template in (PROJECT_DIR / "templates").rglob("*.html")
        if re.search(r"assets\.plotly|charts\.js", template.read_text(encoding="utf-8"))
    }
    assert loading == {"_macros/charts.html"}
