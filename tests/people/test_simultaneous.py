"""Another write at the same instant: the people pages answer 409, say so, and keep nothing."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, MembershipRole, User
from coalition.people import routes_accept, service, service_memberships
from tests.clashes import SIMULTANEOUS, clashing, text_of
from tests.conftest import World, post_form
from tests.people.conftest import PEOPLE, Snapshot, invite, invite_form

PASSWORD = "une phrase assez longue"


def test_a_role_change_that_meets_another_write_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = db.scalars(
        select(Membership).where(Membership.user_id == world.users["member"].id)
    ).one()
    monkeypatch.setattr(
        service_memberships,
        "change_membership",
        clashing(service_memberships.change_membership),
    )
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = post_form(client, f"{PEOPLE}/{member.id}", {"role": "facilitator", "actor": ""})
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert 'name="role"' in response.get_data(as_text=True)  # the person's page, its form again
    assert before.unchanged()
    assert db.get(Membership, member.id).role == MembershipRole.member  # type: ignore[union-attr]


def test_an_invitation_that_meets_another_write_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "invite_many", clashing(service.invite_many))
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = invite_form(
        client, {"emails": "nina@example.org", "role": "facilitator", "actor": ""}
    )
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert "nina@example.org</textarea>" in response.get_data(as_text=True)  # kept
    assert before.unchanged()


def test_a_newcomer_whose_account_meets_another_write_is_told(
    app: Flask, client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = invite(app, db, world, "nina@example.org")
    monkeypatch.setattr(routes_accept, "join", clashing(routes_accept.join))
    before = Snapshot(db)
    data = {"name": "Nina", "password": PASSWORD, "confirm_password": PASSWORD}
    response = post_form(client, path, data)
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert before.unchanged()
    assert db.scalars(select(User).where(User.email == "nina@example.org")).all() == []


def test_an_acceptance_that_meets_another_write_is_told(
    app: Flask, client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = invite(app, db, world, world.users["other_facilitator"].email)
    monkeypatch.setattr(routes_accept, "accept", clashing(routes_accept.accept))
    world.log_in(client, "other_facilitator")
    before = Snapshot(db)
    response = post_form(client, path, {})
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert "Aller à la page de Ma coalition" in text_of(response)
    assert before.unchanged()
