"""SMTP_URL settings, login, STARTTLS refused by the server, and `.eml` files."""

from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy.orm import Session

from coalition.db import utcnow
from coalition.mail.delivery import build_message, send_pass
from coalition.mail.models import OutboxMessage
from coalition.mail.transport import (
    FileTransport,
    SmtpSettings,
    SmtpTransport,
    parse_smtp_url,
)
from tests.mail.conftest import LINK, outbox_row, queue_committed
from tests.mail.smtp_server import SmtpServer, free_port

LONG_LINK = "http://127.0.0.1:5000/invitations/" + "Ab3-" * 20


@pytest.mark.parametrize(
    ("url", "settings"),
    [
        ("smtp://mail.example.org", SmtpSettings("mail.example.org", 25, "plain")),
        ("smtp://127.0.0.1:2525", SmtpSettings("127.0.0.1", 2525, "plain")),
        (
            "smtp+starttls://ana%40example.org:p%3Ass%2Fw%40rd@smtp.example.org",
            SmtpSettings("smtp.example.org", 587, "starttls", "ana@example.org", "p:ss/w@rd"),
        ),
        (
            "smtps://bob:secret@smtp.example.org",
            SmtpSettings("smtp.example.org", 465, "tls", "bob", "secret"),
        ),
        ("SMTPS://smtp.example.org:4650", SmtpSettings("smtp.example.org", 4650, "tls")),
        ("smtp://bob@mail.example.org", SmtpSettings("mail.example.org", 25, "plain", "bob")),
    ],
)
def test_smtp_url_names_host_port_security_and_login(url: str, settings: SmtpSettings) -> None:
    assert parse_smtp_url(url) == settings


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.org", "must start with smtp://"),
        ("mail.example.org:25", "must start with"),
        ("smtp://", "no host"),
        ("smtp://mail.example.org:port", "invalid port"),
    ],
)
def test_a_wrong_smtp_url_is_refused_clearly(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_smtp_url(url)


def test_starttls_is_required_when_asked_for_never_plain_text(
    app: Flask, db: Session, smtp_server: SmtpServer
) -> None:
    message_id = queue_committed(app)
    url = smtp_server.url.replace("smtp://", "smtp+starttls://")

    report = send_pass(app, transport=SmtpTransport(parse_smtp_url(url)))

    assert (report.sent, report.failed, report.interrupted) == (0, 1, True)
    assert smtp_server.messages == []
    row = outbox_row(db, message_id)
    assert row.sent_at is None and "STARTTLS" in (row.last_error or "")


def test_the_login_is_sent_percent_decoded(app: Flask, db: Session) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(*args: Any) -> AuthResult:
        auth_data = args[-1]
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"p:ss/w@rd")

    class Sink:
        async def handle_DATA(self, *_args: Any) -> str:
            return "250 OK"

    port = free_port()
    controller = Controller(
        Sink(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,  # a test on 127.0.0.1 only
    )
    controller.start()
    try:
        message_id = queue_committed(app)
        url = f"smtp://ana%40example.org:p%3Ass%2Fw%40rd@127.0.0.1:{port}"
        assert send_pass(app, transport=SmtpTransport(parse_smtp_url(url))).sent == 1
    finally:
        controller.stop()
    assert logins == [(b"ana@example.org", b"p:ss/w@rd")]
    assert outbox_row(db, message_id).sent_at is not None


def test_without_smtp_url_each_mail_is_an_eml_file(app: Flask, db: Session, tmp_path: Path) -> None:
    app.config.update(SMTP_URL="", MAIL_DIR=str(tmp_path / "mail"))
    message_id = queue_committed(app, language="fr")
    lines: list[str] = []

    report = send_pass(app, echo=lines.append)

    assert report.sent == 1
    [path] = (tmp_path / "mail").iterdir()
    assert path.name.endswith(f"-{message_id}.eml") and path.name[:8].isdigit()
    assert lines == [f"Mail to ana@example.org written to {path}"]
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed["Message-ID"] == outbox_row(db, message_id).headers["Message-ID"]
    assert parsed["Auto-Submitted"] == "auto-generated"
    text = parsed.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Mot de passe — Élodie" in text.get_content() and LINK in text.get_content()


def test_a_file_is_named_after_its_date_and_id_and_keeps_links_whole(tmp_path: Path) -> None:
    row = OutboxMessage(
        id=7,
        to_address="x@example.org",
        language="fr",
        subject="Objet",
        text_body=f"Suivez ce lien : {LONG_LINK}\n",
        html_body="<p>texte</p>",
        headers={"Message-ID": "<1@example.org>", "X-Coalition": "test"},
    )
    moment = utcnow()
    message = build_message(row, mail_from="Coalition <c@example.org>", sent_at=moment)
    FileTransport(tmp_path).send(message, sent_at=moment, message_id=7)
    [path] = tmp_path.iterdir()
    assert path.name == f"{moment:%Y%m%d-%H%M%S}-7.eml"
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed["X-Coalition"] == "test" and parsed["Subject"] == "Objet"
    assert LONG_LINK.encode() in path.read_bytes()  # whole, for a reader of the raw file
