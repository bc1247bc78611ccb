"""Every route of the actors import, for every role."""

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coalition.actors.import_csv import seal
from tests.conftest import ROLES, World, check_access, post_form

FACILITATORS = [302, 403, 403, 200, 403, 200]
APPLIED = [302, 403, 403, 303, 403, 303]
IMPORT = "/c/ma-coalition/actors/import"
CSV = "nom;famille;Levier 1\r\nNouvel acteur;Usage;2\r\n"

ROUTES: list[tuple[str, str, str | None, list[int]]] = [
    ("GET", IMPORT, None, FACILITATORS),
    ("POST", IMPORT, "file", FACILITATORS),  # the preview
    ("POST", IMPORT + "/confirm", "sealed", APPLIED),
    ("GET", IMPORT + "/template.csv", None, FACILITATORS),
]

# the URL rules this table covers, as Flask writes them (tests/core/test_permissions.py checks
# that every rule of the app is covered by some table)
RULES: set[str] = {url.replace("/c/ma-coalition", "/c/<slug>") for _, url, _, _ in ROUTES}


def _form(kind: str | None, app: Flask, world: World) -> dict[str, Any] | None:
    if kind == "file":
        return {"file": (io.BytesIO(CSV.encode()), "acteurs.csv")}
    if kind == "sealed":
        return {"sealed": seal(app.config["SECRET_KEY"], world.coalition.id, CSV, "utf-8")}
    return None


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    app: Flask,
    client: FlaskClient,
    world: World,
    role: str,
    method: str,
    url: str,
    data: str | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, _form(data, app, world), role, expected)


def test_a_preview_sealed_for_another_coalition_is_refused(
    app: Flask, client: FlaskClient, world: World
) -> None:
    world.log_in(client, "admin")
    sealed = seal(app.config["SECRET_KEY"], world.other_coalition.id, CSV, "utf-8")
    response = post_form(client, IMPORT + "/confirm", {"sealed": sealed}, form_url="/")
    assert response.status_code == 400
    assert "plus valable" in response.get_data(as_text=True)
