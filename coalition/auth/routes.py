"""Login, logout, password change and the interface language."""

import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user, logout_user
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.auth import service
from coalition.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from coalition.auth.models import User
from coalition.core import limits
from coalition.core.writes import save
from coalition.db import db_session

bp = Blueprint("auth", __name__)
LOGIN_ACCOUNT = "login-account"  # failed logins per normalised email
LOGIN_CLIENT = "login-client"  # failed logins per client address


def new_session() -> None:
    """Forget everything the session held but the interface language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def safe_next(target: str | None) -> str | None:
    """The local path to go back to, or None when it is missing or points elsewhere."""
    if not target or any(c < " " or c in "\\\x7f" for c in target):
        return None  # a line break would split the Location header; "\\" reads as "/" in browsers
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def landing(session: Session, user: User) -> str:
    """Where a login without `next` lands: what the app's top floor registered as
    `login_landing` (the facilitator's to-do page), else the list of coalitions."""
    chosen = current_app.extensions.get("login_landing")
    return chosen(session, user.id) if chosen else url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    require("site.view")
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = service.normalise_email(form.email.data or "")
        client = request.remote_addr or ""
        window = current_app.config["LOGIN_WINDOW"]
        if _login_held_back(email, client, window):  # the password is not even checked
            seconds = limits.window_left(window)
            minutes = math.ceil(seconds / 60)
            form.form_errors.append(
                ngettext(
                    "Trop de tentatives de connexion ont échoué : réessayez dans %(num)d minute.",
                    "Trop de tentatives de connexion ont échoué : réessayez dans %(num)d minutes.",
                    minutes,
                )
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(seconds)}
        session_ = db_session()
        # committed either way (a failed login writes nothing), so that the counters below,
        # each written in its own transaction, do not wait for this one
        saved = save(
            session_,
            lambda: service.authenticate(session_, email, form.password.data or ""),
            form=form,
        )
        if not saved.ok:  # the account was written at the same instant
            return render_template("auth/login.html", form=form), saved.status
        user = saved.value
        if user is not None:
            limits.clear(LOGIN_ACCOUNT, email)
            new_session()  # a new session at login: nothing carried over from before
            session.setdefault("lang", user.language)  # unless chosen before logging in
            login_user(user)
            flash(_("Vous êtes connecté·e."), "success")
            target = safe_next(form.next.data) or landing(session_, user)
            return redirect(target)
        limits.hit(LOGIN_ACCOUNT, email, window=window)
        limits.hit(LOGIN_CLIENT, client, window=window)
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _login_held_back(email: str, client: str, window: int) -> bool:
    """Whether this account (existing or not) or this client failed too often lately."""
    config = current_app.config
    return (
        limits.count(LOGIN_ACCOUNT, email, window=window) >= config["LOGIN_ACCOUNT_LIMIT"]
        or limits.count(LOGIN_CLIENT, client, window=window) >= config["LOGIN_CLIENT_LIMIT"]
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    require("site.view")  # the CSRF token was checked before the view
    user = viewer()
    if user is not None:
        saved = save(db_session(), lambda: service.end_sessions(user))
        if not saved.ok:  # still signed in: every session goes on
            abort(saved.status, description=str(saved.error))
    logout_user()
    new_session()
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("web.index"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    require("account.manage")
    form = PasswordChangeForm()
    if form.validate_on_submit():
        session_ = db_session()
        user = viewer()
        assert user is not None
        saved = save(
            session_,
            lambda: service.change_password(
                session_,
                user,
                current=form.current_password.data or "",
                new=form.new_password.data or "",
            ),
            form=form,
        )
        if not saved.ok:
            return render_template("auth/password.html", form=form), saved.status
        new_session()
        login_user(user)  # this session goes on with the new token; every other one ends
        flash(_("Votre mot de passe a été changé. Vos autres sessions sont fermées."), "success")
        return redirect(url_for("web.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/language")
def set_language() -> ResponseReturnValue:
    require("site.view")
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        message = _("Langue inconnue : le français et l'anglais sont proposés.")
        return render_template("errors/error.html", code=400, message=message), 400
    session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data) or url_for("web.index"))
