"""Every route of the installation's administration, for every role."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access, post_form

ADMINS = [302, 403, 403, 403, 403, 200]
ADMIN_WRITES = [302, 403, 403, 403, 403, 302]  # an admin's write redirects
U = "/admin/users/{member}"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/admin/", None, ADMINS),
    (
        "POST",
        "/admin/coalitions",
        {"slug": "nouvelle", "name": "Nouvelle", "emails": "a@example.org"},
        ADMIN_WRITES,
    ),
    (
        "POST",
        "/admin/coalitions/ma-coalition/facilitators",
        {"c{coalition}-emails": "b@example.org"},
        ADMIN_WRITES,
    ),
    ("GET", "/admin/users", None, ADMINS),
    ("POST", U + "/deactivate", {}, ADMIN_WRITES),
    ("POST", U + "/reactivate", {}, ADMIN_WRITES),
]

# the URL rules this table covers, as Flask writes them (tests/core/test_permissions.py checks
# that every rule of the app is covered by some table)
RULES: set[str] = {
    url.replace("/coalitions/ma-coalition/", "/coalitions/<slug>/").replace(
        "{member}", "<int:user_id>"
    )
    for _, url, _, _ in ROUTES
}


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient,
    world: World,
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    places = {"member": world.users["member"].id, "coalition": world.coalition.id}
    check_access(client, method, url, data, role, expected, places=places)


def test_unknown_targets_are_not_found(client: FlaskClient, world: World) -> None:
    world.log_in(client, "admin")
    for url in ("/admin/users/999999/deactivate", "/admin/coalitions/inconnue/facilitators"):
        assert post_form(client, url, {}, form_url="/").status_code == 404, url
