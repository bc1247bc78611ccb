"""Every route of the to-do pages, for every role."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access

#            anonymous, member, other member, facilitator, other facilitator, admin
FACILITATORS = [302, 403, 403, 200, 403, 200]
SIGNED_IN = [302, 200, 200, 200, 200, 200]  # each sees the coalitions they run (maybe none)

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/c/ma-coalition/todo", None, FACILITATORS),
    ("GET", "/todo", None, SIGNED_IN),
]

RULES: set[str] = {url.replace("/c/ma-coalition", "/c/<slug>") for _, url, _, _ in ROUTES}


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
    check_access(client, method, url, data, role, expected)


def test_an_unknown_coalition_has_no_todo_page(client: FlaskClient, world: World) -> None:
    world.log_in(client, "admin")
    assert client.get("/c/nulle-part/todo").status_code == 404
