"""Importing a consultation's stalls from a spreadsheet: upload, preview (every row with its
problems), confirm, and the template. The preview carries the file's text to the confirmation,
signed for this consultation; the confirmation reads it again against the stalls as they are
then and creates every stall, each link mailed to its holder, or none."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
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
from coalition.actors.import_forms import ImportConfirmForm
from coalition.coalitions.models import Coalition
from coalition.consultations import queries
from coalition.consultations.forms import StallImportForm
from coalition.consultations.models import Consultation, Stall
from coalition.consultations.routes_stall import keep_fresh_links
from coalition.consultations.service_stall import import_stalls
from coalition.consultations.stall_import import TEMPLATE_HEADERS, StallSheet, parse
from coalition.core.writes import save
from coalition.db import db_session, utcnow

bp = Blueprint("stall_import", __name__)
PREFIX = "/c/<slug>/consultations/<int:consultation_id>/stalls/import"


def _salt(consultation: Consultation) -> str:
    return f"coalition.consultations.stalls.import.{consultation.id}"


def _load(slug: str, consultation_id: int) -> tuple[Session, Coalition, Consultation]:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    require("consultation.manage", coalition)
    return session, coalition, consultation


def _sheet(session: Session, consultation: Consultation, text: str, encoding: str) -> StallSheet:
    existing = session.execute(
        select(Stall.place, Stall.held_on).where(Stall.consultation_id == consultation.id)
    ).all()
    days = [(place, held_on) for place, held_on in existing]
    return parse(text, encoding=encoding, existing=days, today=utcnow().date())


def _upload_page(
    coalition: Coalition,
    consultation: Consultation,
    form: StallImportForm,
    *,
    status: int = 200,
    refused: FileRefused | None = None,
    sheet: StallSheet | None = None,
    sealed: str = "",
    problem: str | None = None,
) -> ResponseReturnValue:
    confirm = ImportConfirmForm(formdata=None)
    confirm.sealed.data = sealed
    return render_template(
        "consultations/stalls_import.html",
        coalition=coalition,
        consultation=consultation,
        form=form,
        refused=refused,
        sheet=sheet,
        confirm=confirm,
        problem=problem,
        headers=TEMPLATE_HEADERS,
    ), status


@bp.route(PREFIX, methods=["GET", "POST"])
def upload(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = StallImportForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _upload_page(coalition, consultation, form, status=status)
    data = form.file.data.stream.read(MAX_BYTES + 1)
    try:
        if len(data) > MAX_BYTES:
            raise FileRefused(_("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."))
        text, encoding = decode(data)
        sheet = _sheet(session, consultation, text, encoding)
    except FileRefused as refused:
        return _upload_page(coalition, consultation, form, status=400, refused=refused)
    key = current_app.config["SECRET_KEY"]
    sealed = seal(key, coalition.id, text, encoding, salt=_salt(consultation))
    status = 400 if sheet.has_errors else 200
    blank = StallImportForm(formdata=None)
    return _upload_page(coalition, consultation, blank, status=status, sheet=sheet, sealed=sealed)


@bp.post(PREFIX + "/confirm")
def confirm(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = ImportConfirmForm()
    blank = StallImportForm(formdata=None)
    try:
        if not form.validate_on_submit():
            raise FileRefused(_("Cet aperçu n'est plus valable : envoyez le fichier à nouveau."))
        key = current_app.config["SECRET_KEY"]
        sealed = unseal(key, coalition.id, form.sealed.data, salt=_salt(consultation))
        sheet = _sheet(session, consultation, sealed.text, sealed.encoding)  # the stalls now
    except FileRefused as refused:
        return _upload_page(coalition, consultation, blank, status=400, refused=refused)
    if sheet.has_errors:
        problem = _("Rien n'a été importé : corrigez les lignes en erreur puis envoyez le fichier.")
        return _upload_page(
            coalition,
            consultation,
            blank,
            status=409,
            sheet=sheet,
            sealed=form.sealed.data,
            problem=problem,
        )
    saved = save(
        session,
        lambda: import_stalls(session, coalition, consultation, sheet, by=viewer(), now=utcnow()),
    )
    if saved.value is None:
        problem = _("Rien n'a été importé : %(reason)s", reason=str(saved.error))
        return _upload_page(
            coalition,
            consultation,
            blank,
            status=saved.status,
            sheet=sheet,
            sealed=form.sealed.data,
            problem=problem,
        )
    keep_fresh_links({str(stall.id): secret for stall, secret in saved.value})
    mailed = sum(1 for stall, _secret in saved.value if stall.link_sent_at)
    flash(
        ngettext("%(num)d stand créé", "%(num)d stands créés", len(saved.value))
        + " · "
        + ngettext("%(num)d lien envoyé par mail", "%(num)d liens envoyés par mail", mailed),
        "success",
    )
    return redirect(url_for("stall.stalls", slug=slug, consultation_id=consultation.id), 303)


@bp.get(PREFIX + "/template.csv")
def template(slug: str, consultation_id: int) -> ResponseReturnValue:
    _load(slug, consultation_id)
    example = [
        _("Marché de Die, place de la République"),
        _("Die (Drôme)"),
        "04/07/2026",
        _("Camille Martin"),
        "camille.martin@exemple.org",
    ]
    return Response(
        spreadsheet_csv([list(TEMPLATE_HEADERS), example]),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="stands-modele.csv"'},
    )
