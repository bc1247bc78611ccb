"""Every route, for every role: who may see it, who is sent to log in, who is refused."""

import plotly
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROLES, World, post_form

# (method, url, expected status per role: anonymous, member, other member, facilitator,
#  other facilitator, admin). 302 for the anonymous means "sent to the login page".
ROUTES = [
    ("GET", "/", [200] * 6),
    ("GET", "/c/ma-coalition/", [200] * 6),
    ("GET", "/c/ma-coalition/actors", [200] * 6),
    ("GET", "/c/ma-coalition/levers", [200] * 6),
    ("GET", "/login", [200] * 6),
    ("GET", "/account/password", [302, 200, 200, 200, 200, 200]),
    ("POST", "/language", [302] * 6),
    ("GET", f"/assets/plotly-{plotly.__version__}.min.js", [200] * 6),
    ("POST", "/logout", [302] * 6),
]


@pytest.mark.parametrize(("method", "url", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient, world: World, role: str, method: str, url: str, expected: list[int]
) -> None:
    world.log_in(client, role)
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(client, url, {"lang": "en", "next": "/"}, form_url="/")
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code == 302 and url == "/account/password":
        assert response.headers["Location"].startswith("/login?next=")


def test_every_route_is_in_the_permission_table(app: Flask) -> None:
    covered = {url.replace("ma-coalition", "<slug>") for _, url, _ in ROUTES}
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert rules == covered


def test_a_view_that_forgets_its_permission_check_is_caught(app: Flask) -> None:
    @app.get("/oubli")
    def forgot() -> str:
        return "ok"

    with pytest.raises(RuntimeError, match="never called require"):
        app.test_client().get("/oubli")
