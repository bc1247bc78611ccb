"""Digests after a meeting: the minutes, then the diagnostic, told once each (or once for both
published before the command runs), to the current people who want them, with the decisions,
the reviewed actions and the links; a weekly digest for those who chose it; no history."""

import html
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership
from coalition.db import get_database
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.mail.models import OutboxMessage
from coalition.meetings.models import ActionReview, Decision, Meeting
from coalition.notices import digests
from coalition.notices.models import Notice, NoticeKind, Setting
from coalition.notices.service import choose
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World
from tests.mail.smtp_server import SmtpServer

NOW = datetime(2030, 3, 20, 9, 0, tzinfo=UTC)  # a Wednesday, ISO week 12
HELD = datetime(2030, 3, 18, 17, 30, tzinfo=UTC)
NEXT_MONDAY = datetime(2030, 3, 24, 23, 0, tzinfo=UTC)  # midnight in Paris
MINUTES_AT = NOW - timedelta(days=1)
DIAGNOSTIC_AT = NOW - timedelta(hours=2)


def _meeting(db: Session, world: World) -> Meeting:
    meeting = f.meeting(db, world.coalition, title="Rencontre de mars", starts_at=HELD)
    db.add(Decision(meeting_id=meeting.id, text="Lancer l'appel à projets"))
    db.add(
        ActionReview(
            meeting_id=meeting.id,
            action_id=world.action.id,
            status=ActionStatus.in_progress,
            progress=40,
        )
    )
    db.flush()
    return meeting


def _publish_minutes(db: Session, meeting: Meeting, at: datetime = MINUTES_AT) -> None:
    meeting.minutes = "Nous avons parlé."
    meeting.minutes_published_at = at
    db.flush()


def _publish_diagnostic(db: Session, meeting: Meeting, at: datetime = DIAGNOSTIC_AT) -> None:
    db.add(
        DiagnosticSnapshot(
            coalition_id=meeting.coalition_id, meeting_id=meeting.id, published_at=at, data={}
        )
    )
    db.flush()


def _queue(app: Flask, db: Session, now: datetime = NOW) -> int:
    with app.test_request_context():
        return digests.queue_due(db, now)


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


def _people(world: World) -> list[str]:
    return sorted(world.users[role].email for role in ("member", "other_member", "facilitator"))


def test_minutes_then_diagnostic_make_two_digests(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    assert _queue(app, db) == 0  # nothing published yet
    _publish_minutes(db, meeting)
    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    assert _all(db) == _people(world)  # not the other coalition's facilitator

    (minutes,) = _to(db, world.users["member"].email)
    assert minutes.subject == "Compte rendu : Rencontre de mars"
    page = f"http://localhost/c/ma-coalition/meetings/{meeting.id}"
    for body in (minutes.text_body, html.unescape(minutes.html_body)):
        assert "Le compte rendu d'une rencontre de Ma coalition est publié." in body
        assert "Rencontre de mars (18 mars 2030)" in body
        assert "Lancer l'appel à projets" in body
        assert "Action 1 : En cours (40 % réalisé)" in body
        assert page in body
        assert f"{page}/diagnostic" not in body
        assert minutes.headers["List-Unsubscribe"].strip("<>") in body
        assert "Ne plus recevoir les comptes rendus après les rencontres" in body

    _publish_diagnostic(db, meeting)
    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    assert _queue(app, db, NOW + timedelta(days=1)) == 0
    minutes_again, diagnostic = _to(db, world.users["member"].email)
    assert minutes_again.subject == "Compte rendu : Rencontre de mars"
    assert diagnostic.subject == "Diagnostic publié : Rencontre de mars"
    for body in (diagnostic.text_body, html.unescape(diagnostic.html_body)):
        assert "Le diagnostic d'une rencontre de Ma coalition est publié." in body
        assert f"{page}/diagnostic" in body
        assert "Action 1 : En cours (40 % réalisé)" in body


def test_both_published_before_the_command_make_one_digest(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    _publish_diagnostic(db, meeting)
    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    (message,) = _to(db, world.users["member"].email)
    assert message.subject == "Compte rendu et diagnostic : Rencontre de mars"
    assert "Le compte rendu et le diagnostic d'une rencontre" in message.text_body
    versions = db.scalars(
        select(Notice.version).where(
            Notice.user_id == world.users["member"].id, Notice.kind == NoticeKind.digest
        )
    )
    assert sorted(versions) == [digests.MINUTES, digests.DIAGNOSTIC]


def test_the_diagnostic_first_then_the_minutes(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    _publish_diagnostic(db, meeting)
    assert _queue(app, db) == 3
    _publish_minutes(db, meeting, NOW - timedelta(hours=1))
    assert _queue(app, db) == 3
    assert _queue(app, db) == 0
    subjects = [m.subject for m in _to(db, world.users["facilitator"].email)]
    assert subjects == ["Diagnostic publié : Rencontre de mars", "Compte rendu : Rencontre de mars"]


def test_minutes_taken_back_and_published_again_are_not_told_again(
    app: Flask, db: Session, world: World
) -> None:
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    _queue(app, db)
    meeting.minutes_published_at = None
    db.flush()
    assert _queue(app, db) == 0
    _publish_minutes(db, meeting, NOW - timedelta(minutes=5))
    assert _queue(app, db) == 0


def test_an_old_publication_is_not_sent(app: Flask, db: Session, world: World) -> None:
    """A new install, or a command that did not run for weeks, does not mail the history."""
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting, NOW - timedelta(days=15))
    assert _queue(app, db) == 0
    _publish_diagnostic(db, meeting, NOW - timedelta(days=1))
    assert _queue(app, db) == 3  # the diagnostic alone; the page still links both
    (message,) = _to(db, world.users["member"].email)
    assert message.subject == "Diagnostic publié : Rencontre de mars"
    assert f"/c/ma-coalition/meetings/{meeting.id}\n" in message.text_body


def test_no_digest_for_who_left_or_said_no(app: Flask, db: Session, world: World) -> None:
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    db.execute(delete(Membership).where(Membership.user_id == world.users["member"].id))
    world.users["other_member"].is_active = False
    db.flush()
    with app.test_request_context():
        choose(db, world.users["facilitator"].id, NoticeKind.digest, Setting.off)
    assert _queue(app, db) == 0
    assert _all(db) == []


def test_weekly_gathers_the_week_from_the_next_monday(
    app: Flask, db: Session, world: World
) -> None:
    member = world.users["member"]
    with app.test_request_context():
        choose(db, member.id, NoticeKind.digest, Setting.weekly)
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    other = f.meeting(db, world.coalition, title="Rencontre extraordinaire", starts_at=HELD)
    _publish_diagnostic(db, other)
    assert _queue(app, db) == 4  # the two others, one mail per meeting
    assert _to(db, member.email) == []
    assert _queue(app, db, NEXT_MONDAY - timedelta(minutes=1)) == 0  # Sunday in Paris

    assert _queue(app, db, NEXT_MONDAY) == 1
    assert _queue(app, db, NEXT_MONDAY + timedelta(hours=5)) == 0
    (weekly,) = _to(db, member.email)
    assert weekly.subject == "Les comptes rendus de la semaine du 18 mars 2030"
    page = html.unescape(weekly.html_body)
    assert "<strong>Ma coalition</strong> – compte rendu publié" in page
    assert "<strong>Ma coalition</strong> – diagnostic publié" in page
    assert "Ma coalition – compte rendu publié" in weekly.text_body
    assert "Ma coalition – diagnostic publié" in weekly.text_body
    for body in (weekly.text_body, page):
        assert "la semaine du 18 mars 2030" in body
        assert "Rencontre de mars (18 mars 2030)" in body
        assert "Rencontre extraordinaire (18 mars 2030)" in body
        assert "Lancer l'appel à projets" in body
        assert f"/c/ma-coalition/meetings/{other.id}/diagnostic" in body
        assert weekly.headers["List-Unsubscribe"].strip("<>") in body
    key = db.scalar(select(Notice.subject_key).where(Notice.user_id == member.id))
    assert key == "week:2030-W12"
    # the week after: nothing published, nothing sent
    assert _queue(app, db, NEXT_MONDAY + timedelta(days=7)) == 0


def test_a_week_missed_is_not_sent_late(app: Flask, db: Session, world: World) -> None:
    with app.test_request_context():
        choose(db, world.users["member"].id, NoticeKind.digest, Setting.weekly)
    _publish_minutes(db, _meeting(db, world))
    assert _queue(app, db, NEXT_MONDAY + timedelta(days=7)) == 2  # the others, still fresh
    assert _to(db, world.users["member"].email) == []


def test_a_person_reads_it_in_their_language(app: Flask, db: Session, world: World) -> None:
    member = world.users["member"]
    member.language = "en"
    db.flush()
    _publish_minutes(db, _meeting(db, world))
    _queue(app, db)
    (message,) = _to(db, member.email)
    assert message.language == "en"
    assert "March 18, 2030" in message.text_body


def test_digests_load_what_they_show_up_front_and_reach_smtp(
    app: Flask, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    member, other = world.users["member"], world.users["other_member"]
    smtp_server.refuse(other.email)  # a mail address that bounces
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    _publish_diagnostic(db, meeting)
    database = get_database(app)
    with app.app_context(), database.transaction() as session:  # lazy loads raise here
        assert digests.queue_due(session, NOW) == 3
    report = smtp_server.deliver(app)
    assert (report.sent, report.failed) == (2, 1)
    received = smtp_server.last_to(member.email)
    assert "Lancer l'appel à projets" in smtp_server.text(received)
    assert received["List-Unsubscribe"].strip("<>") in smtp_server.text(received)
    with app.app_context(), database.transaction() as session:
        assert digests.queue_due(session, NOW) == 0
    smtp_server.deliver(app)
    assert smtp_server.messages_to(other.email) == []
    assert len(_to(db, other.email)) == 1  # refused, and written once


def test_a_run_that_told_the_minutes_meanwhile_makes_the_other_write_nothing(
    app: Flask, db: Session, world: World
) -> None:
    """Two hosts: one told the minutes after the other read the ledger; the other's mail of
    both writes nothing (neither row, nor mail), and the diagnostic goes alone at the next run."""
    member = world.users["member"]
    meeting = _meeting(db, world)
    _publish_minutes(db, meeting)
    _publish_diagnostic(db, meeting)
    (digest,) = digests._publications(db, since=NOW - digests.FRESH_FOR, until=NOW)
    db.add(
        Notice(
            user_id=member.id,
            kind=NoticeKind.digest,
            subject_key=f"meeting:{meeting.id}",
            version=digests.MINUTES,
            coalition_id=world.coalition.id,
        )
    )
    db.flush()
    with app.test_request_context():
        assert not digests._send(db, digest, member, {digests.MINUTES, digests.DIAGNOSTIC})
    assert _to(db, member.email) == []
    assert _queue(app, db) == 3  # the member: the diagnostic alone; the others: both
    (message,) = _to(db, member.email)
    assert message.subject == "Diagnostic publié : Rencontre de mars"
    assert _queue(app, db) == 0
