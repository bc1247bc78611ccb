"""The charter of values, its versions and signatures; the labels the coalition tries out.

Everyone reads them; facilitators publish versions and write and award labels; only an actor's
own people sign the charter for it.
"""

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from coalition.access import can, require, viewer
from coalition.actors.models import Actor
from coalition.charter import queries, service
from coalition.charter.forms import AwardForm, LabelForm, SignForm, VersionForm
from coalition.charter.models import Label
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import ValidationError
from coalition.core.input import parse_id
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.register.models import RegisterEntry

bp = Blueprint("charter", __name__)
ACTOR_CHARTER = "actor_charter"  # app.extensions: what an actor's page shows of the charter


@bp.record_once
def _actor_page_reads_the_charter(state: BlueprintSetupState) -> None:
    """The actors' pages (a floor below) show the badge and labels through this hook."""
    state.app.extensions[ACTOR_CHARTER] = queries.actor_charter


@bp.context_processor
def register_links() -> dict[str, Any]:
    def entry_url(coalition: Coalition, entry: RegisterEntry) -> str | None:
        """The entry's page, once the register has one."""
        if "register.entry" not in current_app.view_functions:
            return None
        return url_for("register.entry", slug=coalition.slug, entry_id=entry.id)

    return {"entry_url": entry_url}


# -- the charter --------------------------------------------------------------------------


def _sign_form(user: Any, place: queries.SignerPlace | None, current: Any) -> SignForm | None:
    if place is None or place.signature is not None:
        return None
    return SignForm(
        formdata=None,
        actor=place.actor.id,
        version=current.number,
        name=user.name if user else "",
    )


def _charter_page(
    session: Session,
    coalition: Coalition,
    number: int | None = None,
    *,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = viewer()
    sheet = queries.charter_sheet(session, coalition, user, number)
    current = sheet.current if sheet else None
    place = queries.signer_place(session, coalition, user, current)
    if sheet is not None and not sheet.is_current:
        place = None  # one signs the current version only
    if place is not None and sign_form is None:
        sign_form = _sign_form(user, place, current)
    return render_template(
        "charter/page.html",
        coalition=coalition,
        sheet=sheet,
        place=place,
        sign_form=sign_form,
    ), status


@bp.get("/c/<slug>/charter")
def page(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return _charter_page(session, coalition)


@bp.get("/c/<slug>/charter/v<int:number>")
def version(slug: str, number: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return _charter_page(session, coalition, number)


@bp.route("/c/<slug>/charter/new", methods=["GET", "POST"])
def publish(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("charter.manage", coalition)
    current = queries.current_version(session, coalition.id)
    status = 200
    if request.method == "GET":
        form = VersionForm(
            formdata=None,
            based_on=current.number if current else 0,
            title=current.title if current else _("Charte de la coalition"),
            text=current.text if current else "",
        )
    else:
        form = VersionForm()
        status = 400
        if form.validate_on_submit():
            details = service.VersionDetails(
                title=form.title.data or "",
                text=form.text.data or "",
                changes=form.changes.data or "",
            )
            saved = save(
                session,
                lambda: service.publish_version(
                    session,
                    coalition,
                    details,
                    based_on=form.based_on.data or 0,
                    by=viewer(),
                    now=utcnow(),
                ),
                form=form,
            )
            if saved.value is not None:
                flash(_("Version %(num)d de la charte publiée.", num=saved.value.number), "success")
                return redirect(url_for("charter.page", slug=slug))
            status = saved.status
            current = queries.current_version(session, coalition.id)
    return render_template(
        "charter/new.html", coalition=coalition, form=form, current=current
    ), status


def _actor_to_sign_for(session: Session, coalition: Coalition) -> Actor:
    """The actor the form signs for: a member of another actor, or someone who speaks for none,
    is refused with a clear 403."""
    ident = parse_id(request.form.get("actor"))
    actor = session.get(Actor, ident) if ident is not None else None
    if (
        actor is None
        or actor.coalition_id != coalition.id
        or not can(viewer(), "charter.sign", actor)
    ):
        abort(403, description=str(service.NOT_A_SPEAKER))
    require("charter.sign", actor)
    return actor


@bp.post("/c/<slug>/charter/sign")
def sign(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.participate", coalition)  # the public is sent to log in
    actor = _actor_to_sign_for(session, coalition)
    form = SignForm()
    if form.validate_on_submit():
        signer = service.SignerDetails(name=form.name.data or "", role=form.role.data or "")
        saved = save(
            session,
            lambda: service.sign(
                session,
                coalition,
                actor,
                signer,
                version_number=form.version.data,
                by=viewer(),
                now=utcnow(),
            ),
            form=form,
        )
        if saved.value is not None:
            flash(_("Vous avez signé la charte au nom de %(actor)s.", actor=actor.name), "success")
            return redirect(url_for("charter.page", slug=slug))
        return _charter_page(session, coalition, sign_form=form, status=saved.status)
    return _charter_page(session, coalition, sign_form=form, status=400)


# -- labels -------------------------------------------------------------------------------


@bp.get("/c/<slug>/labels")
def labels(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    found = queries.labels(session, coalition, viewer())
    return render_template("charter/labels.html", coalition=coalition, held_labels=found)


def _load_label(slug: str, label_id: int) -> tuple[Session, Coalition, Label]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return session, coalition, queries.label_or_404(session, coalition, label_id)


def _label_page(
    session: Session,
    coalition: Coalition,
    label: Label,
    *,
    award_form: AwardForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = viewer()
    holders = queries.label_sheet(session, coalition, label, user)
    if can(user, "charter.manage", coalition):
        award_form = award_form or AwardForm(formdata=None)
        award_form.offer(*queries.award_choices(session, coalition, holders))
    else:
        award_form = None
    return render_template(
        "charter/label.html", coalition=coalition, holders=holders, award_form=award_form
    ), status


@bp.get("/c/<slug>/labels/<int:label_id>")
def label(slug: str, label_id: int) -> ResponseReturnValue:
    session, coalition, found = _load_label(slug, label_id)
    require("coalition.view", coalition)
    return _label_page(session, coalition, found)


def _label_details(form: LabelForm) -> service.LabelDetails:
    return service.LabelDetails(name=form.name.data or "", criteria=form.criteria.data or "")


@bp.route("/c/<slug>/labels/new", methods=["GET", "POST"])
def create_label(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("charter.manage", coalition)
    form = LabelForm() if request.method == "POST" else LabelForm(formdata=None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            details = _label_details(form)
            saved = save(
                session,
                lambda: service.create_label(session, coalition, details, by=viewer()),
                form=form,
            )
            if saved.value is not None:
                flash(_("Label enregistré."), "success")
                return redirect(url_for("charter.label", slug=slug, label_id=saved.value.id))
            status = saved.status
    return render_template(
        "charter/label_form.html", coalition=coalition, form=form, label=None
    ), status


@bp.route("/c/<slug>/labels/<int:label_id>/edit", methods=["GET", "POST"])
def edit_label(slug: str, label_id: int) -> ResponseReturnValue:
    session, coalition, found = _load_label(slug, label_id)
    require("charter.manage", coalition)
    if request.method == "GET":
        form = LabelForm(
            formdata=None, version=found.version, name=found.name, criteria=found.criteria
        )
        return render_template(
            "charter/label_form.html", coalition=coalition, form=form, label=found
        )
    form = LabelForm()
    status = 400
    if form.validate_on_submit():
        details = _label_details(form)
        saved = save(
            session,
            lambda: service.update_label(
                session,
                coalition,
                found,
                details,
                seen_version=form.version.data,
                by=viewer(),
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Label enregistré."), "success")
            return redirect(url_for("charter.label", slug=slug, label_id=label_id))
        status = saved.status
        found = queries.label_or_404(session, coalition, label_id)
    return render_template(
        "charter/label_form.html", coalition=coalition, form=form, label=found
    ), status


def _chosen(value: str | None, name: str) -> int | None:
    if not value:
        return None
    ident = parse_id(value)
    if ident is None:
        raise ValidationError(_("Ce choix n'appartient pas à cette coalition."), field=name)
    return ident


@bp.post("/c/<slug>/labels/<int:label_id>/award")
def award(slug: str, label_id: int) -> ResponseReturnValue:
    session, coalition, found = _load_label(slug, label_id)
    require("charter.manage", coalition)
    form = AwardForm()
    if not form.validate_on_submit():
        return _label_page(session, coalition, found, award_form=form, status=400)

    def write() -> Any:
        return service.award_label(
            session,
            coalition,
            found,
            actor_id=_chosen(form.actor.data, "actor"),
            entry_id=_chosen(form.entry.data, "entry"),
            by=viewer(),
            now=utcnow(),
        )

    saved = save(session, write, form=form)
    if saved.ok:
        flash(_("Label attribué."), "success")
        return redirect(url_for("charter.label", slug=slug, label_id=label_id))
    found = queries.label_or_404(session, coalition, label_id)
    return _label_page(session, coalition, found, award_form=form, status=saved.status)


@bp.post("/c/<slug>/labels/<int:label_id>/awards/<int:award_id>/withdraw")
def withdraw(slug: str, label_id: int, award_id: int) -> ResponseReturnValue:
    session, coalition, found = _load_label(slug, label_id)
    require("charter.manage", coalition)
    held = queries.award_or_404(session, found, award_id)
    if not FlaskForm().validate_on_submit():  # its CSRF token only
        flash(_("Le formulaire a expiré : rechargez la page et recommencez."), "error")
        return _label_page(session, coalition, found, status=400)
    saved = save(
        session, lambda: service.withdraw_award(session, coalition, found, held, by=viewer())
    )
    if saved.ok:
        flash(_("Label retiré."), "success")
    else:
        flash(str(saved.error), "error")
    return redirect(url_for("charter.label", slug=slug, label_id=label_id))
