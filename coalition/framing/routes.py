"""Framing a coalition: name, tagline, context, phase; data licence; axes and levers; partners."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.actors import queries as actor_queries
from coalition.actors import service as actor_service
from coalition.coalitions.models import DATA_LICENCES, Axis, Coalition, Lever
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import Conflict
from coalition.core.forms import VersionedForm
from coalition.core.versions import StaleEdit
from coalition.core.writes import Saved, save
from coalition.db import db_session, utcnow
from coalition.framing import service
from coalition.framing.forms import (
    DataLicenceForm,
    FramingForm,
    ItemEditForm,
    ItemForm,
    MoveForm,
    PartnerForm,
)
from coalition.framing.queries import Item, framing_page, item_or_404, usage_of

bp = Blueprint("framing", __name__)
KINDS: dict[str, type[Item]] = {"axes": Axis, "levers": Lever}
ITEM = "/c/<slug>/framing/<any(axes, levers):kind>/<int:item_id>"


def _load(slug: str) -> tuple[Session, Coalition]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.frame", coalition)
    return session, coalition


def _load_item(slug: str, kind: str, item_id: int) -> tuple[Session, Coalition, Item]:
    session, coalition = _load(slug)
    return session, coalition, item_or_404(session, coalition, KINDS[kind], item_id)


def _status(saved: Saved[Any]) -> int:
    """A name taken, an item retired, in use or stale: 409, as someone else's change; else 400."""
    return 409 if isinstance(saved.error, Conflict) else 400


def _problems(form: FlaskForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _changes(session: Session, stale: StaleEdit) -> list[Any]:
    return actor_queries.changes_since(session, stale.entity, stale.record.id, stale.seen_version)


def _page(
    session: Session,
    coalition: Coalition,
    *,
    status: int = 200,
    form: FramingForm | None = None,
    licence_form: DataLicenceForm | None = None,
    new: dict[str, ItemForm] | None = None,
    problems: list[str] | None = None,
    changes: list[Any] | None = None,
) -> ResponseReturnValue:
    """The framing page; a refused form comes back filled in, with its errors."""
    new_forms = {kind: ItemForm(prefix=f"new-{kind}", formdata=None) for kind in KINDS}
    return render_template(
        "framing/edit.html",
        coalition=coalition,
        page=framing_page(session, coalition),
        form=form or FramingForm(formdata=None, obj=coalition),
        licence_form=licence_form or DataLicenceForm(formdata=None, obj=coalition),
        licences=DATA_LICENCES,
        new_forms={**new_forms, **(new or {})},
        problems=problems or [],
        changes=changes,
    ), status


def _back(coalition: Coalition, anchor: str, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for(".edit", slug=coalition.slug, _anchor=anchor))


@bp.route("/c/<slug>/framing", methods=["GET", "POST"])
def edit(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    if request.method == "GET":
        return _page(session, coalition)
    form = FramingForm()
    if not form.validate_on_submit():
        return _page(session, coalition, form=form, status=400)
    details = service.FramingDetails(
        name=form.name.data or "",
        tagline=form.tagline.data or "",
        context=form.context.data or "",
        phase=form.phase.data or "",
        reminder_days=form.reminder_days.data,
        signup_retention_months=form.signup_retention_months.data,
    )
    saved = save(
        session,
        lambda: service.update_framing(
            session, coalition, details, seen_version=form.version.data, by=viewer()
        ),
        form=form,
    )
    if saved.ok:
        return _back(coalition, "presentation", _("Présentation de la coalition enregistrée."))
    changes = _changes(session, saved.stale) if saved.stale else None
    return _page(session, coalition, form=form, status=_status(saved), changes=changes)


@bp.post("/c/<slug>/framing/licence")
def set_licence(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    form = DataLicenceForm()
    if not form.validate_on_submit():
        return _page(session, coalition, licence_form=form, status=400)
    saved = save(
        session,
        lambda: service.set_data_licence(
            session,
            coalition,
            form.data_licence.data or "",
            seen_version=form.version.data,
            by=viewer(),
        ),
        form=form,
    )
    if saved.ok:
        return _back(coalition, "licence", _("Licence des données ouvertes enregistrée."))
    return _page(session, coalition, licence_form=form, status=_status(saved))


# -- axes and levers ----------------------------------------------------------------------


@bp.post("/c/<slug>/framing/<any(axes, levers):kind>")
def add_item(slug: str, kind: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    form = ItemForm(prefix=f"new-{kind}")
    if not form.validate_on_submit():
        return _page(session, coalition, new={kind: form}, status=400)
    saved = save(
        session,
        lambda: service.add_item(
            session,
            coalition,
            KINDS[kind],
            name=form.name.data or "",
            description=form.description.data or "",
            by=viewer(),
        ),
        form=form,
    )
    if saved.ok:
        return _back(
            coalition, kind, _("Approche ajoutée.") if kind == "axes" else _("Levier ajouté.")
        )
    return _page(session, coalition, new={kind: form}, status=_status(saved))


@bp.route(ITEM, methods=["GET", "POST"])
def edit_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
    session, coalition, item = _load_item(slug, kind, item_id)
    # on a POST, only what was sent counts: a missing version must not pass for the current one
    form = ItemEditForm() if request.method == "POST" else ItemEditForm(obj=item)
    status, changes = 200, None
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.edit_item(
                session,
                item,
                name=form.name.data or "",
                description=form.description.data or "",
                seen_version=form.version.data,
                by=viewer(),
            ),
            form=form,
        )
        if saved.ok:
            return _back(
                coalition,
                kind,
                _("Approche enregistrée.") if kind == "axes" else _("Levier enregistré."),
            )
        changes = _changes(session, saved.stale) if saved.stale else None
        status = _status(saved)
    elif form.is_submitted():
        status = 400
    return render_template(
        "framing/item.html",
        coalition=coalition,
        kind=kind,
        item=item,
        usage=usage_of(session, item),
        form=form,
        changes=changes,
    ), status


def _change(
    slug: str,
    kind: str,
    item_id: int,
    form_class: type[FlaskForm],
    write: Callable[[Session, Item, Any], Any],
    done: dict[str, str],
) -> ResponseReturnValue:
    """A button of the framing page: validate, write, commit and go back; or say why not."""
    session, coalition, item = _load_item(slug, kind, item_id)
    form = form_class()
    if not form.validate_on_submit():
        return _page(session, coalition, problems=_problems(form), status=400)
    name = item.name
    saved = save(session, lambda: write(session, item, form))
    if not saved.ok:
        return _page(session, coalition, problems=[str(saved.error)], status=_status(saved))
    return _back(coalition, kind, done[kind] % {"name": name})


@bp.post(ITEM + "/move")
def move_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
    def write(session: Session, item: Item, form: Any) -> None:
        service.move_item(session, item, up=form.direction.data == "up", by=viewer())

    done = {
        "axes": _("Ordre des approches enregistré."),
        "levers": _("Ordre des leviers enregistré."),
    }
    return _change(slug, kind, item_id, MoveForm, write, done)


@bp.post(ITEM + "/retire")
def retire_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
    def write(session: Session, item: Item, form: Any) -> None:
        service.retire_item(
            session, item, seen_version=form.version.data, by=viewer(), now=utcnow()
        )

    done = {
        "axes": _("Approche « %(name)s » retirée : elle n'est plus proposée."),
        "levers": _("Levier « %(name)s » retiré : il n'est plus proposé."),
    }
    return _change(slug, kind, item_id, VersionedForm, write, done)


@bp.post(ITEM + "/restore")
def restore_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
    def write(session: Session, item: Item, form: Any) -> None:
        service.restore_item(session, item, seen_version=form.version.data, by=viewer())

    done = {
        "axes": _("Approche « %(name)s » restaurée."),
        "levers": _("Levier « %(name)s » restauré."),
    }
    return _change(slug, kind, item_id, VersionedForm, write, done)


@bp.post(ITEM + "/delete")
def delete_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
    def write(session: Session, item: Item, form: Any) -> None:
        service.delete_item(session, item, seen_version=form.version.data, by=viewer())

    done = {
        "axes": _("Approche « %(name)s » supprimée."),
        "levers": _("Levier « %(name)s » supprimé."),
    }
    return _change(slug, kind, item_id, VersionedForm, write, done)


# -- partners -----------------------------------------------------------------------------


@bp.post("/c/<slug>/framing/partners/<int:actor_id>")
def set_partner(slug: str, actor_id: int) -> ResponseReturnValue:
    session, coalition = _load(slug)
    actor = actor_queries.actor_or_404(session, coalition, actor_id)
    form = PartnerForm()
    if not form.validate_on_submit():
        return _page(session, coalition, problems=_problems(form), status=400)
    is_partner = form.is_partner.data == "yes"
    saved = save(
        session,
        lambda: actor_service.set_partner(
            session, actor, is_partner=is_partner, seen_version=form.version.data, by=viewer()
        ),
    )
    if not saved.ok:
        return _page(session, coalition, problems=[str(saved.error)], status=_status(saved))
    if is_partner:
        message = _("%(name)s est partenaire de la coalition.", name=actor.name)
    else:
        message = _("%(name)s n'est plus partenaire de la coalition.", name=actor.name)
    return _back(coalition, "partners", message)
