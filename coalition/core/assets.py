"""Third-party browser assets served from installed packages, never from a CDN."""

from pathlib import Path

import plotly
from flask import Blueprint, send_from_directory
from flask.typing import ResponseReturnValue

from coalition.core.permissions import require

bp = Blueprint("assets", __name__)

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
ONE_YEAR = 365 * 24 * 3600


@bp.get(f"/assets/plotly-{plotly.__version__}.min.js")
def plotly_js() -> ResponseReturnValue:
    """plotly.js of the installed plotly package; its version is in the URL, so cache it long."""
    require("site.view")
    return send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=ONE_YEAR)
