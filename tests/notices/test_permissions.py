"""Every route of the notices, for every role: the unsubscribe link and the calendar feed need
no login, only their secret; the choices and the feed's management are one's own account's."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.notices import service
from coalition.notices.models import NoticeKind
from coalition.notices.service import unsubscribe_token
from tests.conftest import ROLES, World, check_access

ALL = [200] * 6
SIGNED_IN = [302, 200, 200, 200, 200, 200]
OWN_WRITES = [302] * 6  # the public is sent to log in; everyone else writes their own

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/notices/unsubscribe/{token}", None, ALL),
    ("POST", "/notices/unsubscribe/{token}", {"List-Unsubscribe": "One-Click"}, ALL),
    ("GET", "/notices/unsubscribe/forged", None, [404] * 6),
    ("GET", "/account/notices", None, SIGNED_IN),
    ("POST", "/account/notices", {"reminder": "off", "digest": "weekly"}, OWN_WRITES),
    ("POST", "/account/notices", {"reminder": "weekly"}, [302, 400, 400, 400, 400, 400]),
    ("POST", "/account/calendar-feed", {}, OWN_WRITES),
    ("POST", "/account/calendar-feed/revoke", {}, OWN_WRITES),
    ("GET", "/calendar/{feed}.ics", None, ALL),
    ("GET", "/calendar/forged.ics", None, [404] * 6),
]

RULES: set[str] = {
    "/notices/unsubscribe/<token>",
    "/account/notices",
    "/account/calendar-feed",
    "/account/calendar-feed/revoke",
    "/calendar/<token>.ics",
}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    app: Flask,
    client: FlaskClient,
    db: Session,
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
    feed = service.renew_feed(db, world.users["member"].id, world.action.created_at)
    places = {"token": token, "feed": feed}
    check_access(client, method, url, data, role, expected, places=places)
