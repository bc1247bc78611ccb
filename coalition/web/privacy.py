"""The privacy page: what is kept about whom, and for how long."""

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from coalition.access import require
from coalition.consultations.routes_stall import STALL_ANSWER_WINDOW
from coalition.db import db_session
from coalition.signups.queries import retention_by_coalition
from coalition.signups.routes import SIGNUP_WINDOW

bp = Blueprint("privacy", __name__)
# the windows of the attempt counters (core.limits): a counter lasts two of its windows at most
COUNTER_WINDOWS = {
    "CONSULTATION_ANSWER_WINDOW": 600,
    "STALL_ANSWER_WINDOW": STALL_ANSWER_WINDOW,
    "SIGNUP_WINDOW": SIGNUP_WINDOW,
    "LOGIN_WINDOW": 900,
    "RESET_WINDOW": 3600,
}


def counters_kept_minutes() -> int:
    config = current_app.config
    longest = max(int(config.get(name, default)) for name, default in COUNTER_WINDOWS.items())
    return -(-2 * longest // 60)


@bp.get("/privacy")
def page() -> ResponseReturnValue:
    require("site.view")
    session = db_session()
    return render_template(
        "web/privacy.html",
        retentions=retention_by_coalition(session),
        counters_minutes=counters_kept_minutes(),
    )
