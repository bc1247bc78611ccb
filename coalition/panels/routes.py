"""Panels drawn by lot: the public record of each draw; facilitators build the pool and draw."""

import csv
import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.exports import Row, to_csv
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.panels import queries, service
from coalition.panels.forms import ActionForm, AnnounceForm, PanelForm, QuotasForm
from coalition.panels.models import (
    PANEL_STATUS_LABELS,
    RUN_STATE_LABELS,
    VOLUNTEER_STATUS_LABELS,
    Panel,
    VolunteerStatus,
)
from coalition.signups.service import phone_text

bp = Blueprint("panels", __name__)
REFRESH_SECONDS = 5  # the page of a draw under way reloads itself, with no script
RECORD_CSV_HEADER = ("feature", "value", "min", "max", "pool", "panel")
PRIVATE = {"Cache-Control": "no-store"}


@bp.context_processor
def panel_labels() -> dict[str, Any]:
    return {
        "panel_status_labels": PANEL_STATUS_LABELS,
        "volunteer_status_labels": VOLUNTEER_STATUS_LABELS,
        "run_state_labels": RUN_STATE_LABELS,
    }


def _load(slug: str, panel_id: int) -> tuple[Session, Coalition, Panel]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return session, coalition, queries.panel_or_404(session, coalition, panel_id)


def _to_manage(coalition: Coalition, panel: Panel) -> ResponseReturnValue:
    return redirect(url_for("panels.manage", slug=coalition.slug, panel_id=panel.id))


def _csv(text: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, mimetype="text/csv", headers={**disposition, **(headers or {})})


# -- the public record ----------------------------------------------------------------------


@bp.get("/c/<slug>/panels")
def listing(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return render_template(
        "panels/list.html", coalition=coalition, rows=queries.panels(session, coalition)
    )


@bp.get("/c/<slug>/panels/<int:panel_id>")
def record(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("coalition.view", coalition)
    sheet = queries.record(session, panel)
    headers = {"Refresh": str(REFRESH_SECONDS)} if sheet.pending else {}
    return render_template("panels/record.html", coalition=coalition, sheet=sheet), 200, headers


@bp.get("/c/<slug>/panels/<int:panel_id>/record.csv")
def record_csv(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("coalition.view", coalition)
    rows: list[Row] = [
        {
            "feature": row.feature,
            "value": row.value,
            "min": row.minimum,
            "max": row.maximum,
            "pool": row.pool,
            "panel": row.panel,
        }
        for row in queries.record(session, panel).rows
    ]
    return _csv(to_csv(RECORD_CSV_HEADER, rows), f"panel-{panel.id}-composition.csv")


def _plain_csv(rows: list[list[str]]) -> str:
    """The library's own input: values as they are (quotas refuse formula-like values)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@bp.get("/c/<slug>/panels/<int:panel_id>/quotas.csv")
def quotas_csv(slug: str, panel_id: int) -> ResponseReturnValue:
    _session, coalition, panel = _load(slug, panel_id)
    require("coalition.view", coalition)
    rows = [["feature", "value", "min", "max"]]
    rows += [[q.feature, q.value, str(q.minimum), str(q.maximum)] for q in panel.quotas]
    return _csv(_plain_csv(rows), f"panel-{panel.id}-quotas.csv")


# -- facilitators: the pool and the draw -----------------------------------------------------

RESULT = {
    VolunteerStatus.selected: "panel",
    VolunteerStatus.reserve: "reserve",
    VolunteerStatus.declined: "declined",
    VolunteerStatus.pool: "",
}


@bp.get("/c/<slug>/panels/<int:panel_id>/pool.csv")
def pool_csv(slug: str, panel_id: int) -> ResponseReturnValue:
    """The pool as the draw read it, pseudonymous: codes and feature values, and the result."""
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    names = panel.features
    rows = [["id", *names, "result"]]
    for volunteer in queries.volunteers(session, panel):
        values = [str(volunteer.features.get(name, "")) for name in names]
        result = RESULT[volunteer.status]
        if volunteer.replaces_id is not None:
            result = "replacement"
        rows.append([volunteer.code, *values, result])
    return _csv(_plain_csv(rows), f"panel-{panel.id}-pool.csv", PRIVATE)


@bp.get("/c/<slug>/panels/<int:panel_id>/people.csv")
def people_csv(slug: str, panel_id: int) -> ResponseReturnValue:
    """Who to call: the members drawn, the reserve and those who declined, with their contacts."""
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    header = ("code", "prénom", "nom", "mail", "téléphone", "statut", *panel.features)
    rows: list[Row] = [
        {
            "code": v.code,
            "prénom": v.first_name,
            "nom": v.last_name,
            "mail": v.email,
            "téléphone": phone_text(v.phone) if v.phone else "",
            "statut": str(VOLUNTEER_STATUS_LABELS[v.status]),
            **{name: str(v.features.get(name, "")) for name in panel.features},
        }
        for v in queries.selected_people(session, panel)
    ]
    return _csv(to_csv(header, rows), f"panel-{panel.id}-membres.csv", PRIVATE)


@bp.route("/c/<slug>/panels/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("panel.manage", coalition)
    form = PanelForm() if request.method == "POST" else PanelForm(formdata=None, reserve_size=0)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            saved = save(
                session,
                lambda: service.create_panel(session, coalition, _details(form), by=viewer()),
                form=form,
            )
            if saved.value is not None:
                flash(_("Panel créé : écrivez ses quotas, puis constituez son vivier."), "success")
                return _to_manage(coalition, saved.value)
            status = saved.status
    return render_template("panels/new.html", coalition=coalition, form=form), status


def _details(form: PanelForm) -> service.PanelDetails:
    return service.PanelDetails(
        title=form.title.data or "",
        description=form.description.data or "",
        size=form.size.data or 0,
        reserve_size=form.reserve_size.data or 0,
    )


def _manage_page(
    session: Session,
    coalition: Coalition,
    panel: Panel,
    status: int = 200,
    **forms: Any,
) -> ResponseReturnValue:
    sheet = queries.record(session, panel)
    page = render_template(
        "panels/manage.html",
        coalition=coalition,
        sheet=sheet,
        volunteers=queries.volunteers(session, panel),
        signups=len(service.signups_to_add(session, panel)),
        settings_form=forms.get("settings_form")
        or PanelForm(
            formdata=None,
            version=panel.version,
            title=panel.title,
            description=panel.description,
            size=panel.size,
            reserve_size=panel.reserve_size,
        ),
        quotas_form=forms.get("quotas_form")
        or QuotasForm(formdata=None, quotas=service.quotas_text(panel)),
        announce_form=forms.get("announce_form")
        or AnnounceForm(formdata=None, version=panel.version),
        action_form=ActionForm(formdata=None),
    )
    headers = {**PRIVATE, **({"Refresh": str(REFRESH_SECONDS)} if sheet.pending else {})}
    return page, status, headers


@bp.get("/c/<slug>/panels/<int:panel_id>/manage")
def manage(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    return _manage_page(session, coalition, panel)


@bp.post("/c/<slug>/panels/<int:panel_id>/settings")
def settings(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    form = PanelForm()
    if form.validate_on_submit():
        details = _details(form)
        saved = save(
            session,
            lambda: service.update_panel(
                session, panel, details, seen_version=form.version.data, by=viewer()
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Panel enregistré."), "success")
            return _to_manage(coalition, panel)
        panel = queries.panel_or_404(session, coalition, panel_id)
        return _manage_page(session, coalition, panel, saved.status, settings_form=form)
    return _manage_page(session, coalition, panel, 400, settings_form=form)


@bp.post("/c/<slug>/panels/<int:panel_id>/quotas")
def quotas(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    form = QuotasForm()
    if form.validate_on_submit():
        text = form.quotas.data or ""
        saved = save(
            session, lambda: service.set_quotas(session, panel, text, by=viewer()), form=form
        )
        if saved.ok:
            flash(_("Quotas enregistrés."), "success")
            return _to_manage(coalition, panel)
        panel = queries.panel_or_404(session, coalition, panel_id)
        return _manage_page(session, coalition, panel, saved.status, quotas_form=form)
    return _manage_page(session, coalition, panel, 400, quotas_form=form)


def _button(
    slug: str, panel_id: int, write: Callable[[Session, Panel], object], done: str
) -> ResponseReturnValue:
    """A button's POST: run `write(session, panel)`, then back to the panel's page."""
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Le formulaire a expiré : rechargez la page et recommencez."), "error")
        return _manage_page(session, coalition, panel, 400)
    saved = save(session, lambda: write(session, panel))
    if saved.ok:
        flash(done, "success")
        return _to_manage(coalition, panel)
    flash(str(saved.error), "error")
    panel = queries.panel_or_404(session, coalition, panel_id)
    return _manage_page(session, coalition, panel, saved.status)


@bp.post("/c/<slug>/panels/<int:panel_id>/signups")
def add_signups(slug: str, panel_id: int) -> ResponseReturnValue:
    return _button(
        slug,
        panel_id,
        lambda session, panel: service.add_signups(session, panel, by=viewer()),
        _(
            "Les personnes inscrites qui l'ont accepté sont dans le vivier ; donnez-leur une "
            "valeur pour chaque caractéristique."
        ),
    )


@bp.post("/c/<slug>/panels/<int:panel_id>/draw")
def draw(slug: str, panel_id: int) -> ResponseReturnValue:
    return _button(
        slug,
        panel_id,
        lambda session, panel: service.queue_draw(session, panel, by=viewer()),
        _("Le tirage est lancé : cette page montre où il en est."),
    )


@bp.post("/c/<slug>/panels/<int:panel_id>/reopen")
def reopen(slug: str, panel_id: int) -> ResponseReturnValue:
    return _button(
        slug,
        panel_id,
        lambda session, panel: service.reopen(session, panel, by=viewer()),
        _("Le vivier est rouvert : corrigez-le, puis annoncez une nouvelle graine."),
    )


@bp.post("/c/<slug>/panels/<int:panel_id>/retry")
def retry(slug: str, panel_id: int) -> ResponseReturnValue:
    return _button(
        slug,
        panel_id,
        lambda session, panel: service.retry_replacement(session, panel, by=viewer()),
        _("Le remplacement est relancé avec la graine suivante."),
    )


@bp.post("/c/<slug>/panels/<int:panel_id>/forget")
def forget(slug: str, panel_id: int) -> ResponseReturnValue:
    confirmed = request.form.get("confirm") == "y"
    return _button(
        slug,
        panel_id,
        lambda session, panel: service.forget_contacts(
            session, panel, confirmed=confirmed, by=viewer()
        ),
        _("Les noms et coordonnées des volontaires sont effacés ; le tirage reste vérifiable."),
    )


@bp.post("/c/<slug>/panels/<int:panel_id>/announce")
def announce(slug: str, panel_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    form = AnnounceForm()
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.announce(
                session,
                panel,
                seed=service.read_seed(form.seed.data or ""),
                seen_version=form.version.data,
                by=viewer(),
                now=utcnow(),
            ),
            form=form,
        )
        if saved.ok:
            flash(_("La graine est annoncée sur la page publique du panel."), "success")
            return _to_manage(coalition, panel)
        form.form_errors = [line for e in form.form_errors for line in str(e).splitlines()]
        panel = queries.panel_or_404(session, coalition, panel_id)
        return _manage_page(session, coalition, panel, saved.status, announce_form=form)
    return _manage_page(session, coalition, panel, 400, announce_form=form)


@bp.route("/c/<slug>/panels/<int:panel_id>/volunteers/<int:volunteer_id>", methods=["GET", "POST"])
def volunteer(slug: str, panel_id: int, volunteer_id: int) -> ResponseReturnValue:
    session, coalition, panel = _load(slug, panel_id)
    require("panel.manage", coalition)
    person = queries.volunteer_or_404(session, panel, volunteer_id)
    form = ActionForm()
    status, error = 200, None
    if request.method == "POST":
        values = {
            name: request.form.get(f"feature-{i}", "") for i, name in enumerate(panel.features)
        }
        if form.validate_on_submit():
            saved = save(
                session, lambda: service.set_features(session, panel, person, values, by=viewer())
            )
            if saved.ok:
                flash(_("Caractéristiques de %(code)s enregistrées.", code=person.code), "success")
                return _to_manage(coalition, panel)
            status, error = saved.status, str(saved.error)
        else:
            status, error = 400, _("Le formulaire a expiré : rechargez la page et recommencez.")
        panel = queries.panel_or_404(session, coalition, panel_id)
        person = queries.volunteer_or_404(session, panel, volunteer_id)
    page = render_template(
        "panels/volunteer.html",
        coalition=coalition,
        panel=panel,
        person=person,
        form=form,
        error=error,
        values=request.form if request.method == "POST" else None,
    )
    return page, status, PRIVATE


@bp.post("/c/<slug>/panels/<int:panel_id>/volunteers/<int:volunteer_id>/remove")
def remove_volunteer(slug: str, panel_id: int, volunteer_id: int) -> ResponseReturnValue:
    def write(session: Session, panel: Panel) -> None:
        person = queries.volunteer_or_404(session, panel, volunteer_id)
        service.remove_volunteer(session, panel, person, by=viewer())

    return _button(slug, panel_id, write, _("La personne est retirée du vivier."))


@bp.post("/c/<slug>/panels/<int:panel_id>/volunteers/<int:volunteer_id>/decline")
def decline(slug: str, panel_id: int, volunteer_id: int) -> ResponseReturnValue:
    def write(session: Session, panel: Panel) -> None:
        person = queries.volunteer_or_404(session, panel, volunteer_id)
        service.decline(session, panel, person, by=viewer())

    return _button(
        slug, panel_id, write, _("Désistement enregistré : un remplaçant est tiré au sort.")
    )
