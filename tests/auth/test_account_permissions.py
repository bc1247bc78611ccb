"""Every account route, for every role."""

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth.models import AccountToken, TokenPurpose
from coalition.core.tokens import new_token
from coalition.db import utcnow
from tests import factories as f
from tests.conftest import ROLES, World, check_access

ALL = [200] * 6
SIGNED_IN = [302, 200, 200, 200, 200, 200]
DONE = [302] * 6  # a write that succeeds redirects; the public is sent to log in
GONE = [404] * 6
NEW_PASSWORD = "une-toute-nouvelle-phrase"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/account", None, SIGNED_IN),
    ("POST", "/account", {"name": "Nouveau nom", "language": "en"}, DONE),
    (
        "POST",
        "/account/email",
        {"new_email": "nouvelle@example.org", "current_password": f.PASSWORD},
        DONE,
    ),
    ("POST", "/account/sessions/end-others", {}, DONE),
    ("GET", "/account/email/{email_token}", None, ALL),
    ("POST", "/account/email/{email_token}", {}, DONE),
    ("GET", "/account/email/{reset_token}", None, GONE),
    ("GET", "/password/forgot", None, ALL),
    ("POST", "/password/forgot", {"email": "{email}"}, DONE),
    ("GET", "/password/reset/{reset_token}", None, ALL),
    (
        "POST",
        "/password/reset/{reset_token}",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        DONE,
    ),
    ("GET", "/password/reset/{email_token}", None, GONE),
    ("GET", "/password/reset/inconnu", None, GONE),
]

# the URL rules this table covers, as Flask writes them (tests/core/test_permissions.py checks
# that every rule of the app is covered by some table)
RULES: set[str] = {
    url.replace("{email_token}", "<token>")
    .replace("{reset_token}", "<token>")
    .replace("inconnu", "<token>")
    for _, url, _, _ in ROUTES
}


@pytest.fixture
def links(db: Session, world: World) -> dict[str, Any]:
    """A live link of each kind, sent to the member."""
    member = world.users["member"]
    values: dict[str, Any] = {"email": member.email}
    for name, purpose, new_email in (
        ("email_token", TokenPurpose.email_change, "membre.nouveau@example.org"),
        ("reset_token", TokenPurpose.password_reset, None),
    ):
        token, digest = new_token()
        db.add(
            AccountToken(
                user_id=member.id,
                purpose=purpose,
                token_hash=digest,
                new_email=new_email,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        values[name] = token
    db.flush()
    return values


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient,
    world: World,
    links: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=links)


def test_the_account_page_is_one_s_own(client: FlaskClient, world: World) -> None:
    world.log_in(client, "member")
    html = client.get("/account").get_data(as_text=True)
    assert world.users["member"].email in html
    assert world.users["admin"].email not in html
