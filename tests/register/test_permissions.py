"""Every register route, for every role: the public reads published entries, their pages and
histories; a draft is known only to its owner's people (the member of Acteur A) and the
facilitators; members record for their own actor; the owner's people and facilitators edit;
facilitators (and admins) publish and withdraw."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access
from tests.register.conftest import RegisterSetting

ALL = [200] * 6
#              anonymous, member, other member, facilitator, other facilitator, admin
DRAFT_READERS = [404, 200, 404, 200, 404, 200]  # a draft: its owner's people, facilitators
PARTICIPANTS = [302, 200, 200, 200, 403, 200]
RECORDERS = [302, 302, 302, 302, 403, 302]  # each member for their own actor
EDITORS = [302, 200, 403, 200, 403, 200]
EDITS = [302, 302, 403, 302, 403, 302]  # the writes of editors, which redirect
DRAFT_EDITS = [404, 302, 404, 302, 404, 302]
PUBLISHERS = [404, 403, 404, 302, 404, 302]  # publishing a draft: unseen ones are not found
WITHDRAWERS = [302, 403, 403, 302, 403, 302]
NOT_HERE = [404] * 6  # an entry of another coalition does not exist under this one
R = "/c/ma-coalition/register"
P = R + "/{published}"
D = R + "/{draft}"
ELSEWHERE = R + "/{other}"
DETAILS = {"name": "Tri", "status": "pilot", "owner": "{actor}"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", R, None, ALL),
    ("GET", P, None, ALL),
    ("GET", D, None, DRAFT_READERS),
    ("GET", ELSEWHERE, None, NOT_HERE),
    ("GET", P + "/history", None, ALL),
    ("GET", D + "/history", None, DRAFT_READERS),
    ("GET", ELSEWHERE + "/history", None, NOT_HERE),
    ("GET", R + "/new", None, PARTICIPANTS),
    ("POST", R + "/new", DETAILS, RECORDERS),
    ("GET", P + "/edit", None, EDITORS),
    ("GET", D + "/edit", None, DRAFT_READERS),
    ("POST", P + "/edit", {**DETAILS, "version": "{published_version}"}, EDITS),
    ("POST", D + "/edit", {**DETAILS, "version": "{draft_version}"}, DRAFT_EDITS),
    ("POST", ELSEWHERE + "/edit", {**DETAILS, "version": "{other_version}"}, NOT_HERE),
    ("POST", D + "/publish", {"version": "{draft_version}"}, PUBLISHERS),
    ("POST", ELSEWHERE + "/publish", {"version": "{other_version}"}, NOT_HERE),
    ("POST", P + "/unpublish", {"version": "{published_version}"}, WITHDRAWERS),
    ("POST", ELSEWHERE + "/unpublish", {"version": "{other_version}"}, NOT_HERE),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{published}", "<int:entry_id>")
    .replace("{draft}", "<int:entry_id>")
    .replace("{other}", "<int:entry_id>")
    for _, url, _, _ in ROUTES
}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_register_route_access_per_role(
    client: FlaskClient,
    world: World,
    setting: RegisterSetting,
    role: str,
    method: str,
    url: str,
    data: dict[str, Any] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    places = {
        "published": str(setting.published.id),
        "draft": str(setting.draft.id),
        "other": str(setting.other.id),
        "actor": str(world.actor.id),
        "published_version": str(setting.published.version),
        "draft_version": str(setting.draft.version),
        "other_version": str(setting.other.version),
    }
    check_access(client, method, url, data, role, expected, places=places)
