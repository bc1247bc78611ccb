"""Delivering the outbox through a real SMTP server: headers, language, failures, retries."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coalition.db import get_database, utcnow
from coalition.mail.delivery import (
    MAX_ATTEMPTS,
    count_given_up,
    has_due,
    requeue_given_up,
    retry_delay,
    send_pass,
)
from coalition.mail.models import OutboxMessage
from coalition.mail.transport import SmtpTransport, parse_smtp_url
from tests.mail.conftest import LINK, outbox_row, queue_committed, queue_selftest
from tests.mail.smtp_server import SmtpServer, free_port

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def down_transport() -> SmtpTransport:
    """An SMTP server that is not there: the connection is refused."""
    return SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"))


def test_a_message_of_a_rolled_back_change_is_never_sent(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    with app.test_request_context():
        session = get_database(app).new_session()
        queue_selftest(session, to="rolled-back@example.org")
        session.rollback()
        session.close()
    kept = queue_committed(app, to="kept@example.org")

    report = smtp_server.deliver(app)

    assert (report.sent, report.failed) == (1, 0)
    assert [str(message["To"]) for message in smtp_server.messages] == ["kept@example.org"]
    assert db.scalars(select(OutboxMessage.to_address)).all() == ["kept@example.org"]
    assert outbox_row(db, kept).sent_at is not None


def test_a_message_arrives_with_its_headers_in_the_recipients_language(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    message_id = queue_committed(app, to="ana@example.org", language="en")
    stored = outbox_row(db, message_id).headers["Message-ID"]
    before = utcnow().replace(microsecond=0)

    assert smtp_server.deliver(app).sent == 1

    received = smtp_server.last_to("ana@example.org")
    assert received["Message-ID"] == stored
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["To"] == "ana@example.org"
    assert received["Subject"] == "Test message"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "en"
    assert before <= parsedate_to_datetime(str(received["Date"])) <= utcnow()
    assert received.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in received.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert all(part.get_content_charset() == "utf-8" for part in received.iter_parts())
    text, html = smtp_server.text(received), smtp_server.html(received)
    assert "Password — Élodie" in text and "Mot de passe" not in text
    assert "Password — Élodie" in html and '<html lang="en">' in html
    assert smtp_server.link("ana@example.org") == LINK
    assert smtp_server.envelopes[-1] == ("coalition@localhost", ["ana@example.org"])
    row = outbox_row(db, message_id)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert not has_due(get_database(app))


def test_smtp_down_loses_nothing_and_retries_with_back_off(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    message_id = queue_committed(app)
    db.execute(update(OutboxMessage).values(next_attempt_at=T0))
    db.commit()
    stored = outbox_row(db, message_id).headers["Message-ID"]

    report = send_pass(app, transport=down_transport(), now=T0)
    assert (report.sent, report.failed, report.interrupted) == (0, 1, True)
    row = outbox_row(db, message_id)
    assert row.sent_at is None and row.attempts == 1
    assert "ConnectionRefusedError" in (row.last_error or "")
    assert row.next_attempt_at == T0 + timedelta(minutes=1)

    early = send_pass(app, transport=down_transport(), now=T0 + timedelta(seconds=59))
    assert (early.sent, early.failed) == (0, 0)

    again = T0 + timedelta(minutes=1)
    assert send_pass(app, transport=down_transport(), now=again).failed == 1
    row = outbox_row(db, message_id)
    assert row.attempts == 2 and row.next_attempt_at == again + timedelta(minutes=2)

    assert smtp_server.deliver(app, now=again + timedelta(minutes=2)).sent == 1
    row = outbox_row(db, message_id)
    assert row.sent_at is not None and row.attempts == 3
    assert [message["Message-ID"] for message in smtp_server.messages] == [stored]


def test_an_unreachable_server_ends_the_pass_and_the_others_wait(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    first, second = (
        queue_committed(app, to="a@example.org"),
        queue_committed(app, to="b@example.org"),
    )

    report = send_pass(app, transport=down_transport())

    assert (report.sent, report.failed) == (0, 1)
    assert (outbox_row(db, first).attempts, outbox_row(db, second).attempts) == (1, 0)
    assert smtp_server.deliver(app).sent == 1  # the second one; the first waits its back-off
    assert [str(message["To"]) for message in smtp_server.messages] == ["b@example.org"]


def test_a_refused_recipient_does_not_hold_up_the_others(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("nobody@example.org")
    refused = queue_committed(app, to="nobody@example.org")
    queue_committed(app, to="b@example.org")

    report = smtp_server.deliver(app)

    assert (report.sent, report.failed, report.interrupted) == (1, 1, False)
    row = outbox_row(db, refused)
    assert row.sent_at is None and "550" in (row.last_error or "")


def test_a_message_is_given_up_after_the_last_attempt_but_kept(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    message_id = queue_committed(app)
    db.execute(update(OutboxMessage).values(attempts=MAX_ATTEMPTS - 1, next_attempt_at=T0))
    db.commit()
    database = get_database(app)

    report = send_pass(app, transport=down_transport(), now=T0)

    assert (report.failed, report.given_up) == (1, 1)
    assert outbox_row(db, message_id).attempts == MAX_ATTEMPTS
    assert count_given_up(database) == 1
    assert not has_due(database, T0 + timedelta(days=30))
    assert smtp_server.deliver(app, now=T0 + timedelta(days=30)).sent == 0

    assert requeue_given_up(database, T0) == 1
    assert smtp_server.deliver(app, now=T0).sent == 1
    assert count_given_up(database) == 0


def test_the_back_off_doubles_from_a_minute_up_to_six_hours() -> None:
    delays = [retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:4] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=6) == max(delays)
    assert delays == sorted(delays)
