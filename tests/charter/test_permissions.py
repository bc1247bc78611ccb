"""Every charter and label route, for every role: the public reads them; the coalition's
facilitators (and admins) publish versions and write and award labels; only an actor's own
members sign the charter for it."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.charter import service
from tests.charter.conftest import NOW, Setting
from tests.conftest import ROLES, World, check_access

ALL = [200] * 6
#            anonymous, member, other member, facilitator, other facilitator, admin
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # facilitators' writes, which redirect
SPEAKERS = [302, 302, 403, 403, 403, 403]  # the actor's own member signs for it, nobody else
NOT_HERE = [404] * 6  # a label of another coalition does not exist under this one
C = "/c/ma-coalition"
L = C + "/labels/{label}"
ELSEWHERE = C + "/labels/{other}"
VERSION = {"based_on": "1", "title": "Charte", "text": "Autre texte.", "changes": "Tout."}
SIGN = {"actor": "{actor}", "version": "1", "name": "Claire Martin"}
LABEL = {"name": "Label sobre", "criteria": "Peu de données.", "version": "1"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", C + "/charter", None, ALL),
    ("GET", C + "/charter/v1", None, ALL),
    ("GET", C + "/charter/new", None, FACILITATORS),
    ("POST", C + "/charter/new", VERSION, MANAGERS),
    ("POST", C + "/charter/sign", SIGN, SPEAKERS),
    ("GET", C + "/labels", None, ALL),
    ("GET", L, None, ALL),
    ("GET", ELSEWHERE, None, NOT_HERE),
    ("GET", C + "/labels/new", None, FACILITATORS),
    ("POST", C + "/labels/new", LABEL, MANAGERS),
    ("GET", L + "/edit", None, FACILITATORS),
    ("POST", L + "/edit", LABEL, MANAGERS),
    ("POST", ELSEWHERE + "/edit", LABEL, NOT_HERE),
    ("POST", L + "/award", {"actor": "{other_actor}"}, MANAGERS),
    ("POST", ELSEWHERE + "/award", {"actor": "{other_actor}"}, NOT_HERE),
    ("POST", L + "/awards/{award}/withdraw", {}, MANAGERS),
    ("POST", ELSEWHERE + "/awards/{award}/withdraw", {}, NOT_HERE),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("/v1", "/v<int:number>")
    .replace("{label}", "<int:label_id>")
    .replace("{other}", "<int:label_id>")
    .replace("{award}", "<int:award_id>")
    for _, url, _, _ in ROUTES
}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_charter_route_access_per_role(
    client: FlaskClient,
    db: Session,
    world: World,
    setting: Setting,
    role: str,
    method: str,
    url: str,
    data: dict[str, Any] | None,
    expected: list[int],
) -> None:
    award = service.award_label(
        db, world.coalition, setting.label, actor_id=world.actor.id, by=None, now=NOW
    )
    world.log_in(client, role)
    places = {
        "label": setting.label.id,
        "other": setting.other_label.id,
        "award": award.id,
        "actor": world.actor.id,
        "other_actor": world.other_actor.id,
    }
    check_access(client, method, url, data, role, expected, places=places)
