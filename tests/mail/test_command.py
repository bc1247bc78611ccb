"""`flask --app wsgi send-mail`: one pass, `--loop` until SIGTERM, `--retry-given-up`."""

import os
import signal
import threading
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from coalition.mail.delivery import MAX_ATTEMPTS
from coalition.mail.models import OutboxMessage
from tests.mail.conftest import outbox_row, queue_committed
from tests.mail.smtp_server import SmtpServer


def test_one_pass_sends_what_is_due_and_says_how_many(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    app.config["SMTP_URL"] = smtp_server.url
    message_id = queue_committed(app)

    result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed." in result.output
    assert len(smtp_server.messages) == 1 and outbox_row(db, message_id).sent_at is not None
    again = app.test_cli_runner().invoke(args=["send-mail"])
    assert "0 sent, 0 failed." in again.output and len(smtp_server.messages) == 1


def test_without_smtp_url_the_command_says_where_each_file_went(app: Flask, tmp_path: Path) -> None:
    app.config.update(SMTP_URL="", MAIL_DIR=str(tmp_path))
    queue_committed(app, to="ana@example.org")

    result = app.test_cli_runner().invoke(args=["send-mail"])

    [path] = tmp_path.iterdir()
    assert f"Mail to ana@example.org written to {path}" in result.output
    assert "1 sent, 0 failed." in result.output


def test_a_wrong_smtp_url_stops_the_command_before_anything_is_tried(
    app: Flask, db: Session
) -> None:
    app.config["SMTP_URL"] = "mail.example.org:25"
    message_id = queue_committed(app)

    result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 1 and "SMTP_URL must start with smtp://" in result.output
    assert outbox_row(db, message_id).attempts == 0


def test_given_up_messages_are_reported_and_can_be_tried_again(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    app.config["SMTP_URL"] = smtp_server.url
    message_id = queue_committed(app)
    db.execute(update(OutboxMessage).values(attempts=MAX_ATTEMPTS))
    db.commit()

    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "0 sent" in result.output
    assert f"1 message(s) given up after {MAX_ATTEMPTS} attempts" in result.output

    result = app.test_cli_runner().invoke(args=["send-mail", "--retry-given-up"])
    assert "1 given-up message(s) will be tried again." in result.output
    assert "1 sent, 0 failed." in result.output
    assert outbox_row(db, message_id).sent_at is not None


def test_the_loop_sends_and_stops_cleanly_on_sigterm(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    app.config["SMTP_URL"] = smtp_server.url
    queue_committed(app, to="first@example.org")
    before = signal.getsignal(signal.SIGTERM)

    def stop_once_sent() -> None:
        deadline = time.monotonic() + 10
        while signal.getsignal(signal.SIGTERM) is before:  # the loop has not started yet
            assert time.monotonic() < deadline
            time.sleep(0.01)
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_sent)
    stopper.start()
    result = app.test_cli_runner().invoke(args=["send-mail", "--loop", "--interval", "0.1"])
    stopper.join()

    assert result.exit_code == 0, result.output
    assert "every 0.1 s" in result.output and f"127.0.0.1:{smtp_server.port}" in result.output
    assert "1 sent, 0 failed." in result.output
    assert result.output.rstrip().endswith("Stopped.")
    assert [str(message["To"]) for message in smtp_server.messages] == ["first@example.org"]
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back
