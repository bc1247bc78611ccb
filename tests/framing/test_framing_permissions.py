"""Every framing route, for every role."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.db import utcnow
from tests import factories as f
from tests.conftest import ROLES, World, check_access

FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # a facilitator's write redirects
F = "/c/ma-coalition/framing"
KIND = "<any(axes, levers):kind>"
ITEM = f"/c/<slug>/framing/{KIND}/<int:item_id>"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", F, None, FACILITATORS),
    ("POST", F, {"name": "Ma coalition", "phase": "diagnostic", "version": "1"}, MANAGERS),
    ("POST", F + "/licence", {"data_licence": "odbl-1.0", "version": "1"}, MANAGERS),
    ("POST", F + "/axes", {"new-axes-name": "Nouvelle approche"}, MANAGERS),
    ("POST", F + "/levers", {"new-levers-name": "Nouveau levier"}, MANAGERS),
    ("GET", F + "/axes/{axis}", None, FACILITATORS),
    ("POST", F + "/axes/{axis}", {"name": "Approche", "version": "1"}, MANAGERS),
    ("GET", F + "/levers/{lever}", None, FACILITATORS),
    ("POST", F + "/levers/{lever}", {"name": "Levier 1 bis", "version": "1"}, MANAGERS),
    ("POST", F + "/levers/{lever}/move", {"direction": "down"}, MANAGERS),
    ("POST", F + "/axes/{axis}/move", {"direction": "up"}, MANAGERS),
    ("POST", F + "/levers/{lever}/retire", {"version": "1"}, MANAGERS),
    ("POST", F + "/axes/{axis}/retire", {"version": "1"}, MANAGERS),
    ("POST", F + "/levers/{retired_lever}/restore", {"version": "1"}, MANAGERS),
    ("POST", F + "/levers/{other_lever}/delete", {"version": "1"}, MANAGERS),
    ("POST", F + "/axes/{axis}/delete", {"version": "1"}, MANAGERS),
    ("POST", F + "/partners/{actor}", {"is_partner": "yes", "version": "1"}, MANAGERS),
]

# the URL rules this table covers, as Flask writes them (tests/core/test_permissions.py checks
# that every rule of the app is covered by some table)
RULES: set[str] = {
    "/c/<slug>/framing",
    "/c/<slug>/framing/licence",
    f"/c/<slug>/framing/{KIND}",
    ITEM,
    ITEM + "/move",
    ITEM + "/retire",
    ITEM + "/restore",
    ITEM + "/delete",
    "/c/<slug>/framing/partners/<int:actor_id>",
}


@pytest.fixture
def places(db: Session, world: World) -> dict[str, Any]:
    return {
        "axis": f.axis(db, world.coalition, name="Approche A").id,
        "lever": world.lever.id,
        "other_lever": world.other_lever.id,
        "retired_lever": f.lever(db, world.coalition, name="Ancien", retired_at=utcnow()).id,
        "actor": world.actor.id,
    }


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient,
    world: World,
    places: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url.format(**places), data, role, expected)


def test_other_coalitions_items_are_not_found(
    client: FlaskClient, world: World, db: Session
) -> None:
    """A facilitator of this coalition reaches no lever, axis or actor of another one."""
    foreign_lever = f.lever(db, world.other_coalition)
    foreign_axis = f.axis(db, world.other_coalition)
    foreign_actor = f.actor(db, world.other_coalition)
    world.log_in(client, "facilitator")
    assert client.get(f"{F}/levers/{foreign_lever.id}").status_code == 404
    assert client.get(f"{F}/axes/{foreign_axis.id}").status_code == 404
    assert client.get(f"{F}/things/{foreign_axis.id}").status_code == 404
    data = {"is_partner": "yes", "version": "1"}
    check_access(client, "POST", f"{F}/partners/{foreign_actor.id}", data, "facilitator", [404] * 6)
