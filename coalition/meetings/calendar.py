"""Meetings as an iCalendar feed (RFC 5545), built from plain rows.

Pure functions: no database, no Flask. The caller loads the meetings the viewer may see and
hands them over as `CalendarEvent`s. Times are written in Europe/Paris local time with a
VTIMEZONE, so that calendar clients keep the wall time across daylight saving changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Coalition//Coalition//FR"
EVENT_STATUS = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}
# The VTIMEZONE lists each transition between these dates (icalendar's default stops in 2038).
TIMEZONE_FIRST_DATE = date(2000, 1, 1)
TIMEZONE_MIN_LAST_DATE = date(2038, 1, 1)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across updates
    sequence: int  # incremented by the app on each update
    title: str
    starts_at: datetime  # aware (UTC from the database)
    ends_at: datetime  # aware
    status: str  # "planned" | "held" | "cancelled"
    updated_at: datetime  # aware; DTSTAMP and LAST-MODIFIED
    location: str = ""
    url: str | None = None  # the meeting's page (absolute URL)
    online_url: str | None = None
    description: str = ""


def calendar_bytes(events: Sequence[CalendarEvent], *, name: str) -> bytes:
    """The events as an iCalendar file, with the Europe/Paris VTIMEZONE even when empty."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", PARIS.key)
    calendar.add_component(paris_timezone(events))
    for event in events:
        calendar.add_component(vevent(event))
    return calendar.to_ical()


def paris_timezone(events: Sequence[CalendarEvent]) -> Timezone:
    """The VTIMEZONE of Europe/Paris, covering every event."""
    latest = max((event.ends_at.date() for event in events), default=TIMEZONE_MIN_LAST_DATE)
    return timezone_until(max(TIMEZONE_MIN_LAST_DATE, latest + timedelta(days=1)))


@lru_cache(maxsize=8)
def timezone_until(last_date: date) -> Timezone:
    """Building a VTIMEZONE walks every transition: keep the few that are asked for."""
    return Timezone.from_tzinfo(PARIS, first_date=TIMEZONE_FIRST_DATE, last_date=last_date)


def vevent(event: CalendarEvent) -> Event:
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add("dtstart", event.starts_at.astimezone(PARIS))
    component.add("dtend", event.ends_at.astimezone(PARIS))
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("status", event_status(event.status))
    location = event_location(event)
    if location:
        component.add("location", location)
    if event.url:
        component.add("url", event.url)
    description = event_description(event)
    if description:
        component.add("description", description)
    return component


def event_status(status: str) -> str:
    try:
        return EVENT_STATUS[status]
    except KeyError:
        raise ValueError(f"unknown meeting status: {status!r}") from None


def event_location(event: CalendarEvent) -> str:
    """The place, followed by the online link when the meeting has both."""
    return " – ".join(part for part in (event.location.strip(), event.online_url) if part)


def event_description(event: CalendarEvent) -> str:
    """The description, followed by the online link on its own line."""
    return "\n".join(part for part in (event.description.strip(), event.online_url) if part)
