"""Every sign-up route and the privacy page, for every role: anyone signs up (online, or on a
stall's tablet with its link), withdraws with a message's link and reads the privacy page; only
the coalition's facilitators see, export, write to and remove the sign-ups."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation
from coalition.db import utcnow
from coalition.signups.service import withdrawal_token
from tests.conftest import ROLES, World, check_access
from tests.signups.conftest import LEA, S, add_signup, link_of, make_stall

ALL = [200] * 6
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 303, 403, 303]  # a facilitator's write redirects
SIGNUP = {**LEA, "months": "12"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", S + "/signup", None, ALL),
    ("POST", S + "/signup", SIGNUP, [303] * 6),
    ("GET", S + "/signup/thanks", None, ALL),
    ("GET", "/stall/{secret}/signup", None, ALL),
    ("POST", "/stall/{secret}/signup", SIGNUP, [303] * 6),
    ("GET", "/stall/{revoked}/signup", None, [410] * 6),
    ("POST", "/stall/{revoked}/signup", SIGNUP, [410] * 6),
    ("GET", "/stall/not-a-stall-link/signup", None, [404] * 6),
    ("POST", "/stall/not-a-stall-link/signup", SIGNUP, [404] * 6),
    ("GET", S + "/signups", None, FACILITATORS),
    ("GET", S + "/signups.csv", None, FACILITATORS),
    ("GET", S + "/signups/write", None, FACILITATORS),
    ("POST", S + "/signups/write", {"subject": "Atelier", "body": "Le 3 avril."}, MANAGERS),
    ("POST", S + "/signups/{signup}/remove", {}, MANAGERS),
    ("GET", "/signups/withdraw/{token}", None, ALL),
    ("POST", "/signups/withdraw/{token}", {}, ALL),
    ("GET", "/signups/withdraw/not-a-token", None, [404] * 6),
    ("GET", "/privacy", None, ALL),
]
# the URL rules this table covers, as Flask writes them (for tests/core/test_permissions.py)
RULES = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{secret}", "<secret>")
    .replace("{signup}", "<signup_id>")
    .replace("{token}", "<token>")
    for _, url, _, _ in ROUTES
    if "{revoked}" not in url and "not-a-" not in url
}


@pytest.fixture
def places(app: Flask, db: Session, world: World, consultation: Consultation) -> dict[str, Any]:
    revoked = make_stall(db, consultation, "Marché de Bletterans")
    revoked_secret = link_of(db, revoked)
    revoked.link_revoked_at = utcnow()
    db.flush()
    signup = add_signup(app, db, world.coalition)
    with app.app_context():
        token = withdrawal_token(signup)
    return {
        "secret": link_of(db, make_stall(db, consultation)),
        "revoked": revoked_secret,
        "signup": signup.id,
        "token": token,
    }


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_signup_route_access_per_role(
    client: FlaskClient,
    world: World,
    places: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=places)


def test_the_table_covers_every_rule_of_the_blueprints(app: Flask) -> None:
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("signups.", "privacy."))
    }
    assert rules == RULES
