"""Two senders at once, each with its own engine, on the test database itself (committed rows,
outside the per-test transaction, deleted afterwards): every message goes out exactly once."""

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import delete, select

from coalition.db import Database
from coalition.mail.delivery import PassReport, deliver_due
from coalition.mail.models import OutboxMessage
from coalition.mail.transport import SmtpTransport, parse_smtp_url
from tests.mail.smtp_server import SmtpServer

MESSAGES = 30


class SlowSmtpTransport(SmtpTransport):
    """A few milliseconds per message, so that the two senders overlap."""

    def send(self, message: EmailMessage, *, sent_at: datetime, message_id: int) -> None:
        time.sleep(0.01)
        super().send(message, sent_at=sent_at, message_id=message_id)


@pytest.fixture
def committed_outbox(database: Database) -> Iterator[list[int]]:
    with database.transaction() as session:
        rows = [
            OutboxMessage(
                to_address=f"person{number}@example.org",
                language="fr",
                subject=f"Message {number}",
                text_body=f"Bonjour {number}",
                html_body=f"<p>Bonjour {number}</p>",
                headers={},  # the sender chooses the Message-ID
            )
            for number in range(MESSAGES)
        ]
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]
    yield ids
    with database.transaction() as session:
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


def test_two_senders_at_once_send_each_message_exactly_once(
    database_url: str, database: Database, committed_outbox: list[int], smtp_server: SmtpServer
) -> None:
    senders = [Database(database_url), Database(database_url)]
    start = threading.Barrier(len(senders))
    reports: list[PassReport] = []
    errors: list[BaseException] = []

    def run(sender: Database) -> None:
        try:
            start.wait()
            transport = SlowSmtpTransport(parse_smtp_url(smtp_server.url))
            reports.append(deliver_due(sender, transport, mail_from="c@example.org"))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for sender in senders:
        sender.engine.dispose()

    assert errors == []
    assert sorted(report.sent for report in reports)[0] > 0, "the senders did not overlap"
    assert sum(report.sent for report in reports) == MESSAGES
    assert sum(report.failed for report in reports) == 0
    received = sorted(str(message["To"]) for message in smtp_server.messages)
    assert received == sorted(f"person{number}@example.org" for number in range(MESSAGES))
    assert len({message["Message-ID"] for message in smtp_server.messages}) == MESSAGES
    with database.new_session() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(committed_outbox))
        ).all()
        assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
        assert {row.headers["Message-ID"] for row in rows} == {
            message["Message-ID"] for message in smtp_server.messages
        }
