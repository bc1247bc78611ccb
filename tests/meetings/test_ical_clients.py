"""The calendar as clients other than the `icalendar` library read it.

vobject, like ical.js (Thunderbird's parser), reads only the first date of a comma-separated
RDATE: with the zone written that way, every summer meeting came out an hour late. Each test
reads the file with vobject and its own reading of our VTIMEZONE, not the system's tz database.
"""

import calendar as gregorian
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import vobject
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.meetings.calendar import PARIS, CalendarEvent, calendar_bytes
from tests import factories as f

JULY_AT_2PM = datetime(2030, 7, 9, 12, 0, tzinfo=UTC)  # 14:00 in Paris (CEST)
JANUARY_AT_2PM = datetime(2030, 1, 15, 13, 0, tzinfo=UTC)  # 14:00 in Paris (CET)


def event(uid: str, starts_at: datetime) -> CalendarEvent:
    return CalendarEvent(
        uid=uid,
        sequence=0,
        title="Rencontre",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        status="planned",
        updated_at=datetime(2029, 12, 1, tzinfo=UTC),
    )


def read(body: bytes) -> Any:
    return vobject.readOne(body.decode())


def starts_in_utc(calendar: Any) -> dict[str, datetime]:
    """Each event's start, as the client understood it, in UTC."""
    return {
        component.uid.value: component.dtstart.value.astimezone(UTC)
        for component in calendar.vevent_list
    }


def test_vobject_reads_summer_and_winter_meetings_at_their_paris_time() -> None:
    body = calendar_bytes(
        [event("july", JULY_AT_2PM), event("january", JANUARY_AT_2PM)], name="Coalition"
    )
    calendar = read(body)
    assert starts_in_utc(calendar) == {
        "july": datetime(2030, 7, 9, 12, 0, tzinfo=UTC),
        "january": datetime(2030, 1, 15, 13, 0, tzinfo=UTC),
    }
    july = next(e for e in calendar.vevent_list if e.uid.value == "july")
    assert july.dtstart.value.replace(tzinfo=None) == datetime(2030, 7, 9, 14, 0)  # wall time
    assert july.dtend.value.astimezone(UTC) == datetime(2030, 7, 9, 14, 0, tzinfo=UTC)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, gregorian.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - gregorian.SUNDAY) % 7)


def test_the_written_zone_agrees_with_the_tz_database_every_year_to_2100() -> None:
    tzinfo = read(calendar_bytes([], name="Coalition")).vtimezone.gettzinfo()
    moments = []
    for year in range(1997, 2100):
        moments += [datetime(year, 1, 15, 12, tzinfo=UTC), datetime(year, 7, 15, 12, tzinfo=UTC)]
        for month in (3, 10):  # both changes happen at 01:00 UTC
            day = datetime.combine(last_sunday(year, month), datetime.min.time(), UTC)
            moments += [day + timedelta(minutes=30), day + timedelta(minutes=90)]
    wrong = [
        moment
        for moment in moments
        if moment.astimezone(tzinfo).utcoffset() != moment.astimezone(PARIS).utcoffset()
    ]
    assert wrong == []


def test_the_zone_is_written_as_yearly_rules() -> None:
    (zone,) = read(calendar_bytes([], name="Coalition")).vtimezone_list
    assert zone.tzid.value == "Europe/Paris"
    rules = {
        component.name: (component.rrule.value, component.tzoffsetto.value)
        for component in zone.getChildren()
        if component.name in ("STANDARD", "DAYLIGHT")
    }
    assert rules == {
        "DAYLIGHT": ("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "+0200"),
        "STANDARD": ("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "+0100"),
    }


# -- the files the app serves -------------------------------------------------------------


@pytest.fixture
def meetings(db: Session) -> dict[str, int]:
    coalition = f.coalition(db, slug="agenda")
    july = f.meeting(db, coalition, starts_at=JULY_AT_2PM)
    january = f.meeting(db, coalition, starts_at=JANUARY_AT_2PM)
    return {"july": july.id, "january": january.id}


def test_the_coalition_calendar_reads_right_in_vobject(
    client: FlaskClient, meetings: dict[str, int]
) -> None:
    response = client.get("/c/agenda/meetings.ics")
    assert response.status_code == 200
    starts = sorted(starts_in_utc(read(response.get_data())).values())
    assert starts == [
        datetime(2030, 1, 15, 13, 0, tzinfo=UTC),
        datetime(2030, 7, 9, 12, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("july", datetime(2030, 7, 9, 12, 0, tzinfo=UTC)),
        ("january", datetime(2030, 1, 15, 13, 0, tzinfo=UTC)),
    ],
)
def test_a_meeting_file_reads_right_in_vobject(
    client: FlaskClient, meetings: dict[str, int], name: str, expected: datetime
) -> None:
    response = client.get(f"/c/agenda/meetings/{meetings[name]}.ics")
    assert response.status_code == 200
    assert list(starts_in_utc(read(response.get_data())).values()) == [expected]
