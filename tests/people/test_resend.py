"""Sending an invitation again, or revoking it, from the list of pending invitations."""

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from coalition.people.models import Invitation
from tests import factories as f
from tests.conftest import World, post_form
from tests.people.conftest import PEOPLE, Snapshot, invite, last_link, mails_to


def the_invitation(db: Session, email: str) -> Invitation:
    db.expire_all()
    return db.scalars(select(Invitation).where(Invitation.email == email)).one()


def act(client: FlaskClient, invitation: Invitation, action: str) -> Any:
    url = f"{PEOPLE}/invitations/{invitation.id}/{action}"
    return post_form(client, url, {}, form_url=PEOPLE)


def test_resending_mails_a_new_link_and_voids_the_old_one(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    old_path = invite(app, db, world, "nina@example.org", now=utcnow() - timedelta(days=3))
    before = the_invitation(db, "nina@example.org")
    old_expiry = before.expires_at
    world.log_in(client, "facilitator")
    response = act(client, before, "resend")
    assert response.status_code == 302
    assert "Invitation renvoyée à nina@example.org" in client.get(PEOPLE).get_data(as_text=True)
    assert len(mails_to(db, "nina@example.org")) == 2
    new_path = last_link(db, "nina@example.org")
    assert new_path != old_path
    invitation = the_invitation(db, "nina@example.org")
    assert invitation.expires_at > old_expiry + timedelta(days=2)
    assert timedelta(days=13, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=14)
    anonymous = app.test_client()
    assert anonymous.get(old_path).status_code == 404
    assert anonymous.get(new_path).status_code == 200
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "invitation").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "resend"]


def test_an_expired_invitation_may_be_sent_again(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    old_path = invite(app, db, world, "nina@example.org", now=utcnow() - timedelta(days=20))
    world.log_in(client, "facilitator")
    assert ">expirée</span>" in client.get(PEOPLE).get_data(as_text=True)
    act(client, the_invitation(db, "nina@example.org"), "resend")
    assert ">expirée</span>" not in client.get(PEOPLE).get_data(as_text=True)
    assert app.test_client().get(old_path).status_code == 404
    assert app.test_client().get(last_link(db, "nina@example.org")).status_code == 200


def test_revoking_twice_or_resending_a_revoked_invitation_is_refused(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "nina@example.org")
    world.log_in(client, "facilitator")
    invitation = the_invitation(db, "nina@example.org")
    assert act(client, invitation, "revoke").status_code == 302
    before = Snapshot(db)
    for action in ("revoke", "resend"):
        response = act(client, invitation, action)
        assert response.status_code == 409
        assert "a été révoquée" in response.get_data(as_text=True)
    assert before.unchanged()
    assert "nina@example.org" not in client.get(PEOPLE).get_data(as_text=True)


def test_an_accepted_invitation_is_neither_resent_nor_revoked(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "nina@example.org")
    invitation = the_invitation(db, "nina@example.org")
    invitation.accepted_at = utcnow()
    db.flush()
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    for action in ("revoke", "resend"):
        response = act(client, invitation, action)
        assert response.status_code == 409
        assert "déjà été acceptée" in response.get_data(as_text=True)
    assert before.unchanged()


def test_resending_to_someone_who_joined_meanwhile_is_refused(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "nina@example.org", now=utcnow() - timedelta(days=20))
    nina = f.user(db, email="nina@example.org", name="Nina")
    f.membership(db, nina, world.coalition, MembershipRole.member, world.actor)
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = act(client, the_invitation(db, "nina@example.org"), "resend")
    assert response.status_code == 409
    assert "fait déjà partie" in response.get_data(as_text=True)
    assert before.unchanged()


def test_resending_when_a_newer_invitation_is_pending_is_refused(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "nina@example.org", now=utcnow() - timedelta(days=20))
    old = the_invitation(db, "nina@example.org")
    invite(app, db, world, "nina@example.org")
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = act(client, old, "resend")
    assert response.status_code == 409
    assert "une autre invitation en attente" in response.get_data(as_text=True)
    assert before.unchanged()


def test_a_button_without_its_csrf_token_changes_nothing(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "nina@example.org")
    invitation = the_invitation(db, "nina@example.org")
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    for action in ("resend", "revoke"):
        response = client.post(f"{PEOPLE}/invitations/{invitation.id}/{action}")
        assert response.status_code == 400
    assert before.unchanged()
