"""Importing actors from a spreadsheet (CSV): upload, preview, confirm, and the template.

The preview carries the file's text to the confirmation signed with the app's secret key; the
confirmation reads it again against the database as it is then, and applies everything or
nothing, through the actors service (audited).
"""

from collections import defaultdict
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from coalition.access import require, viewer
from coalition.actors import queries_import
from coalition.actors.import_csv import (
    MAX_BYTES,
    FileRefused,
    decode,
    seal,
    spreadsheet_csv,
    unseal,
)
from coalition.actors.import_forms import ImportConfirmForm, ImportUploadForm
from coalition.actors.import_plan import Outcome, Plan, plan
from coalition.actors.importing import MAX_ROWS, Vocabulary, parse, template_rows
from coalition.actors.models import ACTOR_KIND_LABELS, FAMILY_LABELS, ActorKind, Family
from coalition.actors.service_import import apply_plan
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.writes import save
from coalition.db import db_session

bp = Blueprint("actor_import", __name__)

UPLOAD_BODY_LIMIT = MAX_BYTES + 64 * 1024  # the file and the form around it
CONFIRM_BODY_LIMIT = 8 * 1024 * 1024  # the sealed text: base64 of the compressed file


@bp.url_value_preprocessor
def limit_body(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Runs before the app's CSRF check reads the body: past this size, 413 at once."""
    confirming = endpoint == "actor_import.confirm"
    request.max_content_length = CONFIRM_BODY_LIMIT if confirming else UPLOAD_BODY_LIMIT


def _too_large_message() -> str:
    return _(
        "Le fichier dépasse 2 Mo : rien n'a été importé. Découpez-le en plusieurs fichiers "
        "(%(rows)s acteurs au plus chacun) ou retirez les colonnes inutiles.",
        rows=f"{MAX_ROWS:,}".replace(",", "\u202f"),
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    return render_template("errors/error.html", code=413, message=_too_large_message()), 413


def _vocabulary(session: Session, coalition: Coalition) -> Vocabulary:
    """Families and kinds by code or label, in French and English; the coalition's levers."""
    family_names: dict[Family, list[str]] = defaultdict(list)
    kind_names: dict[ActorKind, list[str]] = defaultdict(list)
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            for family, label in FAMILY_LABELS.items():
                family_names[family].append(str(label))
            for kind, label in ACTOR_KIND_LABELS.items():
                kind_names[kind].append(str(label))
    return Vocabulary.of(
        queries_import.import_levers(session, coalition),
        family_names,
        kind_names,
        family_choices=", ".join(str(label) for label in FAMILY_LABELS.values()),
        kind_choices=", ".join(str(label) for label in ACTOR_KIND_LABELS.values()),
    )


def _plan(session: Session, coalition: Coalition, text: str, encoding: str) -> Plan:
    sheet = parse(text, _vocabulary(session, coalition), encoding=encoding)
    return plan(sheet, queries_import.existing_actors(session, coalition))


def _upload_page(
    coalition: Coalition,
    form: ImportUploadForm,
    *,
    status: int = 200,
    refused: FileRefused | None = None,
) -> ResponseReturnValue:
    return render_template(
        "actors/import.html", coalition=coalition, form=form, refused=refused, max_rows=MAX_ROWS
    ), status


def _preview_page(
    coalition: Coalition,
    found: Plan,
    text: str,
    encoding: str,
    *,
    status: int | None = None,
    problem: str | None = None,
) -> ResponseReturnValue:
    confirm = ImportConfirmForm(formdata=None)
    key = current_app.config["SECRET_KEY"]
    confirm.sealed.data = seal(key, coalition.id, text, encoding, shown=found.digest())
    return render_template(
        "actors/import_preview.html",
        coalition=coalition,
        plan=found,
        totals=found.totals,
        Outcome=Outcome,
        confirm=confirm,
        form=ImportUploadForm(formdata=None),
        problem=problem,
    ), status or (400 if found.has_errors else 200)


@bp.route("/c/<slug>/actors/import", methods=["GET", "POST"])
def upload(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("actor.manage", coalition)
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _upload_page(coalition, form, status=400 if form.is_submitted() else 200)
    data = form.file.data.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        form.file.errors = [_too_large_message()]
        return _upload_page(coalition, form, status=413)
    try:
        text, encoding = decode(data)
        found = _plan(session, coalition, text, encoding)
    except FileRefused as refused:
        return _upload_page(coalition, form, status=400, refused=refused)
    return _preview_page(coalition, found, text, encoding)


@bp.post("/c/<slug>/actors/import/confirm")
def confirm(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("actor.manage", coalition)
    form = ImportConfirmForm()
    try:
        if not form.validate_on_submit():
            raise FileRefused(_("Cet aperçu n'est plus valable : envoyez le fichier à nouveau."))
        sealed = unseal(current_app.config["SECRET_KEY"], coalition.id, form.sealed.data)
        text, encoding = sealed.text, sealed.encoding
        found = _plan(session, coalition, text, encoding)  # the database as it is now
    except FileRefused as refused:
        return _upload_page(coalition, ImportUploadForm(formdata=None), status=400, refused=refused)
    if found.has_errors:
        problem = _("Rien n'a été importé : corrigez les lignes en erreur puis envoyez le fichier.")
        return _preview_page(coalition, found, text, encoding, problem=problem)
    if sealed.shown is not None and sealed.shown != found.digest():
        problem = _(
            "Rien n'a été importé : les acteurs ont changé depuis l'aperçu. Voici l'aperçu à "
            "jour ; confirmez de nouveau s'il vous convient."
        )
        return _preview_page(coalition, found, text, encoding, status=409, problem=problem)
    saved = save(session, lambda: apply_plan(session, coalition, found, by=viewer()))
    applied = saved.value
    if applied is None:  # whatever refused it, the actors changed under this import
        problem = _(
            "Rien n'a été importé : quelqu'un a modifié les acteurs au même moment (%(reason)s). "
            "Envoyez le fichier à nouveau.",
            reason=_("écriture simultanée") if saved.clashed else str(saved.error),
        )
        return _preview_page(coalition, found, text, encoding, status=409, problem=problem)
    flash(
        _(
            "Import terminé. Acteurs ajoutés : %(created)d ; mis à jour : %(updated)d ; "
            "inchangés : %(unchanged)d.",
            created=applied.created,
            updated=applied.updated,
            unchanged=applied.unchanged,
        ),
        "success",
    )
    return redirect(url_for("actors.directory", slug=slug, sort="name"), 303)


@bp.get("/c/<slug>/actors/import/template.csv")
def template(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("actor.manage", coalition)
    example = [
        _("Exemple : Fablab du Diois (remplacez cette ligne)"),
        str(FAMILY_LABELS[Family.use]),
        str(ACTOR_KIND_LABELS[ActorKind.lab]),
        _("Die (Drôme)"),
        "https://exemple.org",
    ]
    language = str(get_locale() or "fr")
    rows = template_rows(
        queries_import.import_levers(session, coalition), language=language, example=example
    )
    response = Response(spreadsheet_csv(rows), mimetype="text/csv")
    filename = f"{coalition.slug}-acteurs-modele.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
