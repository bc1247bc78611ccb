"""Actors: the directory, an actor's page, and "my organisation" (levers and commitments)."""

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from coalition.access import can, membership_in, require, viewer
from coalition.actors import queries, service
from coalition.actors.filters import parse_directory_filters
from coalition.actors.forms import (
    ActorForm,
    CommitForm,
    CommitmentEditForm,
    HoldingAddForm,
    HoldingEditForm,
    VersionedForm,
)
from coalition.actors.history import HistoryLine, describe
from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.coalitions import queries as coalition_queries
from coalition.coalitions.models import Coalition, Lever
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import ValidationError
from coalition.core.versions import StaleEdit
from coalition.core.writes import save
from coalition.db import db_session
from coalition.roadmap.models import Action, Commitment, CommitmentStatus, Role

bp = Blueprint("actors", __name__)


def _load(slug: str, actor_id: int) -> tuple[Session, Coalition, Actor]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return session, coalition, queries.actor_or_404(session, coalition, actor_id)


@bp.get("/c/<slug>/actors")
def directory(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    levers = coalition_queries.coalition_levers(session, coalition)
    filters, problem = parse_directory_filters(request.args, {lever.id for lever in levers})
    if problem:
        return render_template("errors/error.html", code=400, message=problem), 400
    found = queries.directory(session, coalition, viewer(), filters)
    by_family = filters.sort == queries.DirectorySort.family
    return render_template(
        "actors/directory.html",
        coalition=coalition,
        found=found,
        groups=queries.by_family(found.entries) if by_family else [(None, found.entries)],
        filters=filters,
        levers=levers,
        link=lambda page: url_for(
            "actors.directory", slug=slug, **{**request.args.to_dict(), "page": page}
        ),
    )


@bp.get("/c/<slug>/actors/<int:actor_id>")
def page(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.view", actor, hide=True)
    with_history = can(viewer(), "coalition.participate", coalition)
    profile = queries.actor_profile(session, actor, with_history=with_history)
    names = _names(session, coalition) if with_history else {}
    history = [(describe(event, names), author) for event, author in profile.history]
    charter = current_app.extensions.get("actor_charter")  # the badge and labels it holds
    return render_template(
        "actors/page.html",
        coalition=coalition,
        profile=profile,
        history=history,
        charter=charter(session, actor) if charter else None,
    )


@bp.get("/c/<slug>/my-organisation")
def my_organisation(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.participate", coalition)
    membership = membership_in(viewer(), coalition.id)
    if membership is None or membership.actor_id is None:
        flash(_("Votre compte ne représente pas d'organisation : choisissez un acteur."), "info")
        return redirect(url_for("actors.directory", slug=slug))
    return redirect(url_for("actors.manage", slug=slug, actor_id=membership.actor_id))


# -- my organisation: levers held and commitments ----------------------------------------


def _names(session: Session, coalition: Coalition) -> dict[str, dict[int, str]]:
    levers = session.execute(select(Lever.id, Lever.name).where(Lever.coalition_id == coalition.id))
    actions = session.execute(
        select(Action.id, Action.title).where(Action.coalition_id == coalition.id)
    )
    return {"levers": dict(levers.all()), "actions": dict(actions.all())}


def _manage_page(
    session: Session,
    coalition: Coalition,
    actor: Actor,
    *,
    status: int = 200,
    failed: tuple[str, FlaskForm] | None = None,
    conflict: StaleEdit | None = None,
) -> ResponseReturnValue:
    """The "my organisation" page; a refused form comes back filled in, with its errors."""
    profile = queries.actor_profile(session, actor, with_history=False)
    levers = coalition_queries.coalition_levers(session, coalition, with_retired=False)
    actions = queries.open_actions(session, coalition)
    forms: dict[str, Any] = {}
    for holding in profile.holdings:
        forms[f"h{holding.id}"] = HoldingEditForm(
            prefix=f"h{holding.id}", obj=holding, formdata=None
        )
    for commitment in profile.commitments:
        forms[f"c{commitment.id}"] = CommitmentEditForm(
            prefix=f"c{commitment.id}", obj=commitment, formdata=None
        )
    held = {holding.lever_id for holding in profile.holdings}
    forms["add_holding"] = HoldingAddForm(prefix="add", formdata=None)
    forms["commit"] = CommitForm(prefix="commit", formdata=None)
    if failed:
        forms[failed[0]] = failed[1]
    forms["add_holding"].lever.choices = [
        SelectChoice(str(lv.id), lv.name) for lv in levers if lv.id not in held
    ]
    committed = {c.action_id for c in profile.commitments if c.status != CommitmentStatus.withdrawn}
    forms["commit"].action.choices = _commit_choices(actions, committed, forms["commit"])
    changes = []
    if conflict is not None:
        changes = _changes(session, coalition, conflict)
    problems = []  # errors of the small remove/withdraw forms, which the page does not redraw
    if failed and failed[0] not in forms:
        problems = [
            *failed[1].form_errors,
            *(e for errs in failed[1].errors.values() for e in errs),
        ]
    return render_template(
        "actors/manage.html",
        coalition=coalition,
        profile=profile,
        forms=forms,
        conflict=conflict,
        changes=changes,
        problems=problems,
    ), status


def _commit_choices(
    actions: list[Action], committed: set[int], form: CommitForm
) -> list[SelectChoice]:
    """The open actions not committed to yet, after an empty first option; a refused form keeps
    the action it chose, so that the page shows it selected with the error next to it."""
    kept = form.action.data
    offered = [a for a in actions if a.id not in committed or a.id == kept]
    return [
        SelectChoice("", _("Choisissez une action")),
        *(SelectChoice(str(a.id), a.title) for a in offered),
    ]


def _changes(
    session: Session, coalition: Coalition, stale: StaleEdit
) -> list[tuple[HistoryLine, str]]:
    """What made the record go past the version the user saw, told as history lines."""
    events = queries.changes_since(session, stale.entity, stale.record.id, stale.seen_version)
    names = _names(session, coalition)
    return [(describe(event, names), author) for event, author in events]


@bp.get("/c/<slug>/actors/<int:actor_id>/manage")
def manage(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    return _manage_page(session, coalition, actor)


def _apply(
    session: Session,
    coalition: Coalition,
    actor: Actor,
    key: str,
    form: FlaskForm,
    write: Callable[[], None],
    done: str,
) -> ResponseReturnValue:
    """Validate, write, commit and go back; or show the page again with what went wrong."""
    if not form.validate_on_submit():
        return _manage_page(session, coalition, actor, status=400, failed=(key, form))
    saved = save(session, write, form=form, stale_on_form=False)
    if not saved.ok:
        return _manage_page(
            session, coalition, actor, status=saved.status, failed=(key, form), conflict=saved.stale
        )
    flash(done, "success")
    return redirect(url_for("actors.manage", slug=coalition.slug, actor_id=actor.id))


def _holding_or_404(session: Session, actor: Actor, holding_id: int) -> Holding:
    holding = session.get(Holding, holding_id)
    if holding is None or holding.actor_id != actor.id:
        abort(404)
    return holding


def _commitment_or_404(session: Session, actor: Actor, commitment_id: int) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.actor_id != actor.id:
        abort(404)
    return commitment


@bp.post("/c/<slug>/actors/<int:actor_id>/holdings")
def add_holding(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    form = HoldingAddForm(prefix="add")

    def write() -> None:
        lever = session.get(Lever, form.lever.data) if form.lever.data else None
        if lever is None:
            raise ValidationError(_("Ce levier n'existe pas."), field="lever")
        service.add_holding(
            session,
            actor,
            lever,
            capacity=form.capacity.data,
            note=form.note.data or "",
            by=viewer(),
        )

    return _apply(session, coalition, actor, "add_holding", form, write, _("Levier ajouté."))


@bp.post("/c/<slug>/actors/<int:actor_id>/holdings/<int:holding_id>")
def edit_holding(slug: str, actor_id: int, holding_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    holding = _holding_or_404(session, actor, holding_id)
    form = HoldingEditForm(prefix=f"h{holding.id}")

    def write() -> None:
        service.update_holding(
            session,
            actor,
            holding,
            capacity=form.capacity.data,
            note=form.note.data or "",
            seen_version=form.version.data,
            by=viewer(),
        )

    return _apply(session, coalition, actor, f"h{holding.id}", form, write, _("Levier mis à jour."))


@bp.post("/c/<slug>/actors/<int:actor_id>/holdings/<int:holding_id>/remove")
def remove_holding(slug: str, actor_id: int, holding_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    holding = _holding_or_404(session, actor, holding_id)
    form = VersionedForm(prefix=f"h{holding.id}")

    def write() -> None:
        service.remove_holding(session, actor, holding, seen_version=form.version.data, by=viewer())

    key = f"h{holding.id}-remove"
    return _apply(session, coalition, actor, key, form, write, _("Levier retiré."))


@bp.post("/c/<slug>/actors/<int:actor_id>/commitments")
def commit(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    form = CommitForm(prefix="commit")

    def write() -> None:
        action = session.get(Action, form.action.data) if form.action.data else None
        if action is None:
            raise ValidationError(_("Cette action n'existe pas."), field="action")
        service.commit_to_action(
            session,
            actor,
            action,
            role=Role(form.role.data),
            contribution=form.contribution.data or "",
            by=viewer(),
        )

    return _apply(session, coalition, actor, "commit", form, write, _("Engagement enregistré."))


@bp.post("/c/<slug>/actors/<int:actor_id>/commitments/<int:commitment_id>")
def edit_commitment(slug: str, actor_id: int, commitment_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    commitment = _commitment_or_404(session, actor, commitment_id)
    form = CommitmentEditForm(prefix=f"c{commitment.id}")

    def write() -> None:
        service.update_commitment(
            session,
            actor,
            commitment,
            role=Role(form.role.data),
            contribution=form.contribution.data or "",
            status=CommitmentStatus(form.status.data),
            seen_version=form.version.data,
            by=viewer(),
        )

    key = f"c{commitment.id}"
    return _apply(session, coalition, actor, key, form, write, _("Engagement mis à jour."))


# -- facilitators: create and edit actors --------------------------------------------------


def _details(form: ActorForm) -> service.ActorDetails:
    return service.ActorDetails(
        name=form.name.data or "",
        family=Family(form.family.data),
        kind=ActorKind(form.kind.data),
        territory=(form.territory.data or "").strip(),
        website=(form.website.data or "").strip() or None,
        description=(form.description.data or "").strip(),
        status=ActorStatus(form.status.data),
        is_partner=bool(form.is_partner.data),
        is_listed=bool(form.is_listed.data),
    )


@bp.route("/c/<slug>/actors/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("actor.manage", coalition)
    form = ActorForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("actors/form.html", coalition=coalition, form=form), status
    saved = save(
        session,
        lambda: service.create_actor(session, coalition, _details(form), by=viewer()),
        form=form,
    )
    if not saved.ok or saved.value is None:
        return render_template("actors/form.html", coalition=coalition, form=form), saved.status
    actor = saved.value
    flash(_("Acteur créé."), "success")
    return redirect(url_for("actors.page", slug=slug, actor_id=actor.id))


@bp.route("/c/<slug>/actors/<int:actor_id>/edit", methods=["GET", "POST"])
def edit(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.manage", actor)
    form = ActorForm(obj=actor if request.method == "GET" else None)  # a POST names its version
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "actors/form.html", coalition=coalition, form=form, actor=actor
        ), status
    saved = save(
        session,
        lambda: service.update_actor(
            session, actor, _details(form), seen_version=form.version.data, by=viewer()
        ),
        form=form,
    )
    if saved.ok:
        flash(_("Fiche mise à jour."), "success")
        return redirect(url_for("actors.page", slug=slug, actor_id=actor.id))
    changes = _changes(session, coalition, saved.stale) if saved.stale else []
    return render_template(
        "actors/form.html", coalition=coalition, form=form, actor=actor, changes=changes
    ), saved.status


@bp.post("/c/<slug>/actors/<int:actor_id>/commitments/<int:commitment_id>/withdraw")
def withdraw_commitment(slug: str, actor_id: int, commitment_id: int) -> ResponseReturnValue:
    session, coalition, actor = _load(slug, actor_id)
    require("actor.edit", actor)
    commitment = _commitment_or_404(session, actor, commitment_id)
    form = VersionedForm(prefix=f"c{commitment.id}")

    def write() -> None:
        service.withdraw_commitment(
            session, actor, commitment, seen_version=form.version.data, by=viewer()
        )

    key = f"c{commitment.id}-withdraw"
    return _apply(session, coalition, actor, key, form, write, _("Engagement retiré."))
