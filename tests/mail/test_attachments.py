"""A text file joined to a mail (an iCalendar invitation) reaches the SMTP server as its own
part, with its content type and parameters."""

from flask import Flask

from coalition.db import get_database
from coalition.mail.outbox import queue_mail
from tests.mail.conftest import LINK
from tests.mail.smtp_server import SmtpServer

INVITATION = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_an_attachment_arrives_as_a_part_of_its_own(app: Flask, smtp_server: SmtpServer) -> None:
    with app.app_context(), get_database(app).transaction() as session:
        queue_mail(
            session,
            to="ana@example.org",
            language="fr",
            subject="Invitation",
            template="selftest",
            context={"link": LINK},
            headers={"List-Unsubscribe": "<http://localhost/u>"},
            attachments=[
                {
                    "filename": "invitation.ics",
                    "content_type": "text/calendar; method=REQUEST",
                    "content": INVITATION,
                }
            ],
        )
    smtp_server.deliver(app)
    message = smtp_server.last_to("ana@example.org")
    assert message["List-Unsubscribe"] == "<http://localhost/u>"
    parts = {part.get_content_type(): part for part in message.iter_attachments()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "invitation.ics"
    assert calendar.get_content().replace("\r\n", "\n") == INVITATION.replace("\r\n", "\n")
    assert LINK in smtp_server.text(message)  # the text and HTML parts are still there
