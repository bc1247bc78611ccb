"""Every route of the notices, for every role: the unsubscribe link needs no login, only its
signed token."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coalition.notices.models import NoticeKind
from coalition.notices.service import unsubscribe_token
from tests.conftest import ROLES, World, check_access

ALL = [200] * 6

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/notices/unsubscribe/{token}", None, ALL),
    ("POST", "/notices/unsubscribe/{token}", {"List-Unsubscribe": "One-Click"}, ALL),
    ("GET", "/notices/unsubscribe/forged", None, [404] * 6),
]

RULES: set[str] = {"/notices/unsubscribe/<token>"}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    app: Flask,
    client: FlaskClient,
    world: World,
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    with app.app_context():
        token = unsubscribe_token(world.users["member"].id, NoticeKind.reminder)
    check_access(client, method, url, data, role, expected, places={"token": token})
