"""Every route of the register's open data, for every role: public, the same for everyone."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, check_access
from tests.register.test_exports import register  # noqa: F401 (the fixture: what there is to read)

ALL = [200] * 6
NOT_FOUND = [404] * 6  # a coalition that does not exist
C = "/c/ma-coalition"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", C + "/register.csv", None, ALL),
    ("GET", C + "/register.json", None, ALL),
    ("GET", C + "/register.atom", None, ALL),
    ("GET", C + "/register/schema", None, ALL),
    ("GET", C + "/register/schema.json", None, ALL),
    ("GET", "/c/aucune/register.csv", None, NOT_FOUND),
    ("GET", "/c/aucune/register.atom", None, NOT_FOUND),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>").replace("/c/aucune", "/c/<slug>")
    for _, url, _, _ in ROUTES
}


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_register_data_route_access_per_role(
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
    if expected == ALL:  # the same data whoever asks: the draft stays out for its owner too
        assert "Brouillon secret" not in client.get(url).get_data(as_text=True)
