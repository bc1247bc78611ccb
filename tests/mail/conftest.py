"""Mail tests: a small template of their own (tests/mail/templates/mail/selftest.*)."""

from pathlib import Path

import pytest
from flask import Flask
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader
from sqlalchemy.orm import Session

from coalition.db import get_database
from coalition.mail.models import OutboxMessage
from coalition.mail.outbox import queue_mail

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINK = "http://localhost/invitations/abc123"


def add_test_templates(app: Flask) -> None:
    loader = app.jinja_env.loader
    assert isinstance(loader, BaseLoader)
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), loader])


@pytest.fixture(autouse=True)
def mail_templates(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        add_test_templates(request.getfixturevalue("app"))


def queue_selftest(session: Session, *, to: str = "ana@example.org", language: str = "en") -> int:
    """Queue the self-test mail (in the app context) and return its id."""
    message = queue_mail(
        session,
        to=to,
        language=language,
        subject="Test message",
        template="selftest",
        context={"link": LINK},
    )
    return message.id


def queue_committed(app: Flask, *, to: str = "ana@example.org", language: str = "en") -> int:
    """Queue the self-test mail in a transaction of the app's own, committed."""
    with app.app_context(), get_database(app).transaction() as session:
        return queue_selftest(session, to=to, language=language)


def outbox_row(db: Session, message_id: int) -> OutboxMessage:
    db.expire_all()
    row = db.get(OutboxMessage, message_id)
    assert row is not None
    return row
