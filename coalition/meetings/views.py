"""Small helpers shared by the meeting pages."""

from collections.abc import Iterable

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from coalition.core.links import external_url
from coalition.meetings.calendar import CalendarEvent
from coalition.meetings.models import Meeting
from coalition.roadmap.models import Action


def action_choices(actions: Iterable[Action]) -> list[SelectChoice]:
    """A select of the coalition's open actions, with an empty first choice."""
    return [SelectChoice("", _("— aucune —"))] + [
        SelectChoice(str(action.id), action.title) for action in actions
    ]


def meeting_number(number: int) -> str:
    """ "n°5" in the viewer's language."""
    return _("n°%(num)d", num=number)


def calendar_event(meeting: Meeting, slug: str, *, title: str | None = None) -> CalendarEvent:
    """The meeting as an event for a calendar (the coalition's feed, a person's, a mail)."""
    return CalendarEvent(
        uid=meeting.ical_uid,
        sequence=meeting.ical_sequence,
        title=title or meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status.value,
        updated_at=meeting.updated_at,
        location=meeting.place,
        url=external_url("meetings.page", slug=slug, meeting_id=meeting.id),
        online_url=meeting.online_url,
    )
