"""A notice goes out once per person, kind, subject and version, only to a person who wants
it, with a one-click unsubscribe that needs no login."""

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.mail.models import OutboxMessage
from coalition.notices.models import Notice, NoticeKind, Setting
from coalition.notices.service import (
    choose,
    notify,
    read_unsubscribe_token,
    setting_of,
    unsubscribe_token,
)
from tests import factories as f
from tests.conftest import World
from tests.mail.conftest import LINK, add_test_templates


@pytest.fixture(autouse=True)
def selftest_template(app: Flask) -> None:
    add_test_templates(app)


def _notify(
    db: Session, world: World, version: int = 0, kind: NoticeKind = NoticeKind.reminder
) -> bool:
    return notify(
        db,
        user=world.users["member"],
        kind=kind,
        subject_key=f"meeting:{world.coalition.id}",
        version=version,
        coalition_id=world.coalition.id,
        subject="Rappel",
        template="selftest",
        context={"link": LINK},
    )


def _outbox(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_notice_is_written_once_per_version(app: Flask, db: Session, world: World) -> None:
    with app.test_request_context():
        assert _notify(db, world) is True
        assert _notify(db, world) is False  # the command ran again
        assert _notify(db, world, version=1) is True  # the meeting moved
    assert _outbox(db) == 2
    assert db.scalar(select(func.count()).select_from(Notice)) == 2


def test_a_mail_carries_its_one_click_unsubscribe(app: Flask, db: Session, world: World) -> None:
    with app.test_request_context():
        _notify(db, world)
    message = db.scalars(select(OutboxMessage)).one()
    assert message.to_address == world.users["member"].email
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/notices/unsubscribe/")


def test_nobody_gets_a_kind_they_turned_off_nor_an_inactive_account(
    app: Flask, db: Session, world: World
) -> None:
    member = world.users["member"]
    choose(db, member.id, NoticeKind.reminder, Setting.off)
    with app.test_request_context():
        assert _notify(db, world) is False
        assert _notify(db, world, kind=NoticeKind.digest) is True
        member.is_active = False
        assert _notify(db, world, kind=NoticeKind.meeting) is False
    assert _outbox(db) == 1


def test_one_click_unsubscribes_without_login_and_a_replay_changes_nothing(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    member = world.users["member"]
    with app.app_context():
        token = unsubscribe_token(member.id, NoticeKind.reminder)
    url = f"/notices/unsubscribe/{token}"
    page = client.get(url)
    assert page.status_code == 200 and "Me désabonner" in html.unescape(page.get_data(as_text=True))
    assert setting_of(db, member.id, NoticeKind.reminder) is Setting.on  # a GET changes nothing
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})  # as a mail client posts
    assert done.status_code == 200 and "C'est fait" in html.unescape(done.get_data(as_text=True))
    db.expire_all()
    assert setting_of(db, member.id, NoticeKind.reminder) is Setting.off
    assert setting_of(db, member.id, NoticeKind.digest) is Setting.on  # only that kind
    again = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "C'est fait" in html.unescape(again.get_data(as_text=True))


def test_a_forged_or_cut_link_is_refused_clearly(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    with app.app_context():
        token = unsubscribe_token(world.users["member"].id, NoticeKind.reminder)
        assert read_unsubscribe_token(token[:-3]) is None
        assert read_unsubscribe_token("x" * 300) is None
    gone = f.user(db)
    with app.app_context():
        orphan = unsubscribe_token(gone.id, NoticeKind.digest)
    db.delete(gone)
    db.flush()
    for url in (f"/notices/unsubscribe/{token[:-3]}", f"/notices/unsubscribe/{orphan}"):
        for response in (client.get(url), client.post(url, data={"List-Unsubscribe": "One-Click"})):
            assert response.status_code == 404
            assert "n'est pas valable" in html.unescape(response.get_data(as_text=True))
    assert setting_of(db, world.users["member"].id, NoticeKind.reminder) is Setting.on
