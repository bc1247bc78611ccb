"""Reminders before a meeting: once per person and version of the meeting, within the
coalition's delay; a member sees the agenda and their organisation's open commitments, a
facilitator the link to prepare the diagnostic."""

import html
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership
from coalition.db import get_database
from coalition.mail.models import OutboxMessage
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.service import cancel_meeting, update_meeting
from coalition.notices import reminders
from coalition.notices.models import NoticeKind, Setting
from coalition.notices.service import choose
from coalition.roadmap.models import ActionStatus, CommitmentStatus, Role
from tests import factories as f
from tests.conftest import World

NOW = datetime(2030, 3, 18, 9, 0, tzinfo=UTC)
STARTS = datetime(2030, 3, 20, 17, 30, tzinfo=UTC)  # two days and a half later


def _meeting(db: Session, world: World, **fields: Any) -> Meeting:
    return f.meeting(db, world.coalition, title="Rencontre de mars", starts_at=STARTS, **fields)


def _queue(app: Flask, db: Session, now: datetime = NOW) -> int:
    with app.test_request_context():
        return reminders.queue_due(db, now)


def _to(db: Session, address: str) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


def _all(db: Session) -> list[str]:
    return sorted(db.scalars(select(OutboxMessage.to_address)))


def test_each_person_is_reminded_once(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    db.add(AgendaItem(meeting_id=meeting.id, title="Point sur l'action", action_id=world.action.id))
    db.flush()

    assert _queue(app, db) == 3
    assert _queue(app, db) == 0  # the command ran three times: one reminder
    assert _queue(app, db, NOW + timedelta(hours=1)) == 0

    (member,) = _to(db, world.users["member"].email)
    assert member.subject == "Rappel : Rencontre de mars, le 20 mars 2030"
    for body in (member.text_body, html.unescape(member.html_body)):
        assert "Point sur l'action (15 min)" in body
        assert "Les engagements pris par Acteur A qui peuvent être revus" in body
        assert "Action 1 (Contributeur)" in body
        assert "à l'ordre du jour" in body
        assert "Action 2" not in body
        assert f"/c/ma-coalition/meetings/{meeting.id}" in body
        assert member.headers["List-Unsubscribe"].strip("<>") in body
        assert "/prepare" not in body
    (other,) = _to(db, world.users["other_member"].email)
    assert "Acteur B n'a pas d'engagement en cours sur une action ouverte." in other.text_body
    assert "Action 1" not in other.text_body.replace("Point sur l'action", "")
    (facilitator,) = _to(db, world.users["facilitator"].email)
    assert facilitator.subject == "À préparer : Rencontre de mars, le 20 mars 2030"
    prepare = f"http://localhost/c/ma-coalition/meetings/{meeting.id}/prepare"
    for body in (facilitator.text_body, html.unescape(facilitator.html_body)):
        assert prepare in body
        assert "préparer son diagnostic" in body
        assert facilitator.headers["List-Unsubscribe"].strip("<>") in body
    assert world.users["other_facilitator"].email not in _all(db)


def test_only_open_actions_and_live_commitments_are_listed(
    app: Flask, db: Session, world: World
) -> None:
    _meeting(db, world)
    done = f.action(db, world.coalition, title="Action finie", status=ActionStatus.done)
    f.commitment(db, world.actor, done)
    withdrawn = f.action(db, world.coalition, title="Action quittée")
    f.commitment(db, world.actor, withdrawn, status=CommitmentStatus.withdrawn)
    led = f.action(db, world.coalition, title="Action pilotée")
    f.commitment(db, world.actor, led, role=Role.lead)
    _queue(app, db)
    (member,) = _to(db, world.users["member"].email)
    assert "Action pilotée (Pilote)" in member.text_body
    assert "Action 1 (Contributeur)" in member.text_body
    assert "Action finie" not in member.text_body
    assert "Action quittée" not in member.text_body
    assert "L'ordre du jour n'est pas encore établi." in member.text_body
    assert "à l'ordre du jour" not in member.text_body


def test_the_delay_is_the_coalitions(app: Flask, db: Session, world: World) -> None:
    _meeting(db, world)
    assert _queue(app, db, STARTS - timedelta(days=3, minutes=1)) == 0  # not yet
    world.coalition.reminder_days = 0  # no reminders at all
    db.flush()
    assert _queue(app, db) == 0
    world.coalition.reminder_days = 10
    db.flush()
    assert _queue(app, db, STARTS - timedelta(days=9)) == 3
    assert _queue(app, db) == 0


def test_a_moved_meeting_is_reminded_again(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    _queue(app, db)
    starts_at = STARTS + timedelta(hours=3)
    update_meeting(
        db,
        meeting,
        title=meeting.title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Ailleurs",
        online_url=None,
        status=meeting.status,
        seen_version=meeting.version,
        by=world.users["facilitator"],
    )
    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    assert "Ailleurs" in _to(db, world.users["member"].email)[-1].text_body


def test_no_reminder_for_a_cancelled_or_started_meeting(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    cancel_meeting(db, meeting, seen_version=meeting.version, by=world.users["facilitator"])
    f.meeting(db, world.coalition, starts_at=NOW - timedelta(minutes=5))
    assert _queue(app, db) == 0


def test_no_reminder_for_who_left_or_said_no(app: Flask, db: Session, world: World) -> None:
    _meeting(db, world)
    member = world.users["member"]
    db.execute(delete(Membership).where(Membership.user_id == member.id))
    with app.test_request_context():
        choose(db, world.users["facilitator"].id, NoticeKind.reminder, Setting.off)
    assert _queue(app, db) == 1
    assert _all(db) == [world.users["other_member"].email]


def test_reminders_load_what_they_show_up_front(app: Flask, world: World, db: Session) -> None:
    meeting = _meeting(db, world)
    db.add(AgendaItem(meeting_id=meeting.id, title="Tour de table"))
    db.flush()
    with app.app_context(), get_database(app).transaction() as session:  # lazy loads raise
        assert reminders.queue_due(session, NOW) == 3
    assert "Tour de table" in _to(db, world.users["member"].email)[0].text_body
