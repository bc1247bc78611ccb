"""Every recommendation route, for every role: the public reads them and their feed; the
coalition's facilitators (and admins) record them and their answers."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access
from tests.recommendations.conftest import Setting

ALL = [200] * 6
#            anonymous, member, other member, facilitator, other facilitator, admin
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # facilitators' writes, which redirect
NOT_HERE = [404] * 6  # a recommendation of another coalition does not exist under this one
R = "/c/ma-coalition/recommendations"
K = R + "/{recommendation}"
ELSEWHERE = R + "/{other}"
DETAILS = {"title": "Former les agents", "origin": "other", "version": "1"}
ANSWER = {"status": "retained", "reason": "Elle est juste.", "version": "1"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", R, None, ALL),
    ("GET", R + ".atom", None, ALL),
    ("GET", K, None, ALL),
    ("GET", ELSEWHERE, None, NOT_HERE),
    ("GET", R + "/new", None, FACILITATORS),
    ("POST", R + "/new", DETAILS, MANAGERS),
    ("GET", K + "/edit", None, FACILITATORS),
    ("POST", K + "/edit", DETAILS, MANAGERS),
    ("POST", ELSEWHERE + "/edit", DETAILS, NOT_HERE),
    ("GET", K + "/answer", None, FACILITATORS),
    ("POST", K + "/answer", ANSWER, MANAGERS),
    ("POST", ELSEWHERE + "/answer", ANSWER, NOT_HERE),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{recommendation}", "<int:recommendation_id>")
    .replace("{other}", "<int:recommendation_id>")
    for _, url, _, _ in ROUTES
}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_recommendation_route_access_per_role(
    client: FlaskClient,
    world: World,
    setting: Setting,
    role: str,
    method: str,
    url: str,
    data: dict[str, Any] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    places = {
        "recommendation": setting.recommendation.id,
        "other": setting.other_recommendation.id,
    }
    check_access(client, method, url.format(**places), data, role, expected)
