"""Commitments: the members of an actor are told once when an action their actor committed to
nears its target date (again for a new date), and once per pair of reviews that show it has not
moved; nothing for closed actions, withdrawn commitments, who left or said no."""

import html
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus
from coalition.auth.models import Membership, MembershipRole
from coalition.db import get_database
from coalition.mail.models import OutboxMessage
from coalition.meetings.models import ActionReview, Meeting
from coalition.notices import commitments
from coalition.notices.models import NoticeKind, Setting
from coalition.notices.service import choose
from coalition.roadmap.models import Action, ActionStatus, CommitmentStatus
from tests import factories as f
from tests.conftest import World
from tests.mail.smtp_server import SmtpServer

NOW = datetime(2030, 3, 20, 9, 0, tzinfo=UTC)
TODAY = date(2030, 3, 20)


def _queue(app: Flask, db: Session, now: datetime = NOW) -> int:
    with app.test_request_context():
        return commitments.queue_due(db, now)


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


def _due(db: Session, action: Action, target: date) -> None:
    action.target_date = target
    db.flush()


def _review(
    db: Session,
    world: World,
    action: Action,
    status: ActionStatus,
    *,
    days_ago: int,
    progress: int = 30,
) -> ActionReview:
    starts_at = NOW - timedelta(days=days_ago)
    meeting: Meeting = f.meeting(
        db, world.coalition, title=f"Rencontre J-{days_ago}", starts_at=starts_at
    )
    review = ActionReview(
        meeting_id=meeting.id,
        action_id=action.id,
        status=status,
        progress=progress,
        created_at=NOW - timedelta(days=days_ago),
    )
    db.add(review)
    db.flush()
    return review


# --- near its target date --------------------------------------------------------------------


def test_a_near_target_date_is_told_once_to_the_actors_members(
    app: Flask, db: Session, world: World
) -> None:
    member = world.users["member"]
    colleague = f.user(db)
    f.membership(db, colleague, world.coalition, MembershipRole.member, world.actor)
    _due(db, world.action, TODAY + timedelta(days=10))
    assert _queue(app, db) == 2  # Acteur A's two members; not Acteur B's, not the facilitator
    assert _queue(app, db) == 0
    assert _queue(app, db, NOW + timedelta(days=3)) == 0
    assert _all(db) == sorted([member.email, colleague.email])

    (message,) = _to(db, member.email)
    assert message.subject == "Échéance proche : Action 1, le 30 mars 2030"
    link = f"http://localhost/c/ma-coalition/actions/{world.action.id}"
    for body in (message.text_body, html.unescape(message.html_body)):
        assert "Acteur A a pris un engagement arrive bientôt à échéance." in body
        assert "30 mars 2030" in body
        assert "Contributeur" in body
        assert "Proposée" in body
        assert link in body
        assert message.headers["List-Unsubscribe"].strip("<>") in body
        assert "Ne plus recevoir les échéances et actions à l'arrêt de mon organisation" in body


def test_a_new_target_date_is_told_again(app: Flask, db: Session, world: World) -> None:
    _due(db, world.action, TODAY + timedelta(days=10))
    assert _queue(app, db) == 1
    _due(db, world.action, TODAY + timedelta(days=12))
    assert _queue(app, db) == 1
    assert _queue(app, db) == 0
    _due(db, world.action, TODAY + timedelta(days=40))  # further away: nothing
    assert _queue(app, db) == 0
    subjects = [m.subject for m in _to(db, world.users["member"].email)]
    assert subjects == [
        "Échéance proche : Action 1, le 30 mars 2030",
        "Échéance proche : Action 1, le 1 avril 2030",
    ]


def test_only_within_fourteen_days_and_not_past(app: Flask, db: Session, world: World) -> None:
    _due(db, world.action, TODAY + timedelta(days=15))
    assert _queue(app, db) == 0
    _due(db, world.action, TODAY - timedelta(days=1))
    assert _queue(app, db) == 0
    _due(db, world.action, TODAY + timedelta(days=14))
    assert _queue(app, db) == 1
    _due(db, world.action, TODAY)
    assert _queue(app, db) == 1


def test_nothing_for_closed_actions_withdrawn_commitments_or_who_left(
    app: Flask, db: Session, world: World
) -> None:
    target = TODAY + timedelta(days=5)
    done = f.action(db, world.coalition, status=ActionStatus.done, target_date=target)
    f.commitment(db, world.actor, done)
    dropped = f.action(db, world.coalition, status=ActionStatus.dropped, target_date=target)
    f.commitment(db, world.actor, dropped)
    withdrawn = f.action(db, world.coalition, target_date=target)
    f.commitment(db, world.other_actor, withdrawn, status=CommitmentStatus.withdrawn)
    nobody = f.action(db, world.coalition, target_date=target)  # no commitment at all
    assert nobody.id
    assert _queue(app, db) == 0

    _due(db, world.action, target)
    db.execute(delete(Membership).where(Membership.user_id == world.users["member"].id))
    assert _queue(app, db) == 0  # removed before the command runs

    gone = f.actor(db, world.coalition, name="Acteur parti", status=ActorStatus.left)
    f.commitment(db, gone, world.action)
    f.membership(db, f.user(db), world.coalition, MembershipRole.member, gone)
    assert _queue(app, db) == 0


def test_nothing_for_who_said_no_or_is_inactive(app: Flask, db: Session, world: World) -> None:
    f.commitment(db, world.other_actor, world.action)
    _due(db, world.action, TODAY + timedelta(days=5))
    with app.test_request_context():
        choose(db, world.users["member"].id, NoticeKind.commitment, Setting.off)
    world.users["other_member"].is_active = False
    db.flush()
    assert _queue(app, db) == 0


# --- not moved over two reviews --------------------------------------------------------------


def test_an_action_stuck_over_two_reviews_is_told_once_per_pair(
    app: Flask, db: Session, world: World
) -> None:
    member = world.users["member"]
    _review(db, world, world.action, ActionStatus.in_progress, days_ago=35, progress=20)
    assert _queue(app, db) == 0  # one review only
    last = _review(db, world, world.action, ActionStatus.in_progress, days_ago=3, progress=25)
    assert _queue(app, db) == 1
    assert _queue(app, db) == 0
    assert _all(db) == [member.email]

    (message,) = _to(db, member.email)
    assert message.subject == "Action à l'arrêt : Action 1"
    for body in (message.text_body, html.unescape(message.html_body)):
        assert "n'a pas avancé entre ses deux dernières revues" in body
        assert "Rencontre J-35 (13 février 2030) : En cours (20 % réalisé)" in body
        assert "Rencontre J-3 (17 mars 2030) : En cours (25 % réalisé)" in body
        assert f"/c/ma-coalition/actions/{world.action.id}" in body
        assert message.headers["List-Unsubscribe"].strip("<>") in body

    # a third review, still the same status: a new pair, told again
    _review(db, world, world.action, ActionStatus.in_progress, days_ago=1)
    assert _queue(app, db) == 1
    assert _queue(app, db) == 0
    assert last.id  # the first pair's notice was for this review


def test_an_action_that_moved_is_not_stuck(app: Flask, db: Session, world: World) -> None:
    _review(db, world, world.action, ActionStatus.committed, days_ago=35)
    _review(db, world, world.action, ActionStatus.in_progress, days_ago=3)
    assert _queue(app, db) == 0
    # a newer review with another status ends a pair of equal ones
    other = world.other_action
    f.commitment(db, world.actor, other)
    _review(db, world, other, ActionStatus.blocked, days_ago=40)
    _review(db, world, other, ActionStatus.blocked, days_ago=20)
    _review(db, world, other, ActionStatus.in_progress, days_ago=2)
    assert _queue(app, db) == 0


def test_no_stuck_notice_for_old_reviews_or_closed_actions(
    app: Flask, db: Session, world: World
) -> None:
    _review(db, world, world.action, ActionStatus.blocked, days_ago=60)
    _review(db, world, world.action, ActionStatus.blocked, days_ago=30)  # a new install
    assert _queue(app, db) == 0
    done = f.action(db, world.coalition, status=ActionStatus.done)
    f.commitment(db, world.actor, done)
    _review(db, world, done, ActionStatus.done, days_ago=10)
    _review(db, world, done, ActionStatus.done, days_ago=2)
    assert _queue(app, db) == 0


def test_commitments_load_up_front_and_reach_smtp(
    app: Flask, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    member, other = world.users["member"], world.users["other_member"]
    smtp_server.refuse(other.email)  # a mail address that bounces
    f.commitment(db, world.other_actor, world.action)
    _due(db, world.action, TODAY + timedelta(days=5))
    _review(db, world, world.action, ActionStatus.blocked, days_ago=30)
    _review(db, world, world.action, ActionStatus.blocked, days_ago=2)
    database = get_database(app)
    with app.app_context(), database.transaction() as session:  # lazy loads raise here
        assert commitments.queue_due(session, NOW) == 4
    report = smtp_server.deliver(app)
    assert (report.sent, report.failed) == (2, 2)
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages_to(member.email))
    assert subjects == [
        "Action à l'arrêt : Action 1",
        "Échéance proche : Action 1, le 25 mars 2030",
    ]
    with app.app_context(), database.transaction() as session:
        assert commitments.queue_due(session, NOW) == 0
    smtp_server.deliver(app)
    assert smtp_server.messages_to(other.email) == []
    assert len(_to(db, other.email)) == 2  # refused, and written once each
