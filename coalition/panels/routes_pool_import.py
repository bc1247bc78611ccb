"""Importing a panel's pool of volunteers from a spreadsheet: upload, preview (every row with
its problems), confirm, and the template. The preview carries the file's text to the
confirmation, signed for this panel; the confirmation reads it again against the pool and the
quotas as they are then and adds every volunteer, or none."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.actors.import_csv import (
    MAX_BYTES,
    FileRefused,
    decode,
    seal,
    spreadsheet_csv,
    unseal,
)
from coalition.actors.import_forms import ImportConfirmForm, ImportUploadForm
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import Conflict
from coalition.core.writes import save
from coalition.db import db_session
from coalition.panels.models import Panel, PanelStatus, Source, Volunteer
from coalition.panels.pool_import import PoolSheet, parse, template_headers
from coalition.panels.queries import panel_or_404
from coalition.panels.service import FROZEN, MAX_POOL, add_volunteers

bp = Blueprint("pool_import", __name__)
PREFIX = "/c/<slug>/panels/<int:panel_id>/import"
PRIVATE = {"Cache-Control": "no-store"}  # the preview shows names and contacts


def _salt(panel: Panel) -> str:
    return f"coalition.panels.pool.import.{panel.id}"


def _load(slug: str, panel_id: int) -> tuple[Session, Coalition, Panel]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    panel = panel_or_404(session, coalition, panel_id)
    require("panel.manage", coalition)
    return session, coalition, panel


def _sheet(session: Session, panel: Panel, text: str, encoding: str) -> PoolSheet:
    """The file read against the panel's quotas and its pool as they are now."""
    emails = session.scalars(
        select(Volunteer.email).where(Volunteer.panel_id == panel.id, Volunteer.email.is_not(None))
    ).all()
    pool = session.scalar(select(func.count()).where(Volunteer.panel_id == panel.id)) or 0
    return parse(
        text,
        encoding=encoding,
        quotas=[(quota.feature, quota.value) for quota in panel.quotas],
        existing_emails=[email for email in emails if email],
        room=max(MAX_POOL - pool, 0),
    )


def _closed(panel: Panel) -> str | None:
    """Why no file can be imported into this panel now, if it cannot."""
    if panel.status != PanelStatus.open:
        return str(FROZEN)
    if not panel.quotas:
        return _(
            "Écrivez d'abord les quotas du panel : les colonnes du fichier (âge, genre, "
            "commune...) sont les caractéristiques qu'ils nomment."
        )
    return None


def _page(
    coalition: Coalition,
    panel: Panel,
    *,
    form: ImportUploadForm | None = None,
    status: int = 200,
    refused: FileRefused | None = None,
    sheet: PoolSheet | None = None,
    sealed: str = "",
    problem: str | None = None,
) -> ResponseReturnValue:
    confirm = ImportConfirmForm(formdata=None)
    confirm.sealed.data = sealed
    return (
        render_template(
            "panels/import.html",
            coalition=coalition,
            panel=panel,
            form=form or ImportUploadForm(formdata=None),
            refused=refused,
            sheet=sheet,
            confirm=confirm,
            problem=problem,
            closed=_closed(panel),
            headers=template_headers(panel.features),
            manage_url=url_for("panels.manage", slug=coalition.slug, panel_id=panel.id),
        ),
        status,
        PRIVATE,
    )


def _sealed(coalition: Coalition, panel: Panel, text: str, encoding: str, sheet: PoolSheet) -> str:
    key = current_app.config["SECRET_KEY"]
    return seal(key, coalition.id, text, encoding, shown=sheet.digest(), salt=_salt(panel))


@bp.route(PREFIX, methods=["GET", "POST"])
def upload(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    closed = _closed(panel)
    form = ImportUploadForm()
    if closed is not None and form.is_submitted():
        status = 409 if panel.status != PanelStatus.open else 400
        return _page(coalition, panel, status=status, problem=closed)
    if not form.validate_on_submit():
        return _page(coalition, panel, form=form, status=400 if form.is_submitted() else 200)
    data = form.file.data.stream.read(MAX_BYTES + 1)
    try:
        if len(data) > MAX_BYTES:
            raise FileRefused(_("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."))
        text, encoding = decode(data)
        sheet = _sheet(session, panel, text, encoding)
    except FileRefused as refused:
        return _page(coalition, panel, form=form, status=400, refused=refused)
    sealed = _sealed(coalition, panel, text, encoding, sheet)
    status = 400 if sheet.has_errors else 200
    return _page(coalition, panel, status=status, sheet=sheet, sealed=sealed)


@bp.post(PREFIX + "/confirm")
def confirm(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    form = ImportConfirmForm()
    try:
        if not form.validate_on_submit():
            raise FileRefused(_("Cet aperçu n'est plus valable : envoyez le fichier à nouveau."))
        key = current_app.config["SECRET_KEY"]
        sealed = unseal(key, coalition.id, form.sealed.data, salt=_salt(panel))
        sheet = _sheet(session, panel, sealed.text, sealed.encoding)  # the pool now
    except FileRefused as refused:
        return _page(coalition, panel, status=400, refused=refused)
    if sheet.has_errors:
        problem = _("Rien n'a été importé : corrigez les lignes en erreur puis envoyez le fichier.")
        return _page(coalition, panel, status=409, sheet=sheet, problem=problem)
    if sealed.shown != sheet.digest():
        problem = _(
            "Rien n'a été importé : les quotas ont changé depuis l'aperçu. Voici l'aperçu à "
            "jour ; confirmez de nouveau s'il vous convient."
        )
        fresh = _sealed(coalition, panel, sealed.text, sealed.encoding, sheet)
        return _page(coalition, panel, status=409, sheet=sheet, sealed=fresh, problem=problem)
    people = sheet.people()
    saved = save(
        session,
        lambda: add_volunteers(session, panel, people, source=Source.imported, by=viewer()),
    )
    if saved.value is None:
        problem = _("Rien n'a été importé : %(reason)s", reason=str(saved.error))
        status = 409 if saved.clashed or isinstance(saved.error, Conflict) else 400
        return _page(coalition, panel, status=status, sheet=sheet, problem=problem)
    message = ngettext(
        "%(num)d volontaire ajouté au vivier", "%(num)d volontaires ajoutés au vivier", len(people)
    )
    if sheet.incomplete:
        message += " · " + ngettext(
            "%(num)d à compléter avant le tirage",
            "%(num)d à compléter avant le tirage",
            sheet.incomplete,
        )
    flash(message, "success")
    return redirect(url_for("panels.manage", slug=slug, panel_id=panel.id), 303)


@bp.get(PREFIX + "/template.csv")
def template(slug: str, panel_id: int) -> ResponseReturnValue:
    _session, _coalition, panel = _load(slug, panel_id)
    example = [_("Camille"), _("Martin"), "camille.martin@exemple.org", "06 12 34 56 78"]
    first_values: dict[str, str] = {}  # one value of each feature, as the quotas spell it
    for quota in panel.quotas:
        first_values.setdefault(quota.feature, quota.value)
    example += list(first_values.values())
    return Response(
        spreadsheet_csv([template_headers(panel.features), example]),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="vivier-modele.csv"'},
    )
