"""One's account: name, language, email change, logging out the other sessions; a
forgotten password."""

import math

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

from coalition.access import require, viewer
from coalition.auth import queries_account, service_account
from coalition.auth.forms import (
    ConfirmForm,
    EmailChangeForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
)
from coalition.auth.models import TokenPurpose, User
from coalition.auth.routes import new_session
from coalition.auth.service import normalise_email
from coalition.auth.service_account import DeadLink
from coalition.core import limits
from coalition.core.errors import Conflict
from coalition.core.writes import save
from coalition.db import db_session, utcnow

bp = Blueprint("account", __name__)


def _me() -> User:
    user = viewer()
    assert user is not None  # require("account.manage") let a signed-in user through
    return user


def _settings_page(
    profile: ProfileForm | None = None,
    email: EmailChangeForm | None = None,
    *,
    status: int = 200,
) -> ResponseReturnValue:
    user = _me()
    pending = queries_account.pending_email_change(db_session(), user, now=utcnow())
    return render_template(
        "auth/account.html",
        user=user,
        profile=profile or ProfileForm(obj=user, formdata=None),
        email=email or EmailChangeForm(formdata=None),
        pending=pending,
    ), status


@bp.route("/account", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    require("account.manage")
    if request.method == "GET":
        return _settings_page()
    user = _me()
    form = ProfileForm()
    if not form.validate_on_submit():
        return _settings_page(profile=form, status=400)
    session_ = db_session()
    saved = save(
        session_,
        lambda: service_account.update_profile(
            session_, user, name=form.name.data or "", language=form.language.data or "", by=user
        ),
        form=form,
    )
    if not saved.ok:
        return _settings_page(profile=form, status=saved.status)
    session["lang"] = user.language  # the interface follows the preferred language
    flash(_("Votre compte est enregistré."), "success")
    return redirect(url_for("account.settings"))


@bp.post("/account/email")
def request_email_change() -> ResponseReturnValue:
    require("account.manage")
    user = _me()
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return _settings_page(email=form, status=400)
    session_ = db_session()
    saved = save(
        session_,
        lambda: service_account.request_email_change(
            session_,
            user,
            new_email=form.new_email.data or "",
            password=form.current_password.data or "",
            now=utcnow(),
        ),
        form=form,
    )
    address = saved.value
    if address is None:
        return _settings_page(email=form, status=saved.status)
    flash(
        _(
            "Un lien de confirmation, valable 24 heures, a été envoyé à %(email)s. "
            "Votre adresse changera quand vous l'aurez suivi.",
            email=address,
        ),
        "success",
    )
    return redirect(url_for("account.settings"))


@bp.post("/account/sessions/end-others")
def end_other_sessions() -> ResponseReturnValue:
    require("account.manage")  # the CSRF token was checked before the view
    user = _me()
    saved = save(db_session(), lambda: service_account.end_other_sessions(db_session(), user))
    if not saved.ok:  # every session goes on
        abort(saved.status, description=str(saved.error))
    login_user(user)  # this session goes on with the new token; every other one ends
    flash(
        _(
            "Vos autres sessions sont fermées : sur les autres appareils et navigateurs, il "
            "faudra se connecter à nouveau. Cette session-ci reste ouverte."
        ),
        "success",
    )
    return redirect(url_for("account.settings"))


def _dead_link(purpose: TokenPurpose) -> ResponseReturnValue:
    """The one answer for a link that is unknown, used, voided, expired or of another kind."""
    return render_template("auth/link_invalid.html", purpose=purpose.value), 404


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    require("account.recover")  # the link itself proves the new address is theirs
    session_ = db_session()
    now = utcnow()
    link = service_account.find_link(session_, token, TokenPurpose.email_change, now=now)
    if link is None:
        return _dead_link(TokenPurpose.email_change)
    found, user = link
    new_email = found.new_email
    form = ConfirmForm()
    if form.validate_on_submit():
        saved = save(
            session_, lambda: service_account.confirm_email_change(session_, found, user, now=now)
        )
        if isinstance(saved.error, DeadLink):
            return _dead_link(TokenPurpose.email_change)
        if not saved.ok:  # the address was taken meanwhile, or at the same instant
            status = 409 if isinstance(saved.error, Conflict) else saved.status
            return render_template(
                "auth/email_confirm.html", form=form, new_email=new_email, problem=str(saved.error)
            ), status
        flash(_("Votre adresse e-mail est maintenant %(email)s.", email=new_email), "success")
        me = viewer()
        if me is not None and me.id == user.id:
            return redirect(url_for("account.settings"))
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "auth/email_confirm.html", form=form, new_email=new_email, problem=None
    ), status


# -- forgotten password ------------------------------------------------------------------


def _reset_refused(address: str) -> bool:
    """Count this request per client and per address; True once either is over its limit."""
    config = current_app.config
    window = int(config["RESET_WINDOW"])
    by_client = limits.hit("password_reset.client", request.remote_addr or "", window=window)
    by_address = limits.hit("password_reset.address", address, window=window)
    return by_client > int(config["RESET_CLIENT_LIMIT"]) or by_address > int(
        config["RESET_ADDRESS_LIMIT"]
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    submitted = form.validate_on_submit()
    address = normalise_email(form.email.data or "")
    # counted before this request reads anything: the counters write in their own
    # transaction, which must not wait for this request's (see coalition.core.limits)
    refused = submitted and _reset_refused(address)
    require("account.recover")
    if refused:
        seconds = limits.window_left(int(current_app.config["RESET_WINDOW"]))
        minutes = math.ceil(seconds / 60)
        form.form_errors.append(
            ngettext(
                "Trop de demandes de nouveau mot de passe pour cette adresse ou depuis votre "
                "connexion : aucun message n'a été envoyé. Réessayez dans %(num)d minute.",
                "Trop de demandes de nouveau mot de passe pour cette adresse ou depuis votre "
                "connexion : aucun message n'a été envoyé. Réessayez dans %(num)d minutes.",
                minutes,
            )
        )
        page = render_template("auth/forgot_password.html", form=form)
        return page, 429, {"Retry-After": str(seconds)}
    status = 400 if request.method == "POST" else 200
    if submitted:
        session_ = db_session()
        saved = save(
            session_,
            lambda: service_account.request_password_reset(session_, address, now=utcnow()),
            form=form,
        )
        if saved.ok:
            # the same answer whether or not an active account has this address
            flash(
                _(
                    "Si un compte actif utilise l'adresse %(email)s, un message vient d'y être "
                    "envoyé avec un lien valable une heure. Pensez à regarder dans les "
                    "indésirables.",
                    email=address,
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
        status = saved.status
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    require("account.recover")
    session_ = db_session()
    now = utcnow()
    link = service_account.find_link(session_, token, TokenPurpose.password_reset, now=now)
    if link is None:
        return _dead_link(TokenPurpose.password_reset)
    found, user = link
    email = user.email
    form = ResetPasswordForm()
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        saved = save(
            session_,
            lambda: service_account.reset_password(
                session_, found, user, new=form.new_password.data or "", now=now
            ),
            form=form,
        )
        if isinstance(saved.error, DeadLink):
            return _dead_link(TokenPurpose.password_reset)
        if saved.ok:
            logout_user()  # whoever was signed in here: the next step is to sign in anew
            new_session()
            flash(
                _(
                    "Votre mot de passe a été changé et toutes vos sessions sont fermées : "
                    "connectez-vous avec le nouveau."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
        status = saved.status
    return render_template("auth/reset_password.html", form=form, email=email), status
