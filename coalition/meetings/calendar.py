"""Meetings as an iCalendar feed (RFC 5545) and as invitations by mail (iTIP, RFC 5546),
built from plain rows.

Pure functions: no database, no Flask. The caller loads the meetings the viewer may see and
hands them over as `CalendarEvent`s. Times are written in Europe/Paris local time with a
VTIMEZONE, so that calendar clients keep the wall time across daylight saving changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from coalition.core.dates import PARIS

PRODID = "-//Coalition//Coalition//FR"
EVENT_STATUS = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class ZoneRule:
    """One yearly change of offset, as a VTIMEZONE STANDARD or DAYLIGHT sub-component."""

    name: str  # TZNAME
    starts: datetime  # DTSTART: the first change, local wall time before it (RFC 5545)
    offset_from: timedelta
    offset_to: timedelta
    month: int  # BYMONTH; the change falls on that month's last Sunday (BYDAY=-1SU)


# Europe/Paris since 1996, when the EU set both changes at 01:00 UTC on the last Sunday of
# March and of October. Written as yearly rules, not as a list of dates: ical.js (Thunderbird)
# and vobject read only the first date of a comma-separated RDATE, and put summer meetings an
# hour late. tests/meetings/test_ical_clients.py checks these rules against the tz database.
PARIS_RULES = (
    ZoneRule("CEST", datetime(1996, 3, 31, 2, 0), timedelta(hours=1), timedelta(hours=2), 3),
    ZoneRule("CET", datetime(1996, 10, 27, 3, 0), timedelta(hours=2), timedelta(hours=1), 10),
)


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
    calendar.add_component(paris_timezone())
    for event in events:
        calendar.add_component(vevent(event))
    return calendar.to_ical()


@dataclass(frozen=True)
class Person:
    """An ORGANIZER or ATTENDEE: a mail address and the name shown beside it."""

    email: str
    name: str = ""


INVITATION_METHODS = ("REQUEST", "CANCEL")


def invitation_bytes(
    event: CalendarEvent, method: str, *, organizer: Person, attendee: Person
) -> bytes:
    """One event as an iTIP message (RFC 5546) to one attendee: `REQUEST` adds or updates the
    event in their calendar (same UID, higher SEQUENCE), `CANCEL` removes it. Replies are not
    read, so the attendee is not asked for one (RSVP=FALSE)."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"unknown iTIP method: {method!r}")
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(paris_timezone())
    component = vevent(replace(event, status="cancelled") if method == "CANCEL" else event)
    component.add("organizer", calendar_address(organizer))
    component.add(
        "attendee",
        calendar_address(
            attendee,
            ROLE="REQ-PARTICIPANT",
            PARTSTAT="NEEDS-ACTION",
            RSVP="FALSE",
            CUTYPE="INDIVIDUAL",
        ),
    )
    calendar.add_component(component)
    return calendar.to_ical()


def calendar_address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    for name, value in params.items():
        address.params[name] = vText(value)
    return address


def paris_timezone() -> Timezone:
    """The VTIMEZONE of Europe/Paris, as yearly rules that cover every date from 1996 on."""
    timezone = Timezone()
    timezone.add("tzid", PARIS.key)
    for rule in PARIS_RULES:
        timezone.add_component(zone_rule(rule))
    return timezone


def zone_rule(rule: ZoneRule) -> TimezoneStandard | TimezoneDaylight:
    component = TimezoneDaylight() if rule.offset_to > rule.offset_from else TimezoneStandard()
    component.add("tzname", rule.name)
    component.add("dtstart", rule.starts)
    component.add("tzoffsetfrom", rule.offset_from)
    component.add("tzoffsetto", rule.offset_to)
    component.add("rrule", {"freq": "yearly", "bymonth": rule.month, "byday": "-1su"})
    return component


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
