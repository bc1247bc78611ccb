"""Following an invitation's link: a newcomer sets a name and password, someone with an
account logs in and accepts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.auth.routes import new_session
from coalition.coalitions.models import Coalition
from coalition.core.errors import DomainError
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.people import queries
from coalition.people.forms import ConfirmForm, JoinForm
from coalition.people.models import Invitation
from coalition.people.service import InvitationState, state_of
from coalition.people.service_memberships import CLOSED_MESSAGES, accept, check_usable, join

bp = Blueprint("invitations", __name__)


def _closed(message: str, status: int, coalition: Coalition | None = None) -> ResponseReturnValue:
    context = {"coalition": coalition} if coalition is not None else {}
    return render_template(
        "people/invitation_closed.html", message=message, code=status, **context
    ), status


def _welcome(coalition: Coalition, user: User, joined: bool) -> ResponseReturnValue:
    if joined:
        flash(
            _("Bienvenue dans %(name)s, %(user)s !", name=coalition.name, user=user.name), "success"
        )
    else:
        flash(
            _(
                "Vous faites déjà partie de %(name)s : cette invitation n'a rien changé et ne "
                "servira plus.",
                name=coalition.name,
            ),
            "info",
        )
    return redirect(url_for("web.home", slug=coalition.slug), 303)


def _render(
    mode: str,
    invitation: Invitation,
    coalition: Coalition,
    actor: Actor | None,
    form: JoinForm | ConfirmForm,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "people/accept.html",
        mode=mode,
        invitation=invitation,
        coalition=coalition,
        actor=actor,
        form=form,
        login_link=url_for("auth.login", next=request.path),
    ), status


@bp.route("/invitations/<token>", methods=["GET", "POST"], endpoint="accept")
def accept_invitation(token: str) -> ResponseReturnValue:
    require("account.recover")
    session = db_session()
    now = utcnow()
    invitation = queries.invitation_by_token(session, token, lock=request.method == "POST")
    if invitation is None:
        message = _(
            "Ce lien d'invitation n'est pas valable : vérifiez qu'il est complet, ou demandez "
            "à l'équipe d'animation de vous inviter à nouveau."
        )
        return _closed(message, 404)
    coalition = session.get(Coalition, invitation.coalition_id)
    assert coalition is not None
    state = state_of(invitation, now)
    if state != InvitationState.pending:
        return _closed(str(CLOSED_MESSAGES[state]), 410, coalition)
    # a check before any write, not a write: `save` would commit, and end the lock on the row
    try:
        actor = check_usable(session, invitation, now=now)
    except DomainError as error:  # the actor left the coalition since
        return _closed(str(error), 409, coalition)
    user = viewer()
    if user is not None and user.email != invitation.email:
        message = _(
            "Vous êtes connecté·e avec une autre adresse que celle à laquelle cette invitation "
            "a été envoyée : rien n'a été fait. Déconnectez-vous, puis suivez à nouveau le lien."
        )
        return _closed(message, 403, coalition)
    if user is not None:
        return _accept_signed_in(session, invitation, coalition, actor, user)
    if queries.user_by_email(session, invitation.email) is not None:
        status = 409 if request.method == "POST" else 200  # log in first
        return _render("login", invitation, coalition, actor, ConfirmForm(), status)
    return _join(session, invitation, coalition, actor)


def _accept_signed_in(
    session: Session, invitation: Invitation, coalition: Coalition, actor: Actor | None, user: User
) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _render("accept", invitation, coalition, actor, form)
    saved = save(session, lambda: accept(session, invitation, user, now=utcnow()))
    if not saved.ok:  # whatever the reason, this invitation cannot serve now
        return _closed(str(saved.error), 409, coalition)
    return _welcome(coalition, user, saved.value is not None)


def _join(
    session: Session, invitation: Invitation, coalition: Coalition, actor: Actor | None
) -> ResponseReturnValue:
    form = JoinForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _render("join", invitation, coalition, actor, form, status)
    saved = save(
        session,
        lambda: join(
            session,
            invitation,
            name=form.name.data or "",
            password=form.password.data or "",
            language=str(get_locale() or "fr"),
            now=utcnow(),
        ),
        form=form,
    )
    if saved.clashed:  # the invitation was used, or the account made, at the same instant
        return _closed(str(saved.error), 409, coalition)
    if saved.value is None:  # a refused name or password, shown on the form
        return _render("join", invitation, coalition, actor, form, 400)
    user = saved.value
    new_session()  # nothing carried over from before the account existed
    login_user(user)
    return _welcome(coalition, user, True)
