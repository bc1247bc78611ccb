"""Meeting numbers follow dates, not the order meetings were typed in: n°1 is the earliest."""

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.meetings.series import follow_number, numbers_by_date
from tests.conftest import World, post_form

C = "/c/ma-coalition"


def meetings_of(db: Session, world: World) -> list[tuple[str, int, str]]:
    """(day, number, title) of the coalition's meetings, by date."""
    query = select(Meeting).where(Meeting.coalition_id == world.coalition.id)
    query = query.order_by(Meeting.starts_at).execution_options(populate_existing=True)
    meetings = db.scalars(query)
    return [(m.starts_at.date().isoformat(), m.number, m.title) for m in meetings]


def schedule(client: FlaskClient, **fields: str) -> None:
    data = {"start_time": "14:00", "end_time": "16:30", "place": "Lyon", "title": "", **fields}
    response = post_form(client, f"{C}/meetings/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def move(client: FlaskClient, db: Session, meeting: Meeting, day: str, **fields: str) -> None:
    db.refresh(meeting)
    data = {
        "title": meeting.title,
        "day": day,
        "start_time": "14:00",
        "end_time": "16:30",
        "status": meeting.status.value,
        "version": str(meeting.version),
        **fields,
    }
    response = post_form(client, f"{C}/meetings/{meeting.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def meeting_on(db: Session, world: World, day: str) -> Meeting:
    query = select(Meeting).where(Meeting.coalition_id == world.coalition.id)
    return next(m for m in db.scalars(query) if m.starts_at.date().isoformat() == day)


def test_a_june_meeting_created_first_comes_after_february(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    schedule(client, mode="single", day="2026-06-16")
    schedule(client, mode="single", day="2026-02-10")
    assert meetings_of(db, world) == [
        ("2026-02-10", 1, "Rencontre n°1"),
        ("2026-06-16", 2, "Rencontre n°2"),
    ]


def test_a_series_typed_later_takes_its_place_by_date_and_its_titles_say_so(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    schedule(client, mode="single", day="2026-06-16", title="Rencontre d'été")
    schedule(client, mode="dates", dates="2026-03-10\n2026-09-15", title="Atelier {n}")
    assert [title for _, _, title in meetings_of(db, world)] == [
        "Atelier 1",
        "Rencontre d'été",
        "Atelier 3",
    ]
    schedule(client, mode="single", day="2026-01-13")
    assert meetings_of(db, world) == [
        ("2026-01-13", 1, "Rencontre n°1"),
        ("2026-03-10", 2, "Atelier 1"),  # made when it was n°1; "{n}" without "n°": kept
        ("2026-06-16", 3, "Rencontre d'été"),  # written by the facilitator: kept
        ("2026-09-15", 4, "Atelier 3"),  # a new series is titled with its numbers by date
    ]


def test_moving_a_meeting_renumbers_and_calendars_see_the_new_titles(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    schedule(client, mode="dates", dates="2026-02-10\n2026-03-10\n2026-04-14")
    february = meeting_on(db, world, "2026-02-10")
    march = meeting_on(db, world, "2026-03-10")
    url = f"{C}/meetings/{february.id}"
    move(client, db, february, "2026-05-12")
    assert meetings_of(db, world) == [
        ("2026-03-10", 1, "Rencontre n°1"),
        ("2026-04-14", 2, "Rencontre n°2"),
        ("2026-05-12", 3, "Rencontre n°3"),
    ]
    db.refresh(march)
    assert march.ical_sequence == 1  # its SUMMARY changed
    renumbered = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.entity_id == march.id)
    ).all()
    assert [(e.before or {}).get("number") for e in renumbered if e.action == "update"] == [2]
    page = client.get(url)  # the meeting keeps its address: URLs carry ids, not numbers
    assert page.status_code == 200 and "Rencontre n°3" in page.get_data(as_text=True)


def test_moving_a_meeting_without_passing_another_keeps_every_number(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    schedule(client, mode="dates", dates="2026-02-10\n2026-03-10")
    march = meeting_on(db, world, "2026-03-10")
    move(client, db, march, "2026-03-17", title="Rencontre de printemps")
    assert meetings_of(db, world) == [
        ("2026-02-10", 1, "Rencontre n°1"),
        ("2026-03-17", 2, "Rencontre de printemps"),
    ]


def test_a_cancelled_meeting_keeps_its_number_and_so_do_the_next_ones(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    schedule(client, mode="dates", dates="2026-02-10\n2026-03-10")
    february = meeting_on(db, world, "2026-02-10")
    db.refresh(february)
    response = post_form(
        client,
        f"{C}/meetings/{february.id}/cancel",
        {"version": str(february.version)},
        form_url="/",
    )
    assert response.status_code == 302
    db.refresh(february)
    assert february.status == MeetingStatus.cancelled
    assert [number for _, number, _ in meetings_of(db, world)] == [1, 2]


def test_numbers_are_ranks_by_date_then_creation() -> None:
    at = datetime(2026, 2, 10, 13, tzinfo=UTC)
    june = datetime(2026, 6, 16, 12, tzinfo=UTC)
    assert numbers_by_date([(5, june), (9, at), (7, at)]) == {7: 1, 9: 2, 5: 3}
    assert numbers_by_date([]) == {}


def test_only_titles_showing_the_number_follow_it() -> None:
    assert follow_number("Rencontre n°5", 5, 1) == "Rencontre n°1"
    assert follow_number("Meeting #5: budget", 5, 12) == "Meeting #12: budget"
    assert follow_number("Rencontre n°15", 5, 1) == "Rencontre n°15"
    assert follow_number("Rencontre n°51", 5, 1) == "Rencontre n°51"
    assert follow_number("Atelier 5", 5, 1) == "Atelier 5"
