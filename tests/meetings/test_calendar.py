"""The iCalendar feed, read back with icalendar's own parser."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from icalendar import Calendar, Event

from coalition.meetings.calendar import PARIS, CalendarEvent, calendar_bytes

SEPTEMBER = CalendarEvent(
    uid="meeting-1@coalition",
    sequence=0,
    title="Réunion mensuelle",
    starts_at=datetime(2021, 9, 21, 12, 0, tzinfo=UTC),
    ends_at=datetime(2021, 9, 21, 14, 0, tzinfo=UTC),
    status="planned",
    updated_at=datetime(2021, 9, 1, 8, 30, tzinfo=UTC),
    location="Fing, 8 passage Brulon, Paris",
    url="https://coalition.example/meetings/1",
    online_url="https://visio.example/abc",
    description="Ordre du jour : feuille de route.",
)
DECEMBER = CalendarEvent(
    uid="meeting-2@coalition",
    sequence=3,
    title="Réunion de décembre",
    starts_at=datetime(2021, 12, 14, 13, 0, tzinfo=UTC),
    ends_at=datetime(2021, 12, 14, 15, 30, tzinfo=UTC),
    status="held",
    updated_at=datetime(2021, 12, 15, 9, 0, tzinfo=UTC),
)


def parse(events: list[CalendarEvent], name: str = "Coalition test") -> Calendar:
    return Calendar.from_ical(calendar_bytes(events, name=name))


def only_event(calendar: Calendar) -> Event:
    (event,) = calendar.events
    return event


def test_calendar_properties() -> None:
    calendar = parse([SEPTEMBER], name="Coalition Numérique, responsable")
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Coalition//Coalition//FR"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Coalition Numérique, responsable"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Paris"


def test_event_properties() -> None:
    event = only_event(parse([SEPTEMBER]))
    assert event["UID"] == "meeting-1@coalition"
    assert event.decoded("SEQUENCE") == 0
    assert event["SUMMARY"] == "Réunion mensuelle"
    assert event.decoded("DTSTAMP") == datetime(2021, 9, 1, 8, 30, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == datetime(2021, 9, 1, 8, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0
    assert event["URL"] == "https://coalition.example/meetings/1"
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == "Fing, 8 passage Brulon, Paris – https://visio.example/abc"
    assert event["DESCRIPTION"] == "Ordre du jour : feuille de route.\nhttps://visio.example/abc"


def test_utc_stamps_are_written_in_utc() -> None:
    text = calendar_bytes([SEPTEMBER], name="Coalition").decode()
    assert "DTSTAMP:20210901T083000Z" in text
    assert "LAST-MODIFIED:20210901T083000Z" in text
    assert "DTSTART;TZID=Europe/Paris:20210921T140000" in text


@pytest.mark.parametrize(
    ("event", "wall_start", "wall_end"),
    [
        (SEPTEMBER, datetime(2021, 9, 21, 14, 0), datetime(2021, 9, 21, 16, 0)),
        (DECEMBER, datetime(2021, 12, 14, 14, 0), datetime(2021, 12, 14, 16, 30)),
    ],
)
def test_times_are_paris_wall_times(
    event: CalendarEvent, wall_start: datetime, wall_end: datetime
) -> None:
    parsed = only_event(parse([event]))
    start, end = parsed.decoded("DTSTART"), parsed.decoded("DTEND")
    assert start.tzinfo == PARIS
    assert end.tzinfo == PARIS
    assert start.replace(tzinfo=None) == wall_start
    assert end.replace(tzinfo=None) == wall_end
    assert start == event.starts_at
    assert end == event.ends_at
    assert parsed["DTSTART"].params["TZID"] == "Europe/Paris"


def test_one_vtimezone_for_several_events() -> None:
    calendar = parse([SEPTEMBER, DECEMBER])
    timezones = calendar.timezones
    assert [timezone["TZID"] for timezone in timezones] == ["Europe/Paris"]
    assert [event["UID"] for event in calendar.events] == [
        "meeting-1@coalition",
        "meeting-2@coalition",
    ]
    assert calendar.get_missing_tzids() == set()


def test_vtimezone_gives_the_paris_offsets() -> None:
    (timezone,) = parse([SEPTEMBER]).timezones
    # lookup_tzid=False: read the component's own rules, not the system's Europe/Paris.
    tzinfo = timezone.to_tz(lookup_tzid=False)
    assert tzinfo.utcoffset(datetime(2021, 9, 21, 14, 0)).total_seconds() == 2 * 3600
    assert tzinfo.utcoffset(datetime(2021, 12, 14, 14, 0)).total_seconds() == 3600


@pytest.mark.parametrize(
    ("status", "expected"),
    [("planned", "CONFIRMED"), ("held", "CONFIRMED"), ("cancelled", "CANCELLED")],
)
def test_status(status: str, expected: str) -> None:
    event = only_event(parse([replace(SEPTEMBER, status=status)]))
    assert event["STATUS"] == expected


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="postponed"):
        calendar_bytes([replace(SEPTEMBER, status="postponed")], name="Coalition")


def test_updated_event_keeps_its_uid_with_a_higher_sequence() -> None:
    updated = replace(
        SEPTEMBER,
        sequence=SEPTEMBER.sequence + 1,
        starts_at=datetime(2021, 9, 21, 13, 0, tzinfo=UTC),
        updated_at=datetime(2021, 9, 10, 17, 0, tzinfo=UTC),
    )
    before, after = only_event(parse([SEPTEMBER])), only_event(parse([updated]))
    assert after["UID"] == before["UID"] == "meeting-1@coalition"
    assert (before.decoded("SEQUENCE"), after.decoded("SEQUENCE")) == (0, 1)
    assert after.decoded("DTSTART").replace(tzinfo=None) == datetime(2021, 9, 21, 15, 0)
    assert after.decoded("LAST-MODIFIED") == datetime(2021, 9, 10, 17, 0, tzinfo=UTC)


def test_special_characters_round_trip() -> None:
    title = "Budget, priorités; suite\net fin \\ « ok »"
    description = "Ligne 1; a, b\nLigne 2"
    event = replace(SEPTEMBER, title=title, location="Salle A; 2e étage", description=description)
    text = calendar_bytes([event], name="Coalition").decode()
    assert "SUMMARY:Budget\\, priorités\\; suite\\net fin \\\\ « ok »" in text
    parsed = only_event(Calendar.from_ical(text))
    assert parsed["SUMMARY"] == title
    assert parsed["LOCATION"] == "Salle A; 2e étage – https://visio.example/abc"
    assert parsed["DESCRIPTION"] == description + "\nhttps://visio.example/abc"


def test_long_lines_are_folded() -> None:
    event = replace(SEPTEMBER, description="Mot " * 100)
    lines = calendar_bytes([event], name="Coalition").split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert str(only_event(parse([event]))["DESCRIPTION"]).startswith("Mot Mot")


def test_optional_fields_are_left_out_when_empty() -> None:
    event = only_event(parse([DECEMBER]))
    for name in ("LOCATION", "URL", "DESCRIPTION"):
        assert name not in event


def test_online_only_meeting() -> None:
    event = only_event(parse([replace(DECEMBER, online_url="https://visio.example/x")]))
    assert event["LOCATION"] == "https://visio.example/x"
    assert event["DESCRIPTION"] == "https://visio.example/x"


def test_empty_calendar_is_valid() -> None:
    data = calendar_bytes([], name="Coalition")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(data)
    assert calendar.events == []
    assert [timezone["TZID"] for timezone in calendar.timezones] == ["Europe/Paris"]
    assert calendar["X-WR-CALNAME"] == "Coalition"


def test_far_future_meeting_is_covered_by_the_vtimezone() -> None:
    later = replace(
        DECEMBER,
        starts_at=datetime(2040, 7, 3, 12, 0, tzinfo=UTC),
        ends_at=datetime(2040, 7, 3, 14, 0, tzinfo=UTC),
    )
    (timezone,) = parse([later]).timezones
    assert (
        timezone.to_tz(lookup_tzid=False).utcoffset(datetime(2040, 7, 3, 14, 0)).total_seconds()
        == 2 * 3600
    )
