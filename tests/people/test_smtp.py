"""An invitation delivered through a real SMTP server, followed from the received message."""

from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, User
from tests.conftest import World, post_form
from tests.mail.smtp_server import SmtpServer
from tests.people.conftest import invite_form

PASSWORD = "une phrase assez longue"


def test_the_invitation_arrives_by_smtp_and_its_link_lets_the_newcomer_in(
    app: Flask, client: FlaskClient, world: World, db: Session, smtp_server: SmtpServer
) -> None:
    facilitator = app.test_client()
    world.log_in(facilitator, "facilitator")
    data = {"emails": "nina@example.org", "role": "member", "actor": str(world.actor.id)}
    assert invite_form(facilitator, data).status_code == 302

    assert smtp_server.deliver(app).sent == 1
    received = smtp_server.last_to("nina@example.org")
    assert "Ma coalition" in str(received["Subject"])
    assert "/invitations/" in smtp_server.html(received)
    path = urlsplit(smtp_server.link("nina@example.org", contains="/invitations/")).path

    assert client.get(path).status_code == 200
    join = {"name": "Nina", "password": PASSWORD, "confirm_password": PASSWORD}
    assert post_form(client, path, join).status_code == 303
    user = db.scalars(select(User).where(User.email == "nina@example.org")).one()
    membership = db.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    assert membership.actor_id == world.actor.id
    assert client.get(f"/c/ma-coalition/actors/{world.actor.id}/manage").status_code == 200
