"""Meetings: the calendar and its iCalendar feed, a meeting's page, scheduling."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coalition.access import can, require, viewer
from coalition.actors.models import FAMILY_LABELS
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import ValidationError
from coalition.core.input import parse_id
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.meetings import charts, queries, service
from coalition.meetings.calendar import PARIS, calendar_bytes
from coalition.meetings.forms import (
    AgendaItemForm,
    DecisionForm,
    MeetingEditForm,
    MinutesForm,
    ScheduleForm,
)
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.meetings.series import SeriesError, meeting_times, monthly_dates, parse_dates
from coalition.meetings.views import action_choices, calendar_event, meeting_number

bp = Blueprint("meetings", __name__)


@bp.get("/c/<slug>/meetings")
def calendar(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    upcoming, past = queries.split_calendar(queries.meetings(session, coalition), utcnow())
    return render_template(
        "meetings/calendar.html", coalition=coalition, upcoming=upcoming, past=past
    )


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/c/<slug>/meetings.ics")
def feed(slug: str) -> ResponseReturnValue:
    """The coalition's calendar; 304 when the client's copy (ETag, Last-Modified) is current."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    events = [calendar_event(m, slug) for m in queries.meetings(session, coalition)]
    response = _ics(calendar_bytes(events, name=coalition.name), f"{slug}.ics")
    # Meetings are cancelled, never deleted: the latest change is among the listed ones.
    response.last_modified = max([coalition.updated_at, *(e.updated_at for e in events)])
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/c/<slug>/meetings/<int:meeting_id>.ics")
def meeting_ics(slug: str, meeting_id: int) -> ResponseReturnValue:
    """One meeting as a calendar file; 304 when the client's copy is current."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    meeting = queries.meeting_or_404(session, coalition, meeting_id)
    require("coalition.view", coalition)
    body = calendar_bytes([calendar_event(meeting, slug)], name=coalition.name)
    response = _ics(body, f"{slug}-{meeting.number}.ics")
    response.last_modified = max(coalition.updated_at, meeting.updated_at)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/c/<slug>/meetings/<int:meeting_id>")
def page(slug: str, meeting_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    meeting = queries.meeting_or_404(session, coalition, meeting_id)
    require("coalition.view", coalition)
    return render_meeting(coalition, meeting)


def render_meeting(
    coalition: Coalition, meeting: Meeting, *, status: int = 200, **forms: Any
) -> ResponseReturnValue:
    """The meeting page; a refused form comes back filled in, with its errors."""
    details = queries.meeting_page(db_session(), meeting, viewer())
    runs = can(viewer(), "meeting.manage", coalition)
    options = action_choices(details.open_actions)
    agenda_form = forms.get("agenda_form") or AgendaItemForm(prefix="agenda", formdata=None)
    decision_form = forms.get("decision_form") or DecisionForm(prefix="decision", formdata=None)
    agenda_form.action.choices = options
    decision_form.action.choices = options
    minutes_form = forms.get("minutes_form") or MinutesForm(
        prefix="minutes",
        formdata=None,
        obj=meeting,
        publish=meeting.minutes_published_at is not None,
    )
    return render_template(
        "meetings/meeting.html",
        coalition=coalition,
        details=details,
        meeting=meeting,
        runs=runs,
        show_minutes=meeting.minutes_published_at is not None
        or can(viewer(), "coalition.participate", coalition),
        agenda_form=agenda_form,
        decision_form=decision_form,
        minutes_form=minutes_form,
        problems=forms.get("problems", []),
    ), status


# -- scheduling ---------------------------------------------------------------------------


def _schedule_days(form: ScheduleForm) -> list[date]:
    if form.mode.data == "dates":
        return parse_dates(form.dates.data or "")
    if form.mode.data == "rule":
        if form.first_month.data is None:
            raise SeriesError(_("Indiquez le mois de la première rencontre."), "first_month")
        return monthly_dates(
            form.first_month.data,
            form.count.data or 0,
            nth=int(form.nth.data or 0),
            weekday=int(form.weekday.data or 0),
        )
    if form.day.data is None:
        raise SeriesError(_("Indiquez la date de la rencontre."), "day")
    return [form.day.data]


def _times(
    form: ScheduleForm | MeetingEditForm, days: Callable[[], list[date]]
) -> list[tuple[datetime, datetime]]:
    """The meetings' start and end, in UTC; dates that break a rule are refused on their field,
    as any broken rule is (a ValidationError, for `save` to put on the form)."""
    assert form.start_time.data is not None and form.end_time.data is not None
    try:
        return meeting_times(days(), form.start_time.data, form.end_time.data)
    except SeriesError as error:
        raise ValidationError(error.message, field=error.field) from None


@bp.route("/c/<slug>/meetings/new", methods=["GET", "POST"])
def schedule(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("meeting.manage", coalition)
    form = ScheduleForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.schedule_meetings(
                session,
                coalition,
                _times(form, lambda: _schedule_days(form)),
                title=form.title.data or "",
                place=form.place.data or "",
                online_url=(form.online_url.data or "").strip() or None,
                by=viewer(),
            ),
            form=form,
        )
        if saved.value is not None:
            flash(_("%(num)d rencontre(s) créée(s).", num=len(saved.value)), "success")
            return redirect(url_for("meetings.calendar", slug=slug))
        status = saved.status
    return render_template("meetings/schedule.html", coalition=coalition, form=form), status


@bp.route("/c/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(slug: str, meeting_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    meeting = queries.meeting_or_404(session, coalition, meeting_id)
    require("meeting.manage", coalition)
    local_start, local_end = meeting.starts_at.astimezone(PARIS), meeting.ends_at.astimezone(PARIS)
    form = MeetingEditForm()  # a POST names its version
    if request.method == "GET":
        form = MeetingEditForm(
            obj=meeting,
            day=local_start.date(),
            start_time=local_start.time(),
            end_time=local_end.time(),
            status=meeting.status.value,
        )
    status = 200
    if form.validate_on_submit():
        day = form.day.data
        assert day is not None

        def write() -> None:
            [(starts_at, ends_at)] = _times(form, lambda: [day])
            service.update_meeting(
                session,
                meeting,
                title=form.title.data or "",
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.place.data or "",
                online_url=(form.online_url.data or "").strip() or None,
                status=MeetingStatus(form.status.data),
                seen_version=form.version.data,
                by=viewer(),
            )

        saved = save(session, write, form=form)
        if saved.ok:
            flash(_("Rencontre mise à jour."), "success")
            return redirect(url_for("meetings.page", slug=slug, meeting_id=meeting.id))
        if saved.clashed:  # sending the form again replaces what is there now
            form.now_at(meeting.version)
        status = saved.status
    elif form.is_submitted():
        status = 400
    return render_template(
        "meetings/edit.html", coalition=coalition, meeting=meeting, form=form
    ), status


@bp.post("/c/<slug>/meetings/<int:meeting_id>/cancel")
def cancel(slug: str, meeting_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    meeting = queries.meeting_or_404(session, coalition, meeting_id)
    require("meeting.manage", coalition)
    version = parse_id(request.form.get("version"))  # none or another one: a stale page
    saved = save(
        session,
        lambda: service.cancel_meeting(session, meeting, seen_version=version, by=viewer()),
    )
    if not saved.ok:
        message = str(saved.error)
        if saved.clashed:
            message = _("La rencontre a changé entre-temps : rechargez la page avant de l'annuler.")
        return render_meeting(coalition, meeting, status=saved.status, problems=[message])
    flash(_("Rencontre annulée."), "success")
    return redirect(url_for("meetings.page", slug=slug, meeting_id=meeting.id))


@bp.get("/c/<slug>/attendance")
def attendance(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.participate", coalition)
    report = queries.attendance_over_time(session, coalition)
    family_labels = {family.value: str(label) for family, label in FAMILY_LABELS.items()}
    figure = charts.attendance_figure(
        report,
        family_labels,
        title=_("Présence par famille"),
        rate_label=_("Présents (%)"),
        number_label=meeting_number,
    )
    return render_template(
        "meetings/attendance.html", coalition=coalition, report=report, figure=figure
    )
