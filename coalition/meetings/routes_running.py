"""Running a meeting: agenda, attendance, minutes, decisions and the review of actions."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import ValidationError
from coalition.core.input import parse_id
from coalition.core.writes import save
from coalition.db import db_session
from coalition.meetings import queries, service
from coalition.meetings.forms import AgendaItemForm, DecisionForm, MinutesForm, ReviewForm
from coalition.meetings.models import AgendaItem, Decision, Meeting, Presence
from coalition.meetings.routes import render_meeting
from coalition.roadmap.models import Action, ActionStatus

bp = Blueprint("running", __name__)
PRESENCE_VALUES = {presence.value for presence in Presence}
UNRECOGNISED = _l("Présences non enregistrées : une valeur n'est pas reconnue.")


def _load(slug: str, meeting_id: int) -> tuple[Coalition, Meeting]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    meeting = queries.meeting_or_404(session, coalition, meeting_id)
    require("meeting.manage", coalition)
    return coalition, meeting


def _action(value: str | None) -> Action | None:
    if not value:
        return None
    action_id = parse_id(value)
    action = db_session().get(Action, action_id) if action_id else None
    if action is None:
        raise ValidationError(_("Cette action n'existe pas."), field="action")
    return action


def _done(coalition: Coalition, meeting: Meeting, message: str, anchor: str) -> ResponseReturnValue:
    flash(message, "success")
    url = url_for("meetings.page", slug=coalition.slug, meeting_id=meeting.id)
    return redirect(f"{url}#{anchor}")


def _button(
    coalition: Coalition,
    meeting: Meeting,
    write: Callable[[], None],
    message: str,
    anchor: str,
) -> ResponseReturnValue:
    """A button of the meeting page: write and commit, or show the page again saying why not."""
    saved = save(db_session(), write)
    if not saved.ok:
        return render_meeting(coalition, meeting, status=saved.status, problems=[str(saved.error)])
    return _done(coalition, meeting, message, anchor)


def _write(
    coalition: Coalition,
    meeting: Meeting,
    form: FlaskForm,
    key: str,
    write: Callable[[], None],
    message: str,
    anchor: str,
) -> ResponseReturnValue:
    """Validate, write and commit, or show the meeting page again with the form's errors."""
    session = db_session()
    if not form.validate_on_submit():
        return render_meeting(coalition, meeting, status=400, **{key: form})
    saved = save(session, write, form=form)
    if not saved.ok:
        return render_meeting(coalition, meeting, status=saved.status, **{key: form})
    return _done(coalition, meeting, message, anchor)


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda")
def add_agenda_item(slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    form = AgendaItemForm(prefix="agenda")

    def write() -> None:
        service.add_agenda_item(
            db_session(),
            meeting,
            title=form.title.data or "",
            duration_minutes=form.duration_minutes.data or 0,
            action=_action(form.action.data),
            by=viewer(),
        )

    return _write(coalition, meeting, form, "agenda_form", write, _("Point ajouté."), "agenda")


def _agenda_item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db_session().get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
def remove_agenda_item(slug: str, meeting_id: int, item_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    item = _agenda_item_or_404(meeting, item_id)

    def write() -> None:
        service.remove_agenda_item(db_session(), meeting, item, by=viewer())

    return _button(coalition, meeting, write, _("Point retiré."), "agenda")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
def move_agenda_item(slug: str, meeting_id: int, item_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    item = _agenda_item_or_404(meeting, item_id)
    if request.form.get("direction") not in ("up", "down"):
        abort(400)
    up = request.form["direction"] == "up"

    def write() -> None:
        service.move_agenda_item(db_session(), meeting, item, up=up, by=viewer())

    return _button(coalition, meeting, write, _("Ordre du jour réordonné."), "agenda")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/attendance")
def record_attendance(slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    saved = save(
        db_session(),
        lambda: service.record_attendance(db_session(), meeting, _presences(), by=viewer()),
    )
    if not saved.ok:
        # one wording for a value the form cannot hold and an actor of another coalition
        message = str(saved.error if saved.clashed else UNRECOGNISED)
        return render_meeting(coalition, meeting, status=saved.status, problems=[message])
    return _done(coalition, meeting, _("Présences enregistrées."), "attendance")


def _presences() -> dict[int, Presence | None]:
    """Each actor's presence as sent (none: removed); an actor id or a presence that is not one
    is refused."""
    presences: dict[int, Presence | None] = {}
    for key, value in request.form.items():
        if not key.startswith("presence-"):
            continue
        actor_id = parse_id(key.removeprefix("presence-"))
        if actor_id is None or (value and value not in PRESENCE_VALUES):
            raise ValidationError(UNRECOGNISED)
        presences[actor_id] = Presence(value) if value else None
    return presences


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes")
def save_minutes(slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    form = MinutesForm(prefix="minutes")

    def write() -> None:
        service.save_minutes(
            db_session(),
            meeting,
            minutes=form.minutes.data or "",
            publish=bool(form.publish.data),
            seen_version=form.version.data,
            by=viewer(),
        )
        db_session().flush()

    message = _("Compte rendu enregistré.")
    return _write(coalition, meeting, form, "minutes_form", write, message, "minutes")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/decisions")
def add_decision(slug: str, meeting_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    form = DecisionForm(prefix="decision")

    def write() -> None:
        service.add_decision(
            db_session(),
            meeting,
            text=form.text.data or "",
            action=_action(form.action.data),
            by=viewer(),
        )

    message = _("Décision enregistrée.")
    return _write(coalition, meeting, form, "decision_form", write, message, "decisions")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/decisions/<int:decision_id>/remove")
def remove_decision(slug: str, meeting_id: int, decision_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    decision = db_session().get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting.id:
        abort(404)

    def write() -> None:
        service.remove_decision(db_session(), meeting, decision, by=viewer())

    return _button(coalition, meeting, write, _("Décision retirée."), "decisions")


@bp.route("/c/<slug>/meetings/<int:meeting_id>/reviews/<int:action_id>", methods=["GET", "POST"])
def review(slug: str, meeting_id: int, action_id: int) -> ResponseReturnValue:
    coalition, meeting = _load(slug, meeting_id)
    session = db_session()
    action = session.get(Action, action_id)
    if action is None or action.coalition_id != coalition.id:
        abort(404)
    existing = queries.review_of(session, meeting, action)
    form = (
        ReviewForm(obj=existing, status=(existing or action).status.value)
        if request.method == "GET"
        else ReviewForm()  # a POST names its version; any known status is the service's to refuse
    )
    status = 200
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.record_review(
                session,
                meeting,
                action,
                status=ActionStatus(form.status.data),
                progress=form.progress.data,
                note=form.note.data or "",
                next_steps=form.next_steps.data or "",
                seen_version=form.version.data,
                by=viewer(),
            ),
            form=form,
        )
        status = saved.status
        if saved.ok:
            flash(_("Revue enregistrée."), "success")
            url = url_for("meetings.page", slug=slug, meeting_id=meeting.id)
            return redirect(f"{url}#reviews")
    elif form.is_submitted():
        status = 400
    form.offer(service.review_statuses(session, meeting, action))
    return render_template(
        "meetings/review.html",
        coalition=coalition,
        meeting=meeting,
        action=action,
        form=form,
        existing=existing,
        context=queries.review_context(session, meeting, action),
    ), status
