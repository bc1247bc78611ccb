"""Running meetings through the browser's forms: scheduling, agenda, attendance, reviews."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.meetings.models import (
    ActionReview,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Presence,
)
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World, post_form

C = "/c/ma-coalition"


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def meetings_of(db: Session, world: World) -> list[Meeting]:
    query = select(Meeting).where(Meeting.coalition_id == world.coalition.id)
    return list(db.scalars(query.order_by(Meeting.starts_at)))


def schedule(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    data = {"start_time": "14:00", "end_time": "16:30", "place": "Lyon", **fields}
    return post_form(client, f"{C}/meetings/new", data)


def test_schedule_one_meeting_in_paris_time(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    response = schedule(client, mode="single", day="2021-09-21", title="Rencontre n°{n}")
    assert response.status_code == 302
    [meeting] = meetings_of(db, world)
    assert meeting.starts_at == datetime(2021, 9, 21, 12, 0, tzinfo=UTC)
    assert (meeting.number, meeting.title) == (1, "Rencontre n°1")


def test_schedule_a_monthly_rule(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    response = schedule(
        client, mode="rule", nth="2", weekday="1", first_month="2021-09-01", count="4"
    )
    assert response.status_code == 302
    days = [m.starts_at.date().isoformat() for m in meetings_of(db, world)]
    assert days == ["2021-09-14", "2021-10-12", "2021-11-09", "2021-12-14"]
    assert meetings_of(db, world)[-1].starts_at.hour == 13  # 14:00 in Paris, winter time


def test_schedule_explicit_dates(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    response = schedule(client, mode="dates", dates="21/09/2021\n12/10/2021\n2021-11-09")
    assert response.status_code == 302
    assert [m.number for m in meetings_of(db, world)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "single", "day": "2021-09-21", "end_time": "13:00"}, "après le début"),
        ({"mode": "single"}, "Indiquez la date"),
        ({"mode": "dates", "dates": "31/02/2021"}, "n&#39;est pas une date"),
        ({"mode": "dates", "dates": ""}, "au moins une date"),
        (
            {"mode": "rule", "nth": "2", "weekday": "1", "first_month": "2021-09-01", "count": "0"},
            "entre 1 et 36",
        ),
        ({"mode": "single", "day": "2021-09-21", "online_url": "javascript:alert(1)"}, "https://"),
    ],
)
def test_bad_schedules_are_refused_and_create_nothing(
    client: FlaskClient, world: World, db: Session, fields: dict[str, str], message: str
) -> None:
    world.log_in(client, "facilitator")
    response = schedule(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert meetings_of(db, world) == []


def test_calendar_feed_parses_and_updates_keep_the_uid(
    client: FlaskClient, world: World, db: Session
) -> None:
    meeting = f.meeting(db, world.coalition, starts_at=datetime(2021, 9, 21, 12, tzinfo=UTC))
    f.meeting(db, world.coalition, starts_at=datetime(2021, 12, 14, 13, tzinfo=UTC))
    feed = icalendar.Calendar.from_ical(client.get(f"{C}/meetings.ics").get_data())
    events = feed.walk("VEVENT")
    assert len(events) == 2
    first = next(e for e in events if str(e["UID"]) == meeting.ical_uid)
    assert (
        first.decoded("DTSTART").hour == 14
        and str(first.decoded("DTSTART").tzinfo) == "Europe/Paris"
    )
    assert int(first["SEQUENCE"]) == 0
    world.log_in(client, "facilitator")
    response = post_form(
        client,
        f"{C}/meetings/{meeting.id}/edit",
        {
            "title": "Rencontre déplacée",
            "day": "2021-09-22",
            "start_time": "10:00",
            "end_time": "12:00",
            "status": "planned",
            "version": str(meeting.version),
        },
    )
    assert response.status_code == 302
    single = icalendar.Calendar.from_ical(client.get(f"{C}/meetings/{meeting.id}.ics").get_data())
    [event] = single.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid and int(event["SEQUENCE"]) == 1
    assert str(event["SUMMARY"]) == "Rencontre déplacée"


def test_cancel_a_meeting(client: FlaskClient, world: World, db: Session) -> None:
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    stale = post_form(client, f"{C}/meetings/{meeting.id}/cancel", {"version": "0"}, form_url="/")
    assert stale.status_code == 409
    done = post_form(
        client, f"{C}/meetings/{meeting.id}/cancel", {"version": str(meeting.version)}, form_url="/"
    )
    assert done.status_code == 302
    db.refresh(meeting)
    assert meeting.status == MeetingStatus.cancelled and meeting.ical_sequence == 1
    feed = icalendar.Calendar.from_ical(client.get(f"{C}/meetings.ics").get_data())
    assert str(feed.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_agenda_items(client: FlaskClient, world: World, db: Session) -> None:
    meeting = f.meeting(db, world.coalition)
    foreign = f.action(db, world.other_coalition)
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/agenda"
    bad = post_form(
        client,
        url,
        {"agenda-action": str(foreign.id), "agenda-duration_minutes": "10"},
        form_url="/",
    )
    assert bad.status_code == 400 and "n&#39;appartient pas" in bad.get_data(as_text=True)
    zero = post_form(
        client, url, {"agenda-title": "Tour de table", "agenda-duration_minutes": "0"}, form_url="/"
    )
    assert zero.status_code == 400 and "de 1 à 480" in zero.get_data(as_text=True)
    assert count(db, AgendaItem) == 0
    for data in (
        {"agenda-title": "Tour de table", "agenda-duration_minutes": "10"},
        {"agenda-action": str(world.action.id), "agenda-duration_minutes": "20"},
    ):
        assert post_form(client, url, data, form_url="/").status_code == 302
    items = list(db.scalars(select(AgendaItem).order_by(AgendaItem.position)))
    assert [i.title for i in items] == ["Tour de table", "Action 1"]
    move = f"{url}/{items[1].id}/move"
    assert post_form(client, move, {"direction": "up"}, form_url="/").status_code == 302
    db.expire_all()
    assert [i.title for i in db.scalars(select(AgendaItem).order_by(AgendaItem.position))] == [
        "Action 1",
        "Tour de table",
    ]
    page = client.get(f"{C}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Durée totale : 30 min" in page
    assert post_form(client, f"{url}/{items[0].id}/remove", {}, form_url="/").status_code == 302
    assert count(db, AgendaItem) == 1


def test_attendance_quick_form(client: FlaskClient, world: World, db: Session) -> None:
    meeting = f.meeting(db, world.coalition)
    stranger = f.actor(db, world.other_coalition)
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/attendance"
    ok = post_form(
        client,
        url,
        {f"presence-{world.actor.id}": "present", f"presence-{world.other_actor.id}": "excused"},
        form_url="/",
    )
    assert ok.status_code == 302
    assert {a.presence for a in db.scalars(select(Attendance))} == {
        Presence.present,
        Presence.excused,
    }
    for bad in ({f"presence-{world.actor.id}": "asleep"}, {f"presence-{stranger.id}": "present"}):
        response = post_form(client, url, bad, form_url="/")
        assert response.status_code == 400
    assert count(db, Attendance) == 2
    post_form(client, url, {f"presence-{world.actor.id}": ""}, form_url="/")
    assert count(db, Attendance) == 1


def test_minutes_are_sanitised_and_public_once_published(
    client: FlaskClient,
    world: World,
    db: Session,
    app,  # type: ignore[no-untyped-def]
) -> None:
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/minutes"
    minutes = "**Bilan** <script>alert(1)</script><img src=x onerror=alert(2)>"
    post_form(
        client,
        url,
        {"minutes-minutes": minutes, "minutes-version": str(meeting.version)},
        form_url="/",
    )
    page = client.get(f"{C}/meetings/{meeting.id}").get_data(as_text=True)
    shown = page.split('id="minutes"')[1].split('class="prose">')[1].split("</div>")[0]
    assert "<strong>Bilan</strong>" in shown and "<script" not in shown and "onerror" not in shown
    public = app.test_client()
    assert "Bilan" not in public.get(f"{C}/meetings/{meeting.id}").get_data(as_text=True)
    db.refresh(meeting)
    post_form(
        client,
        url,
        {
            "minutes-minutes": minutes,
            "minutes-publish": "y",
            "minutes-version": str(meeting.version),
        },
        form_url="/",
    )
    assert "<strong>Bilan</strong>" in public.get(f"{C}/meetings/{meeting.id}").get_data(
        as_text=True
    )
    stale = post_form(
        client, url, {"minutes-minutes": "autre", "minutes-version": "1"}, form_url="/"
    )
    assert stale.status_code == 409


def test_decisions(client: FlaskClient, world: World, db: Session) -> None:
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/decisions"
    assert post_form(client, url, {"decision-text": ""}, form_url="/").status_code == 400
    ok = post_form(
        client,
        url,
        {"decision-text": "On lance l'action", "decision-action": str(world.action.id)},
        form_url="/",
    )
    assert ok.status_code == 302
    decision = db.scalars(select(Decision)).one()
    assert decision.action_id == world.action.id
    assert post_form(client, f"{url}/{decision.id}/remove", {}, form_url="/").status_code == 302
    assert count(db, Decision) == 0


def review(client: FlaskClient, meeting: Meeting, action_id: int, **fields: str):  # type: ignore[no-untyped-def]
    data = {"status": "in_progress", "progress": "40", "note": "", "next_steps": "", **fields}
    return post_form(client, f"{C}/meetings/{meeting.id}/reviews/{action_id}", data)


def test_reviews_set_the_action_status_and_corrections_are_logged(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.action.status = ActionStatus.committed
    october = f.meeting(db, world.coalition, starts_at=datetime(2021, 10, 12, 12, tzinfo=UTC))
    november = f.meeting(db, world.coalition, starts_at=datetime(2021, 11, 9, 13, tzinfo=UTC))
    world.log_in(client, "facilitator")
    assert review(client, october, world.action.id).status_code == 302
    assert (
        review(client, november, world.action.id, status="blocked", progress="50").status_code
        == 302
    )
    db.refresh(world.action)
    assert world.action.status == ActionStatus.blocked
    first = db.scalars(select(ActionReview).where(ActionReview.meeting_id == october.id)).one()
    corrected = review(client, october, world.action.id, progress="45", version=str(first.version))
    assert corrected.status_code == 302
    db.refresh(world.action)
    assert world.action.status == ActionStatus.blocked  # a past review does not change it
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "review").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "create", "update"]
    assert events[-1].before["progress"] == 40 and events[-1].after["progress"] == 45


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"progress": "101"}, "0 à 100"),
        ({"progress": "-1"}, "0 à 100"),
        ({"progress": ""}, "avancement"),
        ({"status": "proposed"}, "ne peut pas passer"),
        ({"status": "flying"}, "N&#39;est pas un choix valide"),
    ],
)
def test_bad_reviews_are_refused(
    client: FlaskClient, world: World, db: Session, fields: dict[str, str], message: str
) -> None:
    world.action.status = ActionStatus.done
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    response = review(client, meeting, world.action.id, **fields)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    assert count(db, ActionReview) == 0


def test_no_review_at_a_cancelled_meeting_nor_across_coalitions(
    client: FlaskClient, world: World, db: Session
) -> None:
    cancelled = f.meeting(db, world.coalition, status=MeetingStatus.cancelled)
    foreign_meeting = f.meeting(db, world.other_coalition)
    world.log_in(client, "facilitator")
    response = review(client, cancelled, world.action.id)
    assert response.status_code == 400 and "annulée" in response.get_data(as_text=True)
    assert review(client, foreign_meeting, world.action.id).status_code == 404
    foreign_action = f.action(db, world.other_coalition)
    assert review(client, f.meeting(db, world.coalition), foreign_action.id).status_code == 404
    assert count(db, ActionReview) == 0


def test_attendance_over_time_flags_two_absences_in_a_row(
    client: FlaskClient, world: World, db: Session
) -> None:
    start = datetime(2021, 9, 21, 12, tzinfo=UTC)
    for week in (0, 4):
        meeting = f.meeting(
            db, world.coalition, starts_at=start + timedelta(weeks=week), status=MeetingStatus.held
        )
        db.add(Attendance(meeting_id=meeting.id, actor_id=world.actor.id, presence=Presence.absent))
        db.add(
            Attendance(
                meeting_id=meeting.id, actor_id=world.other_actor.id, presence=Presence.present
            )
        )
    db.flush()
    world.log_in(client, "member")
    html = client.get(f"{C}/attendance").get_data(as_text=True)
    flagged = html.split("Absents à deux rencontres de suite")[1].split("</p>")[0]
    assert "Acteur A" in flagged and "Acteur B" not in flagged


def test_meeting_page_statements_do_not_grow(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "facilitator")

    def make(size: int) -> str:
        coalition = f.coalition(db)
        from coalition.auth.models import MembershipRole

        f.membership(
            db, world.users["admin"], coalition, MembershipRole.facilitator
        ) if False else None
        meetings = [f.meeting(db, coalition) for _ in range(24)]
        actions = [f.action(db, coalition) for _ in range(size)]
        actors = [f.actor(db, coalition) for _ in range(size)]
        for action, actor in zip(actions, actors, strict=True):
            db.add(
                ActionReview(
                    meeting_id=meetings[0].id,
                    action_id=action.id,
                    status=ActionStatus.committed,
                    progress=10,
                )
            )
            db.add(AgendaItem(meeting_id=meetings[0].id, title=action.title, action_id=action.id))
            db.add(
                Attendance(meeting_id=meetings[0].id, actor_id=actor.id, presence=Presence.present)
            )
        db.flush()
        return f"/c/{coalition.slug}/meetings/{meetings[0].id}"

    def statements(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    assert statements(make(10)) == statements(make(300))
