"""The tests' direct log-in (tests.factories.log_in) leaves a client as the login form does."""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests import factories as f


def session_of(client: FlaskClient) -> dict[str, Any]:
    with client.session_transaction() as session:
        return {
            key: value for key, value in session.items() if key not in ("csrf_token", "_flashes")
        }


def test_a_direct_log_in_leaves_the_session_the_login_form_leaves(app: Flask, db: Session) -> None:
    user = f.user(db, language="en")
    through_the_form, direct = app.test_client(), app.test_client()
    f.log_in_with_form(through_the_form, user)
    f.log_in(direct, user)
    assert session_of(direct) == session_of(through_the_form)
    assert session_of(direct)["lang"] == "en"
    assert '<html lang="en">' in direct.get("/account").get_data(as_text=True)
    db.refresh(user)
    assert user.last_login_at is not None
