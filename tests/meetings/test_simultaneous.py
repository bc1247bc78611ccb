"""Meeting writes go through one helper: a write that meets another at the same instant answers
409 and says so, a broken rule 400 with its message; nothing is saved either way."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coalition.meetings import service
from coalition.meetings.models import Attendance, Decision, Meeting, MeetingStatus
from tests import factories as f
from tests.clashes import SIMULTANEOUS, clashing, count, text_of
from tests.conftest import World, post_form

C = "/c/ma-coalition"
CHANGED = "La rencontre a changé entre-temps"


def test_meetings_scheduled_at_the_same_instant_are_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "schedule_meetings", clashing(service.schedule_meetings))
    world.log_in(client, "facilitator")
    data = {
        "mode": "single",
        "day": "2031-09-21",
        "start_time": "14:00",
        "end_time": "16:00",
        "title": "Rencontre simultanée",
    }
    response = post_form(client, f"{C}/meetings/new", data)
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response) and "Rencontre simultanée" in text_of(response)
    assert count(db, Meeting) == 0


def test_an_edit_that_meets_another_write_keeps_what_was_typed(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = f.meeting(db, world.coalition, title="Avant")
    stale = StaleDataError("UPDATE meetings ... 0 rows matched")
    monkeypatch.setattr(service, "update_meeting", clashing(service.update_meeting, stale))
    world.log_in(client, "facilitator")
    data = {
        "title": "Après",
        "day": "2031-09-22",
        "start_time": "10:00",
        "end_time": "12:00",
        "status": "planned",
        "version": str(meeting.version),
    }
    response = post_form(client, f"{C}/meetings/{meeting.id}/edit", data)
    assert response.status_code == 409
    page = text_of(response)
    assert SIMULTANEOUS in page and 'value="Après"' in page  # what was typed is kept
    db.refresh(meeting)
    assert meeting.title == "Avant"


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "99999999999"])
def test_a_cancel_from_a_page_without_the_current_version_is_refused(
    client: FlaskClient, world: World, db: Session, version: str | None
) -> None:
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    data = {} if version is None else {"version": version}
    response = post_form(client, f"{C}/meetings/{meeting.id}/cancel", data, form_url="/")
    assert response.status_code == 409 and CHANGED in text_of(response)
    db.refresh(meeting)
    assert meeting.status == MeetingStatus.planned


def test_a_cancel_that_meets_another_write_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = f.meeting(db, world.coalition)
    monkeypatch.setattr(service, "cancel_meeting", clashing(service.cancel_meeting))
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/cancel"
    response = post_form(client, url, {"version": str(meeting.version)}, form_url="/")
    assert response.status_code == 409 and CHANGED in text_of(response)
    db.refresh(meeting)
    assert meeting.status == MeetingStatus.planned


def test_a_button_that_meets_another_write_says_so_and_removes_nothing(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = f.meeting(db, world.coalition)
    decision = Decision(meeting_id=meeting.id, text="Décision maintenue")
    db.add(decision)
    db.flush()
    monkeypatch.setattr(service, "remove_decision", clashing(service.remove_decision))
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/decisions/{decision.id}/remove"
    response = post_form(client, url, {}, form_url="/")
    assert response.status_code == 409 and SIMULTANEOUS in text_of(response)
    assert count(db, Decision) == 1


def test_attendance_that_cannot_be_read_says_so_and_stores_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    meeting = f.meeting(db, world.coalition)
    stranger = f.actor(db, world.other_coalition)
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/attendance"
    for bad in (
        {f"presence-{world.actor.id}": "asleep"},
        {"presence-abc": "present"},
        {f"presence-{world.actor.id}": "present", f"presence-{stranger.id}": "present"},
    ):
        response = post_form(client, url, bad, form_url="/")
        assert response.status_code == 400
        assert "une valeur n'est pas reconnue" in text_of(response)
    assert count(db, Attendance) == 0


def test_attendance_that_meets_another_write_is_a_409(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = f.meeting(db, world.coalition)
    monkeypatch.setattr(service, "record_attendance", clashing(service.record_attendance))
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/attendance"
    response = post_form(client, url, {f"presence-{world.actor.id}": "present"}, form_url="/")
    assert response.status_code == 409 and SIMULTANEOUS in text_of(response)
    assert count(db, Attendance) == 0
