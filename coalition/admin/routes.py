"""The installation's administration: coalitions and their facilitators, accounts."""

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

from coalition.core.permissions import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def coalitions() -> ResponseReturnValue:
    require("installation.manage")
    abort(501)  # built by the admin work


@bp.get("/users")
def users() -> ResponseReturnValue:
    require("installation.manage")
    abort(501)
