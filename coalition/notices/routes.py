"""Leaving a kind of notice in one click, from the mail itself: no login (RFC 8058)."""

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coalition.access import require
from coalition.auth.models import User
from coalition.core.extensions import csrf
from coalition.core.writes import save
from coalition.db import db_session
from coalition.notices.models import NOTICE_KIND_LABELS, Setting
from coalition.notices.service import choose, read_unsubscribe_token, setting_of

bp = Blueprint("notices", __name__)


@bp.route("/notices/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the secret; a mail client posts without a page (RFC 8058)
def unsubscribe(token: str) -> ResponseReturnValue:
    require("site.view")
    session = db_session()
    named = read_unsubscribe_token(token)
    user = session.get(User, named[0]) if named else None
    if named is None or user is None:
        message = _(
            "Ce lien de désabonnement n'est pas valable : vérifiez qu'il est complet, ou changez "
            "vos choix depuis votre compte."
        )
        return render_template("errors/error.html", code=404, message=message), 404
    kind = named[1]
    done = setting_of(session, user.id, kind) is Setting.off
    if request.method == "POST" and not done:
        saved = save(session, lambda: choose(session, user.id, kind, Setting.off))
        if not saved.ok:
            return render_template("errors/error.html", code=409, message=str(saved.error)), 409
        done = True
    return render_template(
        "notices/unsubscribe.html", token=token, kind=NOTICE_KIND_LABELS[kind], done=done
    )
