"""Every panel route, for every role: the public reads the record of a draw and its counts;
the coalition's facilitators (and admins) see the pool's names, build it and draw."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, check_access
from tests.panels.conftest import PanelSetting

ALL = [200] * 6
#            anonymous, member, other member, facilitator, other facilitator, admin
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # facilitators' writes, which redirect
REFUSED = [302, 403, 403, 400, 403, 400]  # facilitators' writes the panel's state refuses
NOT_HERE = [404] * 6  # a panel of another coalition does not exist under this one
P = "/c/ma-coalition/panels"
K = P + "/{panel}"
ELSEWHERE = P + "/{other}"
V = K + "/volunteers/{volunteer}"
DETAILS = {"title": "Convention", "size": "4", "reserve_size": "0", "version": "1"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", P, None, ALL),
    ("GET", K, None, ALL),
    ("GET", K + "/record.csv", None, ALL),
    ("GET", K + "/quotas.csv", None, ALL),
    ("GET", ELSEWHERE, None, NOT_HERE),
    ("GET", K + "/pool.csv", None, FACILITATORS),
    ("GET", K + "/people.csv", None, FACILITATORS),
    ("GET", P + "/new", None, FACILITATORS),
    ("POST", P + "/new", DETAILS, MANAGERS),
    ("GET", K + "/manage", None, FACILITATORS),
    ("GET", ELSEWHERE + "/manage", None, NOT_HERE),
    ("POST", K + "/settings", DETAILS, MANAGERS),
    ("POST", ELSEWHERE + "/settings", DETAILS, NOT_HERE),
    ("POST", K + "/quotas", {"quotas": "Âge ; jeune ; 2 ; 3\nÂge ; aîné ; 2 ; 3"}, MANAGERS),
    ("POST", K + "/signups", {}, REFUSED),  # nobody signed up
    ("GET", V, None, FACILITATORS),
    ("POST", V, {"feature-0": "jeune", "feature-1": "femme"}, MANAGERS),
    ("POST", V + "/remove", {}, MANAGERS),
    ("POST", K + "/announce", {"seed": "12", "version": "1"}, MANAGERS),
    ("POST", K + "/draw", {}, REFUSED),  # not announced yet
    ("POST", K + "/reopen", {}, REFUSED),  # no failed draw
    ("POST", K + "/retry", {}, REFUSED),  # no failed replacement
    ("POST", K + "/forget", {"confirm": "y"}, REFUSED),  # not drawn yet
    ("POST", V + "/decline", {}, REFUSED),  # not drawn yet
    ("POST", ELSEWHERE + "/draw", {}, NOT_HERE),
    ("GET", K + "/import", None, FACILITATORS),
    ("GET", K + "/import/template.csv", None, FACILITATORS),
    ("POST", K + "/import/confirm", {"sealed": "forged"}, [302, 403, 403, 400, 403, 400]),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{panel}", "<int:panel_id>")
    .replace("{other}", "<int:panel_id>")
    .replace("{volunteer}", "<int:volunteer_id>")
    for _, url, _, _ in ROUTES
} | {"/c/<slug>/panels/<int:panel_id>/import"}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_panel_route_access_per_role(
    client: FlaskClient,
    panels: PanelSetting,
    role: str,
    method: str,
    url: str,
    data: dict[str, Any] | None,
    expected: list[int],
) -> None:
    panels.world.log_in(client, role)
    places = {
        "panel": panels.panel.id,
        "other": panels.other_panel.id,
        "volunteer": panels.first.id,
    }
    check_access(client, method, url, data, role, expected, places=places)
