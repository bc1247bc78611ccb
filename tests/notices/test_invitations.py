"""Meeting invitations: each current person of the coalition gets the meeting's current version
once, with an iCalendar attachment that a calendar reads as a new event, an update of the same
event, or its removal. Read with vobject, not with the library that wrote it."""

from datetime import UTC, datetime, timedelta
from typing import Any

import vobject
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, MembershipRole
from coalition.db import get_database
from coalition.mail.models import OutboxMessage
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.service import cancel_meeting, update_meeting
from coalition.notices import invitations
from coalition.notices.models import NoticeKind, Setting
from coalition.notices.service import choose
from tests import factories as f
from tests.conftest import World
from tests.mail.smtp_server import SmtpServer

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
STARTS = datetime(2030, 3, 20, 17, 30, tzinfo=UTC)  # 18:30 in Paris


def _meeting(db: Session, world: World, **fields: Any) -> Meeting:
    return f.meeting(
        db, world.coalition, title="Rencontre de mars", starts_at=STARTS, place="Salle 2", **fields
    )


def _queue(app: Flask, db: Session, now: datetime = NOW) -> int:
    with app.test_request_context():
        return invitations.queue_due(db, now)


def _outbox(db: Session) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _to(db: Session, address: str) -> list[OutboxMessage]:
    return [message for message in _outbox(db) if message.to_address == address]


def _calendar(message: OutboxMessage) -> Any:
    (attachment,) = message.attachments
    assert attachment["filename"] == "invitation.ics"
    return vobject.readOne(attachment["content"])


def _people(world: World) -> list[str]:
    return sorted(world.users[role].email for role in ("member", "other_member", "facilitator"))


def move_meeting(db: Session, meeting: Meeting, by: Any, starts_at: datetime) -> None:
    update_meeting(
        db,
        meeting,
        title=meeting.title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=meeting.place,
        online_url=meeting.online_url,
        status=meeting.status,
        seen_version=meeting.version,
        by=by,
    )


def test_each_current_person_is_invited_once(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    db.add(AgendaItem(meeting_id=meeting.id, title="Tour de table", duration_minutes=20))
    db.flush()

    assert _queue(app, db) == 3
    assert _queue(app, db) == 0  # the command ran again: nothing twice

    messages = _outbox(db)
    assert sorted(message.to_address for message in messages) == _people(world)
    member = world.users["member"]
    (message,) = _to(db, member.email)
    assert message.subject == "Invitation : Rencontre de mars, le 20 mars 2030"
    assert message.attachments[0]["content_type"] == "text/calendar; method=REQUEST"
    calendar = _calendar(message)
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    assert event.uid.value == meeting.ical_uid
    assert int(event.sequence.value) == 0
    assert event.summary.value == "Rencontre de mars"
    assert event.dtstart.value.astimezone(UTC) == STARTS
    assert event.dtstart.value.replace(tzinfo=None) == datetime(2030, 3, 20, 18, 30)
    assert event.location.value == "Salle 2"
    assert event.organizer.value.startswith("mailto:")
    assert event.attendee.value == f"mailto:{member.email}"
    assert event.attendee.params["RSVP"] == ["FALSE"]
    assert event.status.value == "CONFIRMED"
    page = f"/c/ma-coalition/meetings/{meeting.id}"
    for body in (message.text_body, message.html_body):
        assert "mercredi 20 mars 2030, 18:30" in body
        assert "Salle 2" in body
        assert page in body
        assert "Tour de table (20 min)" in body
        assert "/notices/unsubscribe/" in body
        assert message.headers["List-Unsubscribe"].strip("<>") in body


def test_a_move_updates_the_same_event(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    _queue(app, db)
    move_meeting(db, meeting, world.users["facilitator"], STARTS + timedelta(days=1))
    assert meeting.ical_sequence == 1

    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    first, second = _to(db, world.users["member"].email)
    assert second.subject == "Rencontre modifiée : Rencontre de mars, le 21 mars 2030"
    before, after = _calendar(first).vevent, _calendar(second).vevent
    assert after.uid.value == before.uid.value == meeting.ical_uid
    assert int(after.sequence.value) == 1 > int(before.sequence.value)
    assert after.dtstart.value.astimezone(UTC) == STARTS + timedelta(days=1)
    assert _calendar(second).method.value == "REQUEST"


def test_a_meeting_moved_twice_between_two_runs_sends_its_last_version(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    _queue(app, db)
    facilitator = world.users["facilitator"]
    move_meeting(db, meeting, facilitator, STARTS + timedelta(hours=1))
    move_meeting(db, meeting, facilitator, STARTS + timedelta(hours=2))  # within the same minute

    assert _queue(app, db) == 3
    messages = _to(db, world.users["member"].email)
    assert len(messages) == 2
    event = _calendar(messages[-1]).vevent
    assert int(event.sequence.value) == 2
    assert event.dtstart.value.astimezone(UTC) == STARTS + timedelta(hours=2)


def test_a_cancellation_removes_the_event_from_the_invited_only(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    _queue(app, db)
    newcomer = f.user(db)
    f.membership(db, newcomer, world.coalition, MembershipRole.member, world.actor)
    cancel_meeting(db, meeting, seen_version=meeting.version, by=world.users["facilitator"])

    assert _queue(app, db) == 3  # the three invited; the newcomer never had it in a calendar
    assert _queue(app, db) == 0
    assert _to(db, newcomer.email) == []
    cancelled = _to(db, world.users["member"].email)[-1]
    assert cancelled.subject == "Rencontre annulée : Rencontre de mars"
    assert cancelled.attachments[0]["content_type"] == "text/calendar; method=CANCEL"
    calendar = _calendar(cancelled)
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.uid.value == meeting.ical_uid
    assert int(calendar.vevent.sequence.value) == 1
    assert calendar.vevent.status.value == "CANCELLED"
    assert calendar.vevent.attendee.value == f"mailto:{world.users['member'].email}"
    assert "est annulée" in cancelled.text_body and "est annulée" in cancelled.html_body
    assert cancelled.headers["List-Unsubscribe"].strip("<>") in cancelled.text_body


def test_a_meeting_cancelled_before_any_invitation_sends_nothing(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    cancel_meeting(db, meeting, seen_version=meeting.version, by=world.users["facilitator"])
    assert _queue(app, db) == 0
    assert _outbox(db) == []


def test_nobody_removed_gets_anything(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    _queue(app, db)
    member = world.users["member"]
    # removed between the move and the next run of the command
    move_meeting(db, meeting, world.users["facilitator"], STARTS + timedelta(days=2))
    db.execute(delete(Membership).where(Membership.user_id == member.id))
    assert _queue(app, db) == 2
    assert len(_to(db, member.email)) == 1  # the first invitation only


def test_no_invitation_for_past_meetings_other_coalitions_or_who_said_no(
    app: Flask, db: Session, world: World
) -> None:
    f.meeting(db, world.coalition, starts_at=NOW - timedelta(days=1))  # already started
    f.meeting(db, world.other_coalition, starts_at=STARTS)
    _meeting(db, world)
    with app.test_request_context():
        choose(db, world.users["other_member"].id, NoticeKind.meeting, Setting.off)
    inactive = world.users["member"]
    inactive.is_active = False
    db.flush()

    assert _queue(app, db) == 2  # the facilitator here, the other coalition's facilitator
    assert sorted(message.to_address for message in _outbox(db)) == sorted(
        [world.users["facilitator"].email, world.users["other_facilitator"].email]
    )


def test_a_person_reads_it_in_their_language(app: Flask, db: Session, world: World) -> None:
    member = world.users["member"]
    member.language = "en"
    db.flush()
    _meeting(db, world)
    _queue(app, db)
    (message,) = _to(db, member.email)
    assert message.language == "en"
    assert "Wednesday, March 20, 2030" in message.text_body


def test_the_invitation_and_its_update_arrive_through_smtp(
    app: Flask, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    member, other = world.users["member"], world.users["other_member"]
    smtp_server.refuse(other.email)  # a mail address that bounces
    meeting = _meeting(db, world)
    database = get_database(app)
    with app.app_context(), database.transaction() as session:  # lazy loads raise here
        assert invitations.queue_due(session, NOW) == 3
    report = smtp_server.deliver(app)
    assert (report.sent, report.failed) == (2, 1)

    received = smtp_server.last_to(member.email)
    parts = {part.get_content_type(): part for part in received.iter_attachments()}
    part = parts["text/calendar"]
    assert part.get_param("method") == "REQUEST"
    event = vobject.readOne(part.get_content()).vevent
    assert (event.uid.value, int(event.sequence.value)) == (meeting.ical_uid, 0)
    assert received["List-Unsubscribe"].strip("<>") in smtp_server.text(received)

    move_meeting(db, meeting, world.users["facilitator"], STARTS + timedelta(days=7))
    db.flush()
    with app.app_context(), database.transaction() as session:
        assert invitations.queue_due(session, NOW) == 3
        assert invitations.queue_due(session, NOW) == 0
    smtp_server.deliver(app)
    updated = smtp_server.last_to(member.email)
    parts = {part.get_content_type(): part for part in updated.iter_attachments()}
    event = vobject.readOne(parts["text/calendar"].get_content()).vevent
    assert (event.uid.value, int(event.sequence.value)) == (meeting.ical_uid, 1)
    assert len(smtp_server.messages_to(member.email)) == 2
    assert smtp_server.messages_to(other.email) == []  # refused, and written once per version
    assert len(_to(db, other.email)) == 2


def test_a_series_is_invited_to_meeting_by_meeting(app: Flask, db: Session, world: World) -> None:
    """Twelve monthly meetings scheduled at once: each is invited to when it comes near."""
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    series = [
        f.meeting(db, world.coalition, number=50 + n, starts_at=now + timedelta(days=30 * n + 10))
        for n in range(12)
    ]
    with app.test_request_context():
        first = invitations.queue_due(db, now)
        later = invitations.queue_due(db, now + timedelta(days=30))
    near = [m for m in series if m.starts_at <= now + invitations.AHEAD]
    people = len(world.users) - 1  # every account of the world but the anonymous
    assert 0 < first <= len(near) * people < 12 * people
    assert later > 0  # the next one, a month on
