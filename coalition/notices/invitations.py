"""Meeting invitations by mail, each with the event for the person's calendar (iTIP, RFC 5546).

Decided from the data each time the command runs: for every meeting planned in the future,
each current person of its coalition (a member or a facilitator today) who has not been sent the
meeting's current version (its `ical_sequence`) gets a `REQUEST`. The first one adds the event to
their calendar; a later one, after a move or another change, updates the same event (same UID,
higher SEQUENCE). A meeting cancelled before it started sends a `CANCEL` to those who were sent
an invitation to it; someone who never got one is told nothing. A meeting changed twice between
two runs sends its latest version only. A meeting is invited to once it starts within `AHEAD`.
"""

from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.meetings.calendar import Person, invitation_bytes
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.meetings.views import calendar_event
from coalition.notices.models import NoticeKind
from coalition.notices.recipients import (
    current_people,
    meeting_day,
    sent_versions,
    subject_key,
    turned_off,
)
from coalition.notices.service import notify

# a series of meetings scheduled at once is not a dozen mails: each meeting is invited to when it
# comes within this horizon (the personal calendar feed holds them all)
AHEAD = timedelta(days=45)


def organizer(coalition: Coalition) -> Person:
    """The coalition, at the address its mails come from."""
    return Person(parseaddr(str(current_app.config["MAIL_FROM"]))[1], coalition.name)


def queue_due(session: Session, now: datetime) -> int:
    """Write the invitations that are due to the outbox; how many were written."""
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.status.in_((MeetingStatus.planned, MeetingStatus.cancelled)),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + AHEAD,
        )
        .options(selectinload(Meeting.agenda_items))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    if not meetings:
        return 0
    coalition_ids = {meeting.coalition_id for meeting in meetings}
    coalitions = {
        coalition.id: coalition
        for coalition in session.scalars(select(Coalition).where(Coalition.id.in_(coalition_ids)))
    }
    people = current_people(session, coalition_ids)
    sent = sent_versions(session, NoticeKind.meeting, map(subject_key, meetings))
    off = turned_off(session, NoticeKind.meeting)
    written = 0
    for meeting in meetings:
        coalition = coalitions[meeting.coalition_id]
        for recipient in people.get(meeting.coalition_id, []):
            user = recipient.user
            versions = sent.get((user.id, subject_key(meeting)), set())
            if user.id in off or meeting.ical_sequence in versions:
                continue
            if meeting.status is MeetingStatus.cancelled and not versions:
                continue  # never invited: nothing to take out of their calendar
            written += _invite(session, meeting, coalition, user, is_update=bool(versions))
    return written


def _invite(
    session: Session, meeting: Meeting, coalition: Coalition, user: User, *, is_update: bool
) -> bool:
    cancelled = meeting.status is MeetingStatus.cancelled
    method = "CANCEL" if cancelled else "REQUEST"
    event = calendar_event(meeting, coalition.slug)
    body = invitation_bytes(
        event, method, organizer=organizer(coalition), attendee=Person(user.email, user.name)
    )
    subject: Any
    if cancelled:
        subject = _l("Rencontre annulée : %(title)s", title=meeting.title)
    elif is_update:
        subject = _l(
            "Rencontre modifiée : %(title)s, le %(day)s",
            title=meeting.title,
            day=meeting_day(meeting),
        )
    else:
        subject = _l(
            "Invitation : %(title)s, le %(day)s", title=meeting.title, day=meeting_day(meeting)
        )
    return notify(
        session,
        user=user,
        kind=NoticeKind.meeting,
        subject_key=subject_key(meeting),
        version=meeting.ical_sequence,
        coalition_id=coalition.id,
        subject=subject,
        template="meeting_cancelled" if cancelled else "meeting_invitation",
        context={
            "coalition": coalition,
            "meeting": meeting,
            "agenda": list(meeting.agenda_items),
            "meeting_url": event.url,
            "is_update": is_update,
        },
        attachments=[
            {
                "filename": "invitation.ics",
                "content_type": f"text/calendar; method={method}",
                "content": body.decode(),
            }
        ],
    )
