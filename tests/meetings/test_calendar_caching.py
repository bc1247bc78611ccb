"""Calendar exports answer 304 to a client that already has the current version."""

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from coalition.coalitions.models import Coalition
from coalition.meetings.models import Meeting
from tests import factories as f

T0 = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=3)


@pytest.fixture
def coalition(db: Session) -> Coalition:
    return f.coalition(db, slug="cal", created_at=T0, updated_at=T0)


@pytest.fixture
def meeting(db: Session, coalition: Coalition) -> Meeting:
    f.meeting(db, coalition, updated_at=T0)
    return f.meeting(db, coalition, updated_at=T0 + timedelta(hours=1))


def urls(meeting: Meeting) -> list[str]:
    return ["/c/cal/meetings.ics", f"/c/cal/meetings/{meeting.id}.ics"]


def conditional(response: TestResponse) -> dict[str, str]:
    return {
        "If-None-Match": response.headers["ETag"],
        "If-Modified-Since": response.headers["Last-Modified"],
    }


def test_calendars_name_their_version_and_date(client: FlaskClient, meeting: Meeting) -> None:
    for url in urls(meeting):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["ETag"].startswith('"'), url
        assert response.last_modified == T0 + timedelta(hours=1), url


def test_a_client_that_has_the_calendar_gets_304(client: FlaskClient, meeting: Meeting) -> None:
    for url in urls(meeting):
        first = client.get(url)
        for headers in (
            {"If-None-Match": first.headers["ETag"]},
            {"If-Modified-Since": first.headers["Last-Modified"]},
            conditional(first),
        ):
            again = client.get(url, headers=headers)
            assert again.status_code == 304, (url, headers)
            assert again.get_data() == b""
        stale = client.get(url, headers={"If-None-Match": '"older"'})
        assert stale.status_code == 200
        assert stale.get_data() == first.get_data()


def test_a_moved_meeting_is_sent_again(client: FlaskClient, db: Session, meeting: Meeting) -> None:
    before = {url: client.get(url) for url in urls(meeting)}
    meeting.starts_at = meeting.starts_at + timedelta(hours=1)
    meeting.ends_at = meeting.ends_at + timedelta(hours=1)
    meeting.updated_at = T1
    db.flush()
    for url, first in before.items():
        for headers in (conditional(first), {"If-Modified-Since": first.headers["Last-Modified"]}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, headers)
            assert response.get_data() != first.get_data()
            assert response.last_modified == T1


def test_a_renamed_coalition_sends_its_calendars_again(
    client: FlaskClient, db: Session, coalition: Coalition, meeting: Meeting
) -> None:
    before = {url: client.get(url) for url in urls(meeting)}
    coalition.name = "Nouveau nom"
    coalition.updated_at = T1
    db.flush()
    for url, first in before.items():
        response = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert response.status_code == 200, url
        assert b"X-WR-CALNAME:Nouveau nom" in response.get_data()
