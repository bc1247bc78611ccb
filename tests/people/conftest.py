"""Helpers of the people tests: the invitation mails in the outbox and the links they carry."""

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from coalition.mail.models import OutboxMessage
from coalition.people import service
from coalition.people.models import Invitation
from tests.conftest import World, post_form

PEOPLE = "/c/ma-coalition/people"
LINK_RE = re.compile(r"https?://\S+/invitations/[A-Za-z0-9_-]+")


def mails_to(db: Session, address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def link_path(text: str) -> str:
    """The path of the invitation link a mail's text carries."""
    match = LINK_RE.search(text)
    assert match, text
    return urlsplit(match.group(0)).path


def last_link(db: Session, address: str) -> str:
    mails = mails_to(db, address)
    assert mails, f"no mail to {address}"
    return link_path(mails[-1].text_body)


def invite(
    app: Flask,
    db: Session,
    world: World,
    email: str,
    *,
    role: MembershipRole = MembershipRole.member,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> str:
    """Invite through the service (by the world's facilitator); the path of the mailed link."""
    with app.test_request_context():
        service.invite(
            db,
            world.coalition,
            email=email,
            role=role,
            actor=actor or (world.other_actor if role == MembershipRole.member else None),
            by=world.users["facilitator"],
            now=now or utcnow(),
        )
        db.flush()
    return last_link(db, email.strip().lower())


def invite_form(client: FlaskClient, data: dict[str, str]) -> Any:
    return post_form(client, PEOPLE + "/invitations", data, form_url=PEOPLE)


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


class Snapshot:
    """The counts of every table these pages write, to check that nothing changed."""

    MODELS = (Invitation, OutboxMessage, Membership, User, Actor, AuditEvent)

    def __init__(self, db: Session) -> None:
        self.db = db
        self.counts = self.take()

    def take(self) -> dict[str, int]:
        self.db.expire_all()
        return {model.__name__: count(self.db, model) for model in self.MODELS}

    def unchanged(self) -> bool:
        return self.take() == self.counts


@pytest.fixture
def snapshot(db: Session, world: World) -> Snapshot:
    return Snapshot(db)
