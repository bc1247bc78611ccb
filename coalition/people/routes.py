"""The "Personnes" page of a coalition, and accepting an invitation."""

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

from coalition.coalitions.queries import coalition_or_404
from coalition.core.permissions import require
from coalition.db import db_session

bp = Blueprint("people", __name__)


@bp.get("/c/<slug>/people")
def index(slug: str) -> ResponseReturnValue:
    coalition = coalition_or_404(db_session(), slug)
    require("people.manage", coalition)
    abort(501)  # built by the people work


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    require("account.recover")
    abort(501)
