"""The installation's administration: coalitions and their facilitators, accounts."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.admin import queries, service
from coalition.admin.forms import CoalitionForm, FacilitatorsForm
from coalition.auth.models import User
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import Conflict
from coalition.core.writes import Saved, save
from coalition.db import db_session, utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")

SEARCH_MAX = 200  # characters of a search kept


def _status(saved: Saved[Any]) -> int:
    """These forms answer 409 to any conflict (a slug or an address taken), not only to
    someone else's change at the same instant."""
    return 409 if isinstance(saved.error, Conflict) else saved.status


# -- coalitions ------------------------------------------------------------------------------


def _coalitions_page(
    session: Session,
    *,
    form: CoalitionForm | None = None,
    failed: tuple[int, FacilitatorsForm] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The coalitions and the forms; a refused form comes back filled in, with its errors."""
    staff = queries.coalitions_with_staff(session, now=utcnow())
    invite_forms = {
        item.coalition.id: FacilitatorsForm(prefix=f"c{item.coalition.id}", formdata=None)
        for item in staff
    }
    if failed:
        invite_forms[failed[0]] = failed[1]
    return render_template(
        "admin/coalitions.html",
        staff=staff,
        form=form or CoalitionForm(formdata=None),
        invite_forms=invite_forms,
    ), status


@bp.get("/")
def coalitions() -> ResponseReturnValue:
    require("installation.manage")
    return _coalitions_page(db_session())


@bp.post("/coalitions")
def create_coalition() -> ResponseReturnValue:
    session = db_session()
    require("installation.manage")
    form = CoalitionForm()
    if not form.validate_on_submit():
        return _coalitions_page(session, form=form, status=400)
    saved = save(
        session,
        lambda: service.create_coalition(
            session,
            slug=form.slug.data or "",
            name=form.name.data or "",
            emails=form.emails.data or "",
            by=viewer(),
            now=utcnow(),
        ),
        form=form,
    )
    coalition = saved.value
    if coalition is None:
        return _coalitions_page(session, form=form, status=_status(saved))
    flash(_("Coalition « %(name)s » créée ; invitations envoyées.", name=coalition.name), "success")
    return redirect(url_for(".coalitions"))


@bp.post("/coalitions/<slug>/facilitators")
def invite_facilitators(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("installation.manage")
    form = FacilitatorsForm(prefix=f"c{coalition.id}")
    failed = (coalition.id, form)
    if not form.validate_on_submit():
        return _coalitions_page(session, failed=failed, status=400)
    saved = save(
        session,
        lambda: service.invite_facilitators(
            session, coalition, form.emails.data or "", by=viewer(), now=utcnow()
        ),
        form=form,
    )
    if saved.value is None:
        return _coalitions_page(session, failed=failed, status=_status(saved))
    message = ngettext(
        "%(num)d invitation envoyée pour %(name)s.",
        "%(num)d invitations envoyées pour %(name)s.",
        len(saved.value),
        name=coalition.name,
    )
    flash(message, "success")
    return redirect(url_for(".coalitions"))


# -- accounts --------------------------------------------------------------------------------


def _page_number(value: str | None) -> int | None:
    value = value or "1"
    if value.isascii() and value.isdigit() and 0 < len(value) <= 6 and int(value) > 0:
        return int(value)
    return None


def _users_page(
    session: Session, q: str, page: int, *, problem: str | None = None, status: int = 200
) -> ResponseReturnValue:
    found = queries.users_page(session, q=q, page=page)
    return render_template(
        "admin/users.html",
        found=found,
        q=q,
        problem=problem,
        me=viewer(),
        link=lambda page: url_for(".users", q=q or None, page=page),
    ), status


@bp.get("/users")
def users() -> ResponseReturnValue:
    require("installation.manage")
    page = _page_number(request.args.get("page"))
    if page is None:
        message = _("Cette page n'existe pas.")
        return render_template("errors/error.html", code=400, message=message), 400
    q = request.args.get("q", "").strip()[:SEARCH_MAX]
    return _users_page(db_session(), q, page)


def _set_active(user_id: int, *, active: bool) -> ResponseReturnValue:
    session = db_session()
    require("installation.manage")
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    q = request.form.get("q", "").strip()[:SEARCH_MAX]
    page = _page_number(request.form.get("page")) or 1
    admin = viewer()
    assert admin is not None  # an admin is signed in
    saved = save(session, lambda: service.set_active(session, user, active=active, by=admin))
    if not saved.ok:
        return _users_page(session, q, page, problem=str(saved.error), status=saved.status)
    if not saved.value:
        already = (
            _("Ce compte était déjà actif.") if active else _("Ce compte était déjà désactivé.")
        )
        flash(already, "info")
    elif active:
        flash(_("Compte de %(name)s réactivé.", name=user.name), "success")
    else:
        flash(
            _("Compte de %(name)s désactivé : ses sessions sont fermées.", name=user.name),
            "success",
        )
    return redirect(url_for(".users", q=q or None, page=page if page > 1 else None))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, active=False)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, active=True)
