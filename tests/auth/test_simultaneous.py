"""Another write at the same instant: the account pages answer 409, say so, and save nothing."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth import service, service_account
from coalition.auth.models import User
from tests import factories as f
from tests.auth.outbox import link_in, mails_to, path_of, text_of
from tests.clashes import SIMULTANEOUS, clashing
from tests.conftest import post_form

NEW = "alice.nouvelle@example.org"


@pytest.fixture
def alice(client: FlaskClient, db: Session) -> User:
    user = f.user(db, name="Alice Martin", email="alice@example.org")
    f.log_in(client, user)
    return user


def test_an_address_confirmed_at_the_same_instant_as_another_account_is_refused(
    app: Flask, client: FlaskClient, db: Session, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {"new_email": NEW, "current_password": f.PASSWORD}
    assert post_form(client, "/account/email", data).status_code == 302
    path = path_of(app, link_in(mails_to(db, NEW)[-1], "/account/email/"))
    confirm = service_account.confirm_email_change
    monkeypatch.setattr(service_account, "confirm_email_change", clashing(confirm))
    response = post_form(client, path, {})
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    db.refresh(alice)
    assert alice.email == "alice@example.org"
    monkeypatch.setattr(service_account, "confirm_email_change", confirm)
    assert post_form(client, path, {}).status_code == 302  # the link still works
    db.refresh(alice)
    assert alice.email == NEW


def test_a_password_changed_at_the_same_instant_stays_as_it_was(
    client: FlaskClient, db: Session, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "change_password", clashing(service.change_password))
    token, hashed = alice.session_token, alice.password_hash
    new = "une toute nouvelle phrase secrète"
    data = {"current_password": f.PASSWORD, "new_password": new, "confirm_password": new}
    response = post_form(client, "/account/password", data)
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    db.refresh(alice)
    assert (alice.session_token, alice.password_hash) == (token, hashed)
    assert client.get("/account").status_code == 200  # still signed in


def test_a_logout_that_meets_another_write_keeps_the_session(
    client: FlaskClient, db: Session, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = alice.session_token
    monkeypatch.setattr(service, "end_sessions", clashing(service.end_sessions))
    response = post_form(client, "/logout", {})
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    db.refresh(alice)
    assert alice.session_token == token
    assert client.get("/account").status_code == 200  # not logged out


def test_a_login_that_meets_another_write_is_told_to_try_again(
    app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = f.user(db, email="bea@example.org")
    monkeypatch.setattr(service, "authenticate", clashing(service.authenticate))
    client = app.test_client()
    data = {"email": user.email, "password": f.PASSWORD}
    response = post_form(client, "/login", data)
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert client.get("/account").status_code == 302  # not signed in
