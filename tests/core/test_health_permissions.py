"""The load balancer's probe, for every role: anyone gets it, signed in or not."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/healthz", None, [200] * 6),
]

RULES: set[str] = {url for _, url, _, _ in ROUTES}


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
