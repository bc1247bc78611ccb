"""The register of algorithmic systems and AI uses: public pages; owners and facilitators write.

Everyone reads the published entries, their pages and histories; a draft is a 404 for whoever
may not see it. A member records an entry for their own actor, a facilitator for any actor of
the coalition; the owner's people and facilitators edit it; facilitators publish it.
"""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import is_facilitator, membership_in, require, viewer
from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.forms import VersionedForm
from coalition.core.input import chosen_id, chosen_ids, parse_id
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.register import queries, service
from coalition.register.forms import EntryForm
from coalition.register.models import ENTRY_STATUS_LABELS, RegisterEntry

bp = Blueprint("register", __name__)


@bp.context_processor
def register_labels() -> dict[str, Any]:
    return {"status_labels": ENTRY_STATUS_LABELS, "field_labels": queries.FIELD_LABELS}


def _load(slug: str, entry_id: int) -> tuple[Session, Coalition, RegisterEntry]:
    """The coalition's entry, a 404 when it is a draft the viewer may not see."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    entry = queries.entry_or_404(session, coalition, entry_id)
    require("entry.view", entry, hide=True)
    return session, coalition, entry


# -- reading ------------------------------------------------------------------------------


@bp.get("/c/<slug>/register")
def listing(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    levers = queries.coalition_levers(session, coalition)
    filters = queries.parse_filters(request.args, {lever.id for lever in levers})
    if filters is None:
        abort(400, description=_("Ce filtre n'existe pas."))
    return render_template(
        "register/list.html",
        coalition=coalition,
        register=queries.register_list(session, coalition, filters, levers, viewer()),
        lever_choices=queries.lever_choices(levers),
        chosen={key: request.args.get(key, "") for key in ("status", "family", "lever")},
        decisions=request.args.get("decisions", ""),
    )


def _entry_page(
    session: Session,
    coalition: Coalition,
    entry: RegisterEntry,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    sheet = queries.entry_sheet(session, entry, viewer())
    return render_template(
        "register/entry.html", coalition=coalition, sheet=sheet, problems=problems or []
    ), status


@bp.get("/c/<slug>/register/<int:entry_id>")
def entry(slug: str, entry_id: int) -> ResponseReturnValue:
    session, coalition, entry = _load(slug, entry_id)
    return _entry_page(session, coalition, entry)


@bp.get("/c/<slug>/register/<int:entry_id>/history")
def history(slug: str, entry_id: int) -> ResponseReturnValue:
    session, coalition, entry = _load(slug, entry_id)
    return render_template(
        "register/history.html",
        coalition=coalition,
        entry=entry,
        lines=queries.entry_history(session, coalition, entry, viewer()),
    )


# -- recording and editing ----------------------------------------------------------------


def _own_actor(session: Session, coalition: Coalition, user: User | None) -> Actor | None:
    """The actor a member speaks for (None for the others)."""
    membership = membership_in(user, coalition.id)
    if membership is None or membership.actor_id is None:
        return None
    return queries.owner_of(session, coalition, membership.actor_id)


def _offer(
    session: Session,
    coalition: Coalition,
    form: EntryForm,
    owners: list[Actor],
    entry: RegisterEntry | None,
) -> None:
    actors = queries.coalition_actors(session, coalition)
    kept_cases = [case.id for case in entry.cases] if entry else []
    form.offer(
        owners if owners else actors,
        queries.coalition_levers(session, coalition),
        queries.offered_actions(session, coalition),
        queries.offered_cases(session, coalition, viewer(), kept_cases),
        kept_levers={lever.id for lever in entry.levers} if entry else set(),
    )
    form.offer_vendors(actors)


def _details(form: EntryForm, owner_id: int | None) -> service.EntryDetails:
    return service.EntryDetails(
        name=form.name.data or "",
        status=form.status.data or "",
        owner_id=owner_id,
        purpose=form.purpose.data or "",
        individual_decisions=bool(form.individual_decisions.data),
        human_oversight=form.human_oversight.data or "",
        data_used=form.data_used.data or "",
        personal_data=bool(form.personal_data.data),
        vendor_id=chosen_id(form.vendor.data, "vendor"),
        source_code_url=form.source_code_url.data or "",
        licence=form.licence.data or "",
        impact_assessment=form.impact_assessment.data or "",
        impact_assessment_url=form.impact_assessment_url.data or "",
        contact=form.contact.data or "",
        lever_ids=chosen_ids(form.levers.data, "levers"),
        action_ids=chosen_ids(form.actions.data, "actions"),
        case_ids=chosen_ids(form.cases.data, "cases"),
    )


def _form_page(
    coalition: Coalition,
    form: EntryForm,
    entry: RegisterEntry | None,
    *,
    fixed_owner: Actor | None,
    status: int,
) -> ResponseReturnValue:
    return render_template(
        "register/form.html",
        coalition=coalition,
        form=form,
        entry=entry,
        fixed_owner=fixed_owner,
    ), status


@bp.route("/c/<slug>/register/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    """A member records an entry for their own actor; a facilitator chooses the owner (the
    `owner` query argument presets it, from an actor's page)."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("register.record", coalition)
    user = viewer()
    runs = is_facilitator(user, coalition.id)
    own = None if runs else _own_actor(session, coalition, user)
    owners = [own] if own else []
    if request.method == "GET":
        preset = parse_id(request.args.get("owner", "")) if runs else None
        form = EntryForm(formdata=None, owner=str(preset or ""), status="idea")
        _offer(session, coalition, form, owners, None)
        return _form_page(coalition, form, None, fixed_owner=own, status=200)
    form = EntryForm()
    _offer(session, coalition, form, owners, None)
    status = 400
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.record_entry(
                session,
                coalition,
                _details(
                    form, chosen_id(form.owner.data, "owner") if runs else (own.id if own else None)
                ),
                by=user,
            ),
            form=form,
        )
        if saved.value is not None:
            flash(
                _("Fiche enregistrée. Elle paraîtra dans le registre public une fois publiée."),
                "success",
            )
            return redirect(url_for("register.entry", slug=slug, entry_id=saved.value.id))
        status = saved.status
        _offer(session, coalition, form, owners, None)
    return _form_page(coalition, form, None, fixed_owner=own, status=status)


@bp.route("/c/<slug>/register/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(slug: str, entry_id: int) -> ResponseReturnValue:
    session, coalition, entry = _load(slug, entry_id)
    require("entry.edit", entry)
    user = viewer()
    runs = is_facilitator(user, coalition.id)
    fixed = None if runs else queries.owner_of(session, coalition, entry.owner_id)
    owners = [fixed] if fixed else []
    if request.method == "GET":
        form = EntryForm(
            formdata=None,
            version=entry.version,
            owner=str(entry.owner_id),
            name=entry.name,
            purpose=entry.purpose,
            status=entry.status.value,
            individual_decisions=entry.individual_decisions,
            human_oversight=entry.human_oversight,
            data_used=entry.data_used,
            personal_data=entry.personal_data,
            vendor=str(entry.vendor_id or ""),
            source_code_url=entry.source_code_url,
            licence=entry.licence,
            impact_assessment=entry.impact_assessment,
            impact_assessment_url=entry.impact_assessment_url,
            contact=entry.contact,
            levers=[str(lever.id) for lever in entry.levers],
            actions=[str(action.id) for action in entry.actions],
            cases=[str(case.id) for case in entry.cases],
        )
        _offer(session, coalition, form, owners, entry)
        return _form_page(coalition, form, entry, fixed_owner=fixed, status=200)
    form = EntryForm()
    _offer(session, coalition, form, owners, entry)
    status = 400
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.update_entry(
                session,
                coalition,
                entry,
                _details(form, chosen_id(form.owner.data, "owner") if runs else entry.owner_id),
                seen_version=form.version.data,
                by=user,
            ),
            form=form,
        )
        if saved.ok:
            if saved.value is None:
                flash(_("Aucun changement : la fiche est restée telle quelle."), "info")
            else:
                flash(_("Fiche enregistrée (version %(num)d).", num=saved.value.number), "success")
            return redirect(url_for("register.entry", slug=slug, entry_id=entry_id))
        status = saved.status
        entry = queries.entry_or_404(session, coalition, entry_id)
        _offer(session, coalition, form, owners, entry)
    return _form_page(coalition, form, entry, fixed_owner=fixed, status=status)


# -- publishing ---------------------------------------------------------------------------


def _publishing(slug: str, entry_id: int, published: bool) -> ResponseReturnValue:
    session, coalition, entry = _load(slug, entry_id)
    require("entry.publish", entry)
    form = VersionedForm()
    if not form.validate_on_submit():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return _entry_page(session, coalition, entry, problems=problems, status=400)
    write = service.publish_entry if published else service.unpublish_entry
    saved = save(
        session,
        lambda: write(
            session,
            coalition,
            entry,
            seen_version=form.version.data,
            by=viewer(),
            now=utcnow(),
        ),
    )
    if not saved.ok:
        entry = queries.entry_or_404(session, coalition, entry_id)
        return _entry_page(
            session, coalition, entry, problems=[str(saved.error)], status=saved.status
        )
    if published:
        flash(_("Fiche publiée : elle paraît dans le registre public."), "success")
    else:
        flash(_("Fiche retirée du registre public : elle redevient un brouillon."), "success")
    return redirect(url_for("register.entry", slug=slug, entry_id=entry_id))


@bp.post("/c/<slug>/register/<int:entry_id>/publish")
def publish(slug: str, entry_id: int) -> ResponseReturnValue:
    return _publishing(slug, entry_id, True)


@bp.post("/c/<slug>/register/<int:entry_id>/unpublish")
def unpublish(slug: str, entry_id: int) -> ResponseReturnValue:
    return _publishing(slug, entry_id, False)
