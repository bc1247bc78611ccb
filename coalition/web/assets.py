"""Third-party browser assets, served by the app itself, never from a CDN.

plotly.js is the official cartesian partial bundle (scatter, bar, heatmap and a few more: the
traces the app draws), vendored in `static/vendor/` at the plotly.js version of the plotly package
the tests use (`make vendor` refreshes it; a test checks the two versions agree). It is
compressed once per process and served under a URL that changes with its content, so browsers
keep it a year without asking again.
"""

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from coalition.access import require

bp = Blueprint("assets", __name__)

VENDOR_DIR = Path(__file__).parents[1] / "static" / "vendor"
PLOTLY_BUNDLE = VENDOR_DIR / "plotly-cartesian.min.js"
ONE_YEAR = 365 * 24 * 3600
_VERSION = re.compile(r"\A/\*\*\s*\*\s*plotly\.js\b[^\n]*? v(\d[\w.+-]*)")
_JS_STRING = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"
_RULE = re.compile(rf"({_JS_STRING}):({_JS_STRING})")


def plotly_js_version(path: Path) -> str:
    """The plotly.js version in a bundle's header comment (`* plotly.js ... v4.1.1`)."""
    with path.open(encoding="utf-8") as bundle:
        match = _VERSION.match(bundle.read(300))
    if match is None:
        raise ValueError(f"no plotly.js version in the header of {path}")
    return match.group(1)


PLOTLY_VERSION = plotly_js_version(PLOTLY_BUNDLE)  # in the URLs: a new version, a new URL


@dataclass(frozen=True)
class Asset:
    """One file as served: its bytes plain and gzipped, each with its own entity tag."""

    mimetype: str
    plain: bytes
    gzipped: bytes
    digest: str  # of the plain bytes: the `v` of the URL and the root of the entity tags

    @classmethod
    def of(cls, mimetype: str, plain: bytes) -> "Asset":
        gzipped = gzip.compress(plain, compresslevel=9, mtime=0)  # mtime=0: the same bytes always
        return cls(mimetype, plain, gzipped, hashlib.sha256(plain).hexdigest()[:16])


@bp.url_defaults
def content_version(endpoint: str, values: dict[str, Any]) -> None:
    """`url_for` adds the content's digest (`?v=...`): a new bundle is a new URL even when the
    plotly version in the path stays the same, so `immutable` never keeps a stale file."""
    asset = ASSETS.get(endpoint)
    if asset is not None:
        values.setdefault("v", asset().digest)


@bp.get(f"/assets/plotly-{PLOTLY_VERSION}.min.js")
def plotly_js() -> ResponseReturnValue:
    """The vendored plotly.js cartesian bundle."""
    require("site.view")
    return serve(plotly_bundle())


@bp.get(f"/assets/plotly-{PLOTLY_VERSION}.css")
def plotly_css() -> ResponseReturnValue:
    """plotly.js's own style rules as a stylesheet: under our Content-Security-Policy plotly
    cannot inject them itself (the page links it with the id and class that tell plotly so)."""
    require("site.view")
    return serve(plotly_stylesheet())


def serve(asset: Asset) -> Response:
    """The asset gzipped when the client accepts it, cached a year as immutable, with an entity
    tag per encoding."""
    compressed = request.accept_encodings.quality("gzip") > 0
    response = Response(asset.gzipped if compressed else asset.plain, mimetype=asset.mimetype)
    if compressed:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{asset.digest}-gzip" if compressed else asset.digest)
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.make_conditional(request)  # a 304 when the tag matches
    return response


@cache
def plotly_bundle() -> Asset:
    return Asset.of("text/javascript", PLOTLY_BUNDLE.read_bytes())


@cache
def plotly_stylesheet() -> Asset:
    """The rule table that the bundle carries ({"X,X div": "...", ...}), as CSS."""
    source = PLOTLY_BUNDLE.read_text(encoding="utf-8")
    start = source.find('{"X,X div":')
    end = source.find("}", start)
    css = []
    if start >= 0 and end >= 0:
        for key, value in _RULE.findall(source[start:end]):
            selector = (
                key[1:-1].replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
            )
            css.append(f"{selector} {{{value[1:-1]}}}\n")
    return Asset.of("text/css", "".join(css).encode())


ASSETS = {"assets.plotly_js": plotly_bundle, "assets.plotly_css": plotly_stylesheet}
