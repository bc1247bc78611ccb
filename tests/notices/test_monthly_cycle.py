"""The monthly cycle as a member lives it, through `flask send-due-notices` and a real SMTP
server: an invitation their calendar reads as a new event, its update after a move, one reminder
although the command ran three times, and no reminder after a one-click unsubscribe."""

from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import vobject
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.db import utcnow
from tests import factories as f
from tests.conftest import World
from tests.mail.smtp_server import SmtpServer
from tests.notices.test_invitations import move_meeting


def _run(app: Flask, times: int = 1) -> None:
    for _ in range(times):
        result = app.test_cli_runner().invoke(args=["send-due-notices"])
        assert result.exit_code == 0, result.output


def _calendar_event(message: EmailMessage) -> Any:
    parts = {part.get_content_type(): part for part in message.iter_attachments()}
    return vobject.readOne(parts["text/calendar"].get_content()).vevent


def _reminders(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    return [m for m in smtp_server.messages_to(address) if str(m["Subject"]).startswith("Rappel")]


def _invitations(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    return [
        message
        for message in smtp_server.messages_to(address)
        if any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())
    ]


def test_a_member_lives_the_monthly_cycle_by_mail(
    app: Flask, client: FlaskClient, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    member, facilitator = world.users["member"], world.users["facilitator"]
    starts = utcnow().replace(microsecond=0) + timedelta(days=2)  # within the 3 days' reminder
    meeting = f.meeting(db, world.coalition, title="Rencontre de décembre", starts_at=starts)
    db.commit()

    _run(app, times=3)
    smtp_server.deliver(app)
    (invitation,) = _invitations(smtp_server, member.email)
    event = _calendar_event(invitation)
    assert (event.uid.value, int(event.sequence.value)) == (meeting.ical_uid, 0)
    assert event.dtstart.value.astimezone(starts.tzinfo) == starts  # a new event, at its time
    assert len(_reminders(smtp_server, member.email)) == 1  # once, for three runs

    later = starts + timedelta(hours=1)
    move_meeting(db, meeting, facilitator, later)
    db.commit()
    _run(app)
    smtp_server.deliver(app)
    moved = _calendar_event(_invitations(smtp_server, member.email)[-1])
    assert (moved.uid.value, int(moved.sequence.value)) == (meeting.ical_uid, 1)  # same event
    _first, again = _reminders(smtp_server, member.email)  # the new time, reminded

    one_click = urlsplit(str(again["List-Unsubscribe"]).strip("<>")).path
    assert client.post(one_click, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.expire_all()
    latest = starts + timedelta(hours=2)
    move_meeting(db, meeting, facilitator, latest)
    db.commit()
    _run(app, times=2)
    smtp_server.deliver(app)
    assert len(_reminders(smtp_server, member.email)) == 2  # none after unsubscribing
    assert len(_invitations(smtp_server, member.email)) == 3  # the calendar is kept up to date
    assert len(_reminders(smtp_server, world.users["other_member"].email)) == 3
