"""The coalitions of this installation, a coalition's home and its levers."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from coalition.coalitions import queries
from coalition.core.permissions import require, viewer
from coalition.db import db_session, utcnow

bp = Blueprint("coalitions", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    require("site.view")
    summaries = queries.list_coalitions(db_session())
    return render_template("coalitions/index.html", summaries=summaries)


@bp.get("/c/<slug>/")
def home(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = queries.coalition_or_404(session, slug)
    require("coalition.view", coalition)
    home = queries.coalition_home(session, coalition, viewer(), now=utcnow())
    return render_template("coalitions/home.html", coalition=coalition, home=home)
