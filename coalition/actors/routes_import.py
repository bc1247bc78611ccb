"""Importing actors from a spreadsheet (CSV): upload, preview, confirm."""

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

from coalition.coalitions.queries import coalition_or_404
from coalition.core.permissions import require
from coalition.db import db_session

bp = Blueprint("actor_import", __name__)


@bp.route("/c/<slug>/actors/import", methods=["GET", "POST"])
def upload(slug: str) -> ResponseReturnValue:
    coalition = coalition_or_404(db_session(), slug)
    require("actor.manage", coalition)
    abort(501)  # built by the import work
