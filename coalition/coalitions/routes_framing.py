"""Framing a coalition: name, tagline, context, phase; axes and levers; partners."""

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

from coalition.coalitions.queries import coalition_or_404
from coalition.core.permissions import require
from coalition.db import db_session

bp = Blueprint("framing", __name__)


@bp.get("/c/<slug>/framing")
def edit(slug: str) -> ResponseReturnValue:
    coalition = coalition_or_404(db_session(), slug)
    require("coalition.frame", coalition)
    abort(501)  # built by the framing work
