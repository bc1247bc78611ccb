"""The actors directory."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from coalition.actors import queries
from coalition.coalitions.queries import coalition_or_404
from coalition.core.permissions import require, viewer
from coalition.db import db_session

bp = Blueprint("actors", __name__)


@bp.get("/c/<slug>/actors")
def directory(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    families = queries.actors_by_family(session, coalition, viewer())
    return render_template("actors/directory.html", coalition=coalition, families=families)
