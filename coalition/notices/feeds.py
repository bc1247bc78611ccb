"""A person's calendar feed: a secret URL (only its hash is kept) that answers the meetings of
all the person's coalitions and the target dates of the actions their organisations committed
to, as one iCalendar file.

Meetings are listed whatever their status (a cancelled one is STATUS:CANCELLED, as in the
coalition's feed), so a calendar client removes it instead of keeping a stale copy; a target
date is an all-day event, CANCELLED once the action is dropped; a withdrawn commitment leaves
the feed.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, User
from coalition.coalitions.models import Coalition
from coalition.core.dates import PARIS
from coalition.core.links import external_url
from coalition.core.tokens import token_hash
from coalition.meetings.calendar import PRODID, CalendarEvent, paris_timezone, vevent
from coalition.meetings.models import Meeting
from coalition.meetings.views import calendar_event
from coalition.notices.models import CalendarFeed
from coalition.roadmap.models import Action, ActionStatus, Commitment, CommitmentStatus


def feed_of(session: Session, user_id: int) -> CalendarFeed | None:
    return session.get(CalendarFeed, user_id)


def owner_of(session: Session, secret: str) -> User | None:
    """The active person whose feed this secret opens, or None."""
    user = session.scalars(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(secret))
    ).first()
    return user if user is not None and user.is_active else None


@dataclass(frozen=True)
class TargetDate:
    """An action's target date, as an all-day event."""

    uid: str
    sequence: int
    title: str
    on: date
    cancelled: bool
    updated_at: datetime
    url: str


def _meetings(session: Session, user_id: int) -> list[CalendarEvent]:
    rows = session.execute(
        select(Meeting, Coalition.slug, Coalition.name)
        .join(Coalition, Coalition.id == Meeting.coalition_id)
        .join(Membership, Membership.coalition_id == Meeting.coalition_id)
        .where(Membership.user_id == user_id)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [
        calendar_event(meeting, slug, title=f"{name} – {meeting.title}")
        for meeting, slug, name in rows
    ]


def _target_dates(session: Session, user_id: int) -> list[TargetDate]:
    rows = session.execute(
        select(Action, Coalition.slug, Coalition.name)
        .join(Coalition, Coalition.id == Action.coalition_id)
        .join(Commitment, Commitment.action_id == Action.id)
        .join(
            Membership,
            (Membership.actor_id == Commitment.actor_id)
            & (Membership.coalition_id == Action.coalition_id),
        )
        .where(
            Membership.user_id == user_id,
            Commitment.status != CommitmentStatus.withdrawn,
            Action.target_date.is_not(None),
        )
        .order_by(Action.target_date, Action.id)
        .distinct()
    )
    host = urlsplit(str(current_app.config["BASE_URL"])).hostname or "coalition"
    return [
        TargetDate(
            uid=f"action-{action.id}-target@{host}",
            sequence=action.version,
            title=_("%(coalition)s – échéance : %(action)s", coalition=name, action=action.title),
            on=action.target_date,
            cancelled=action.status is ActionStatus.dropped,
            updated_at=action.updated_at,
            url=external_url("roadmap.action", slug=slug, action_id=action.id),
        )
        for action, slug, name in rows
        if action.target_date is not None
    ]


def all_day(target: TargetDate) -> Event:
    component = Event()
    component.add("uid", target.uid)
    component.add("sequence", target.sequence)
    component.add("summary", target.title)
    component.add("dtstart", target.on)
    component.add("dtend", target.on + timedelta(days=1))
    component.add("dtstamp", target.updated_at.astimezone(UTC))
    component.add("last-modified", target.updated_at.astimezone(UTC))
    component.add("transp", "TRANSPARENT")
    component.add("status", "CANCELLED" if target.cancelled else "CONFIRMED")
    component.add("url", target.url)
    return component


def personal_calendar(session: Session, user: User) -> bytes:
    """The person's feed as an iCalendar file, in their language."""
    with force_locale(user.language):
        meetings = _meetings(session, user.id)
        targets = _target_dates(session, user.id)
        calendar = Calendar()
        calendar.add("version", "2.0")
        calendar.add("prodid", PRODID)
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Mes rencontres et échéances"))
        calendar.add("x-wr-timezone", PARIS.key)
        calendar.add_component(paris_timezone())
        for meeting in meetings:
            calendar.add_component(vevent(meeting))
        for target in targets:
            calendar.add_component(all_day(target))
    return calendar.to_ical()
