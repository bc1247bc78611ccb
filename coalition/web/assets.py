"""Third-party browser assets served from installed packages, never from a CDN."""

import re
from functools import cache
from pathlib import Path

import plotly
from flask import Blueprint, Response, send_from_directory
from flask.typing import ResponseReturnValue

from coalition.access import require

bp = Blueprint("assets", __name__)

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
ONE_YEAR = 365 * 24 * 3600
_JS_STRING = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"
_RULE = re.compile(rf"({_JS_STRING}):({_JS_STRING})")


@bp.get(f"/assets/plotly-{plotly.__version__}.min.js")
def plotly_js() -> ResponseReturnValue:
    """plotly.js of the installed plotly package; its version is in the URL, so cache it long."""
    require("site.view")
    return send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=ONE_YEAR)


@bp.get(f"/assets/plotly-{plotly.__version__}.css")
def plotly_css() -> ResponseReturnValue:
    """plotly.js's own style rules as a stylesheet: under our Content-Security-Policy plotly
    cannot inject them itself."""
    require("site.view")
    response = Response(plotly_stylesheet(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    return response


@cache
def plotly_stylesheet() -> str:
    """The rule table that plotly.min.js carries ({"X .modebar": "...", ...}), as CSS."""
    source = (PLOTLY_DIR / "plotly.min.js").read_text(encoding="utf-8")
    start = source.find('{"X,X div":')
    end = source.find("}", start)
    if start < 0 or end < 0:
        return ""
    css = []
    for key, value in _RULE.findall(source[start:end]):
        selector = (
            key[1:-1].replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        )
        css.append(f"{selector} {{{value[1:-1]}}}")
    return "\n".join(css) + "\n"
