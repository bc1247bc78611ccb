"""One's account: name, language, email change; a forgotten password."""

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

from coalition.core.permissions import require

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    require("account.manage")
    abort(501)  # built by the accounts work


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    require("account.recover")
    abort(501)
