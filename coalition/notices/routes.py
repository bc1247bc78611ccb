"""Leaving a kind of notice in one click, from the mail itself: no login (RFC 8058); a
signed-in person's choices of notices and their personal calendar feed, which a calendar
client opens by its secret URL alone."""

from collections.abc import Mapping

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.auth.models import User
from coalition.core.extensions import csrf
from coalition.core.links import external_url
from coalition.core.tokens import token_hash
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.notices import feeds, service
from coalition.notices.models import (
    NOTICE_KIND_LABELS,
    SETTING_LABELS,
    SETTINGS_OF,
    NoticeKind,
    Setting,
)
from coalition.notices.service import choose, read_unsubscribe_token, setting_of, settings_of

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


# --- a signed-in person's choices and calendar feed ------------------------------------------

FRESH_FEED = "fresh_calendar_feed"  # in the person's session until the preferences page shows it


def _me() -> User:
    user = viewer()
    assert user is not None  # require("account.manage") let a signed-in user through
    return user


def _chosen(
    form: Mapping[str, str], current: dict[NoticeKind, Setting]
) -> dict[NoticeKind, Setting] | None:
    """The settings the form changes (a kind left out keeps its setting); None if the form
    names a kind or a setting that does not exist."""
    chosen = {}
    for name, value in form.items():
        if name == "csrf_token":
            continue
        kind = next((k for k in NoticeKind if k.value == name), None)
        setting = next((s for s in SETTINGS_OF[kind] if s.value == value), None) if kind else None
        if kind is None or setting is None:
            return None
        if setting is not current[kind]:
            chosen[kind] = setting
    return chosen


def _preferences_page(
    session: Session, user: User, *, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    secret = browser_session.pop(FRESH_FEED, None) if status == 200 else None
    feed = feeds.feed_of(session, user.id)
    fresh = (
        external_url("notices.calendar_feed", token=secret)
        if secret and feed is not None and token_hash(secret) == feed.token_hash
        else None
    )
    kinds = [
        (kind, NOTICE_KIND_LABELS[kind], [(s, SETTING_LABELS[s]) for s in SETTINGS_OF[kind]])
        for kind in NoticeKind
    ]
    return render_template(
        "notices/preferences.html",
        kinds=kinds,
        current=settings_of(session, user.id),
        feed=feed,
        fresh=fresh,
        error=error,
    ), status


@bp.route("/account/notices", methods=["GET", "POST"])
def preferences() -> ResponseReturnValue:
    require("account.manage")
    session = db_session()
    user = _me()
    if request.method == "GET":
        return _preferences_page(session, user)
    chosen = _chosen(request.form, settings_of(session, user.id))
    if chosen is None:
        error = _("Ce choix n'existe pas : rechargez la page, puis recommencez.")
        return _preferences_page(session, user, error=error, status=400)

    def write() -> None:
        for kind, setting in chosen.items():
            choose(session, user.id, kind, setting)

    saved = save(session, write)
    if not saved.ok:
        return _preferences_page(session, user, error=str(saved.error), status=saved.status)
    flash(_("Vos choix sont enregistrés."), "success")
    return redirect(url_for(".preferences"))


@bp.post("/account/calendar-feed")
def renew_calendar_feed() -> ResponseReturnValue:
    require("account.manage")  # the CSRF token was checked before the view
    session = db_session()
    user = _me()
    saved = save(session, lambda: service.renew_feed(session, user.id, utcnow()))
    if not saved.ok or saved.value is None:
        return _preferences_page(session, user, error=str(saved.error), status=saved.status)
    browser_session[FRESH_FEED] = saved.value
    flash(
        _("Adresse de votre agenda créée : elle s'affiche ci-dessous, une seule fois."), "success"
    )
    return redirect(url_for(".preferences", _anchor="agenda"))


@bp.post("/account/calendar-feed/revoke")
def revoke_calendar_feed() -> ResponseReturnValue:
    require("account.manage")
    session = db_session()
    user = _me()
    saved = save(session, lambda: service.revoke_feed(session, user.id))
    if not saved.ok:
        return _preferences_page(session, user, error=str(saved.error), status=saved.status)
    if saved.value:
        flash(_("Adresse de votre agenda révoquée : elle ne fonctionne plus."), "success")
    return redirect(url_for(".preferences", _anchor="agenda"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> ResponseReturnValue:
    """A person's calendar, opened by its secret alone (calendar clients do not log in)."""
    require("site.view")
    session = db_session()
    user = feeds.owner_of(session, token)
    if user is None:
        body = _("Ce calendrier n'existe pas, ou son lien a été remplacé ou révoqué.")
        return Response(body, status=404, mimetype="text/plain")
    response = Response(feeds.personal_calendar(session, user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="coalition.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    response.add_etag()
    return response.make_conditional(request)
