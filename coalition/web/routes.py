"""The facilitator's to-do pages, and the count the menu shows."""

from flask import Blueprint, g, render_template
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from coalition.access import can, require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.db import db_session, utcnow
from coalition.web import home, todo

bp = Blueprint("web", __name__)


@bp.record_once
def _register_landing(state: BlueprintSetupState) -> None:
    state.app.extensions["login_landing"] = todo.landing_url


RUN = "meeting.manage"  # the facilitators' (and admins') right, as for preparing a meeting


@bp.get("/c/<slug>/todo", endpoint="todo")
def todo_page(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require(RUN, coalition)
    things = todo.todo_for(session, coalition, now=utcnow())
    g.todo_totals = {coalition.id: things.total}  # the menu reads it instead of counting again
    return render_template("web/todo.html", coalition=coalition, todo=things)


@bp.get("/todo")
def overview() -> ResponseReturnValue:
    require("account.manage")
    user = viewer()
    assert user is not None
    coalitions = todo.facilitated(db_session(), user.id, now=utcnow())
    return render_template("web/overview.html", coalitions=coalitions)


@bp.app_template_global()
def todo_count(coalition: Coalition) -> int | None:
    """The menu's "À faire (n)": None for those who do not run the coalition; one statement,
    once per request."""
    if not can(viewer(), RUN, coalition):
        return None
    totals: dict[int, int] = g.setdefault("todo_totals", {})
    if coalition.id not in totals:
        totals[coalition.id] = todo.total_for(db_session(), coalition.id, now=utcnow())
    return totals[coalition.id]


@bp.get("/")
def index() -> ResponseReturnValue:
    require("site.view")
    summaries = home.list_coalitions(db_session())
    return render_template("web/index.html", summaries=summaries)


@bp.get("/c/<slug>/", endpoint="home")
def home_page(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    page = home.coalition_home(session, coalition, viewer(), now=utcnow())
    return render_template("web/home.html", coalition=coalition, home=page)
