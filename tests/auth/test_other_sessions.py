"""Logging out one's other sessions from the account page, as a person would."""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_login import COOKIE_NAME
from flask_login.utils import encode_cookie
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.core.audit import AuditEvent
from tests import factories as f
from tests.auth.outbox import text_of
from tests.conftest import post_form

END_OTHERS = "/account/sessions/end-others"
DONE = "Vos autres sessions sont fermées"


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def remember_cookie(app: Flask, user: User) -> str:
    """The remember-me cookie flask-login sets for the account's current session."""
    with app.test_request_context():
        return encode_cookie(user.session_token)


def coming_back_with(app: Flask, cookie: str) -> FlaskClient:
    """A browser that comes back with only a remember-me cookie (its session has expired)."""
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, cookie)
    return browser


def end_others(client: FlaskClient) -> Any:
    return post_form(client, END_OTHERS, {}, form_url="/account")


def test_the_other_sessions_end_and_this_one_goes_on(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    user, someone_else = f.user(db), f.user(db)
    f.log_in(client, user)
    laptop = app.test_client()
    f.log_in(laptop, user)
    colleague = app.test_client()
    f.log_in(colleague, someone_else)
    cookie = remember_cookie(app, user)
    assert signed_in(coming_back_with(app, cookie))  # the cookie works before the button

    page = client.get("/account").get_data(as_text=True)
    assert f'action="{END_OTHERS}"' in page and "Déconnecter mes autres sessions" in page
    response = end_others(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert DONE in text_of(client.get("/account"))

    assert signed_in(client)  # this session goes on, and can still write
    profile = {"name": "Nouveau nom", "language": "fr"}
    assert post_form(client, "/account", profile).status_code == 302
    next_request = laptop.get("/account")  # sent to log in on its next request
    assert next_request.status_code == 302
    assert next_request.headers["Location"].startswith("/login")
    assert not signed_in(coming_back_with(app, cookie))  # the remember-me cookie is dead too
    assert signed_in(colleague)  # other people's sessions are not touched


def test_the_action_is_audited(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    f.log_in(client, user)
    end_others(client)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "end_other_sessions"))
    assert [(e.entity, e.entity_id, e.user_id) for e in events] == [("user", user.id, user.id)]


def test_without_its_csrf_token_nothing_ends(app: Flask, client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    f.log_in(client, user)
    laptop = app.test_client()
    f.log_in(laptop, user)
    assert client.post(END_OTHERS).status_code == 400
    assert signed_in(laptop) and signed_in(client)
    assert (
        db.scalars(select(AuditEvent).where(AuditEvent.action == "end_other_sessions")).all() == []
    )
