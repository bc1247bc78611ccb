"""A meeting's diagnostic: prepared by the facilitators, then published and frozen."""

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import Conflict, DomainError, ValidationError
from coalition.core.input import parse_id
from coalition.core.markdown_escape import escape_markdown
from coalition.core.versions import StaleEdit
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.diagnostics import compute, forms, service, snapshots, wording
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings import service as meetings_service
from coalition.meetings.calendar import PARIS
from coalition.meetings.models import Meeting
from coalition.meetings.queries import meeting_or_404
from coalition.roadmap.models import Action

bp = Blueprint("diagnostic", __name__)


def _load(slug: str, meeting_id: int) -> tuple[Session, Coalition, Meeting]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return session, coalition, meeting_or_404(session, coalition, meeting_id)


def _snapshot(session: Session, meeting: Meeting) -> DiagnosticSnapshot | None:
    return session.scalars(
        select(DiagnosticSnapshot).where(DiagnosticSnapshot.meeting_id == meeting.id)
    ).one_or_none()


def _is_published(session: Session, meeting: Meeting) -> bool:
    """Without loading the snapshot's data (megabytes for a large coalition)."""
    return (
        session.scalar(
            select(DiagnosticSnapshot.id).where(DiagnosticSnapshot.meeting_id == meeting.id)
        )
        is not None
    )


def _to_prepare(coalition: Coalition, meeting: Meeting, anchor: str = "") -> ResponseReturnValue:
    url = url_for("diagnostic.prepare", slug=coalition.slug, meeting_id=meeting.id)
    return redirect(f"{url}#{anchor}" if anchor else url)


REASONS = {
    "stalled": _l("Au point mort : « %(detail)s » à deux revues de suite"),
    "overdue": _l("En retard : échéance passée le %(detail)s"),
    "blocked": _l("Action bloquée"),
    "unheld": _l("Levier détenu par aucun acteur"),
    "single_holder": _l("Levier détenu par un seul acteur : %(detail)s"),
}
REASONS_WITHOUT_DETAIL = {
    "stalled": _l("Au point mort : même état à deux revues de suite"),
    "overdue": _l("En retard : échéance passée"),
    "single_holder": _l("Levier détenu par un seul acteur"),
}


def suggestion_reason(suggestion: compute.Suggestion) -> str:
    """Why an item is suggested for the agenda, said for people, with the item's detail (its
    status, its target date, the lever's only holder) when it carries one."""
    section = "actions" if suggestion.item.kind == "action" else "levers"
    detail = wording.detail_text(section, suggestion.reason, suggestion.item.detail)
    if not detail and suggestion.reason in REASONS_WITHOUT_DETAIL:
        return str(REASONS_WITHOUT_DETAIL[suggestion.reason])
    template = REASONS.get(suggestion.reason)
    return str(template) % {"detail": detail} if template else ""


def _prepare_page(
    session: Session,
    coalition: Coalition,
    meeting: Meeting,
    *,
    status: int = 200,
    problems: list[str] | None = None,
    draft: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    today = utcnow().astimezone(PARIS).date()
    with snapshots.collector_paused():
        live = snapshots.live_diagnostic(session, coalition, meeting, viewer(), today=today)
        entries = snapshots.meeting_entries(session, meeting)
        data = snapshots.diagnostic_data(session, coalition, meeting, live, entries)
        data, timeline_total = snapshots.for_page(data)
        return render_template(
            "diagnostics/prepare.html",
            coalition=coalition,
            meeting=meeting,
            data=data,
            timeline_total=timeline_total,
            entries=entries,
            previous=service.previous_entries(session, meeting) if not entries else [],
            suggested=[
                (suggestion.item, suggestion_reason(suggestion))
                for suggestion in compute.agenda_suggestions(live.diagnostic)
            ],
            published=_is_published(session, meeting),
            problems=problems or [],
            draft=draft,
        ), status


@bp.get("/c/<slug>/meetings/<int:meeting_id>/prepare")
def prepare(slug: str, meeting_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    service.check_can_prepare(meeting)  # refused: the 400 page (core/error_pages.py)
    return _prepare_page(session, coalition, meeting)


def _write(
    session: Session, coalition: Coalition, meeting: Meeting, write: Any, done: str, anchor: str
) -> ResponseReturnValue:
    saved = save(session, write)
    if not saved.ok:
        problems = [str(saved.error)]
        return _prepare_page(session, coalition, meeting, status=saved.status, problems=problems)
    flash(done, "success")
    return _to_prepare(coalition, meeting, anchor)


def _entry_or_404(session: Session, meeting: Meeting, entry_id: int) -> DiagnosticEntry:
    entry = session.get(DiagnosticEntry, entry_id)
    if entry is None or entry.meeting_id != meeting.id:
        abort(404)
    return entry


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/entries")
def add_entry(slug: str, meeting_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    column = request.form.get("column", "")
    if column not in {c.value for c in DiagnosticColumn}:
        abort(400)
    text = request.form.get("text", "")

    def write() -> None:
        service.add_entry(session, meeting, column=DiagnosticColumn(column), text=text, by=viewer())

    return _write(session, coalition, meeting, write, _("Élément ajouté."), f"column-{column}")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/entries/<int:entry_id>")
def edit_entry(slug: str, meeting_id: int, entry_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    entry = _entry_or_404(session, meeting, entry_id)
    version = request.form.get("version", "")

    def write() -> None:
        seen = int(version) if version.isascii() and version.isdigit() else None
        service.update_entry(
            session, entry, text=request.form.get("text", ""), seen_version=seen, by=viewer()
        )

    anchor = f"column-{entry.column.value}"
    return _write(session, coalition, meeting, write, _("Élément modifié."), anchor)


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/entries/<int:entry_id>/remove")
def remove_entry(slug: str, meeting_id: int, entry_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    entry = _entry_or_404(session, meeting, entry_id)
    anchor = f"column-{entry.column.value}"

    def write() -> None:
        service.remove_entry(session, entry, by=viewer())

    return _write(session, coalition, meeting, write, _("Élément retiré."), anchor)


def _draft(session: Session, edit: service.ColumnEdit, error: DomainError) -> dict[str, Any]:
    """The user's texts of a column whose save was refused, to show them again as sent."""
    new_texts = [text for text in edit.new_texts if text.strip()]
    current: dict[int, str] = {}
    if isinstance(error, service.EntriesGone):
        new_texts = error.texts + new_texts
    if isinstance(error, StaleEdit):
        entry = session.get(DiagnosticEntry, error.record.id)
        if entry is not None:
            current[entry.id] = entry.text
    return {
        "column": edit.column,
        "texts": {change.entry_id: change.text for change in edit.entries},
        "new": new_texts,
        "current": current,
    }


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/columns")
def save_column(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Save every entry of a column at once; a refused save shows the user's texts again."""
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    column = request.form.get("column", "")
    if column not in {c.value for c in DiagnosticColumn}:
        abort(400)
    edit = forms.column_edit(DiagnosticColumn(column), request.form)
    saved = save(session, lambda: service.save_column(session, meeting, edit, by=viewer()))
    if saved.error is not None:
        return _prepare_page(
            session,
            coalition,
            meeting,
            status=409 if isinstance(saved.error, Conflict) else 400,  # entries gone too
            problems=[str(saved.error)],
            draft=_draft(session, edit, saved.error),
        )
    flash(_("Colonne enregistrée."), "success")
    return _to_prepare(coalition, meeting, f"column-{column}")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/start")
def start_from_previous(slug: str, meeting_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)

    def write() -> None:
        service.start_from_previous(session, meeting, by=viewer())

    done = _("Le diagnostic repart des éléments précédents.")
    return _write(session, coalition, meeting, write, done, "columns")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/suggest")
def add_suggestion(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Add a suggested item (an action, or a gap named by its title) to the agenda."""
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    action_id = request.form.get("action", "")
    action = session.get(Action, parse_id(action_id)) if parse_id(action_id) else None
    title = request.form.get("title", "")

    def write() -> None:
        if action_id and (action is None or action.coalition_id != coalition.id):
            raise ValidationError(_("Cette action n'existe pas."))
        meetings_service.add_agenda_item(
            session, meeting, title=title, duration_minutes=15, action=action, by=viewer()
        )

    return _write(
        session, coalition, meeting, write, _("Point ajouté à l'ordre du jour."), "agenda"
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/diagnostic/publish")
def confirm_publish(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Show the diagnostic exactly as publishing will freeze it, and ask to confirm.

    A published diagnostic never changes. A mistake found after publication is not corrected in
    it: the facilitator writes the correction in the meeting's minutes (shown on the meeting
    page) and in the next meeting's diagnostic, which starts from this one's entries; the
    published version stays readable as it was.
    """
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    service.check_can_prepare(meeting)  # refused: the 400 page (core/error_pages.py)
    if _is_published(session, meeting):
        flash(_("Le diagnostic de cette rencontre est déjà publié."), "info")
        return redirect(url_for("diagnostic.published", slug=slug, meeting_id=meeting.id))
    today = utcnow().astimezone(PARIS).date()
    with snapshots.collector_paused():
        entries = snapshots.meeting_entries(session, meeting)
        data = snapshots.published_data(session, coalition, meeting, entries, today=today)
        data, timeline_total = snapshots.for_page(data)
        return render_template(
            "diagnostics/confirm_publish.html",
            coalition=coalition,
            meeting=meeting,
            data=data,
            timeline_total=timeline_total,
        )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/diagnostic/publish")
def publish(slug: str, meeting_id: int) -> ResponseReturnValue:
    session, coalition, meeting = _load(slug, meeting_id)
    require("meeting.manage", coalition)
    today = utcnow().astimezone(PARIS).date()

    def write() -> None:
        service.check_can_prepare(meeting)
        entries = snapshots.meeting_entries(session, meeting)
        with snapshots.collector_paused():
            data = snapshots.published_data(session, coalition, meeting, entries, today=today)
        service.publish(session, meeting, data, by=viewer())

    saved = save(session, write)
    if not saved.ok:  # whatever the reason, the diagnostic is not (or already) published: 409
        return _prepare_page(session, coalition, meeting, status=409, problems=[str(saved.error)])
    flash(_("Diagnostic publié : il ne changera plus."), "success")
    return redirect(url_for("diagnostic.published", slug=slug, meeting_id=meeting.id))


# -- the published diagnostic ------------------------------------------------------------


def _published_or_404(slug: str, meeting_id: int) -> tuple[Coalition, Meeting, DiagnosticSnapshot]:
    session, coalition, meeting = _load(slug, meeting_id)
    require("coalition.view", coalition)
    snapshot = _snapshot(session, meeting)
    if snapshot is None:
        abort(404)
    return coalition, meeting, snapshot


def _published_page(template: str, slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, _meeting, snapshot = _published_or_404(slug, meeting_id)
    data, timeline_total = snapshots.for_page(snapshot.data)
    return render_template(
        template, coalition=coalition, snapshot=snapshot, data=data, timeline_total=timeline_total
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/diagnostic")
def published(slug: str, meeting_id: int) -> ResponseReturnValue:
    return _published_page("diagnostics/published.html", slug, meeting_id)


@bp.get("/c/<slug>/meetings/<int:meeting_id>/diagnostic/print")
def printable(slug: str, meeting_id: int) -> ResponseReturnValue:
    return _published_page("diagnostics/print.html", slug, meeting_id)


@bp.get("/c/<slug>/meetings/<int:meeting_id>/diagnostic.md")
def markdown(slug: str, meeting_id: int) -> ResponseReturnValue:
    _coalition, meeting, snapshot = _published_or_404(slug, meeting_id)
    body = render_template(
        "diagnostics/diagnostic.md", snapshot=snapshot, data=snapshot.data, md=escape_markdown
    )
    response = Response(body, mimetype="text/markdown")
    filename = f"{slug}-diagnostic-{meeting.number}.md"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/c/<slug>/meetings/<int:meeting_id>/diagnostic.json")
def as_json(slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, meeting, snapshot = _published_or_404(slug, meeting_id)
    terms = coalition.data_licence_terms
    licence = {"id": coalition.data_licence.value, "title": str(terms.label), "url": terms.url}
    body = json.dumps(
        {"published_at": snapshot.published_at.isoformat(), **snapshot.data, "license": licence},
        ensure_ascii=False,
        sort_keys=True,
    )
    response = Response(body, mimetype="application/json")
    response.headers["Link"] = terms.link_header
    filename = f"{slug}-diagnostic-{meeting.number}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/c/<slug>/diagnostics")
def index(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    published_list = session.execute(
        select(DiagnosticSnapshot, Meeting)
        .join(Meeting, Meeting.id == DiagnosticSnapshot.meeting_id)
        .where(DiagnosticSnapshot.coalition_id == coalition.id)
        .order_by(Meeting.starts_at)
    ).all()
    return render_template(
        "diagnostics/index.html", coalition=coalition, published_list=published_list
    )


@bp.get("/c/<slug>/diagnostics/compare")
def compare(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    chosen = []
    for key in ("a", "b"):
        meeting_id = parse_id(request.args.get(key))
        snapshot = None
        if meeting_id is not None:
            snapshot = session.scalars(
                select(DiagnosticSnapshot).where(
                    DiagnosticSnapshot.coalition_id == coalition.id,
                    DiagnosticSnapshot.meeting_id == meeting_id,
                )
            ).one_or_none()
        if snapshot is None:
            message = _("Choisissez deux diagnostics publiés de cette coalition.")
            return render_template("errors/error.html", code=400, message=message), 400
        chosen.append(snapshot)
    before, after = chosen
    rows = compute.compare(
        compute.from_data(before.data["computed"]), compute.from_data(after.data["computed"])
    )
    return render_template(
        "diagnostics/compare.html",
        coalition=coalition,
        before=before,
        after=after,
        rows=rows,
    )
