"""The network's routes, for every role: the stalls page and CSV are public for an open or closed
consultation, and a draft's are unknown to all but its coalition's facilitators (and admins)."""

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import ConsultationStatus, Stall
from tests.conftest import ROLES, World, check_access
from tests.consultations.conftest import make_consultation

ALL = [200] * 6
HIDDEN_DRAFT = [404, 404, 404, 200, 404, 200]
C = "/c/ma-coalition/consultations"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", C + "/{consultation}/stands", None, ALL),
    ("GET", C + "/{consultation}/stands.csv", None, ALL),
    ("GET", C + "/{closed}/stands", None, ALL),
    ("GET", C + "/{closed}/stands.csv", None, ALL),
    ("GET", C + "/{draft}/stands", None, HIDDEN_DRAFT),
    ("GET", C + "/{draft}/stands.csv", None, HIDDEN_DRAFT),
    ("GET", C + "/{consultation}/results?by=territory", None, ALL),
    ("GET", C + "/{draft}/results?by=territory", None, HIDDEN_DRAFT),
]
RULES = {
    url.split("?")[0]
    .replace("/c/ma-coalition", "/c/<slug>")
    .replace("{consultation}", "<int:consultation_id>")
    for _, url, _, _ in ROUTES
    if "{consultation}" in url and "?" not in url
}


@pytest.fixture
def places(db: Session, world: World) -> dict[str, Any]:
    ids = {}
    for name, status in [
        ("consultation", ConsultationStatus.open),
        ("closed", ConsultationStatus.closed),
        ("draft", ConsultationStatus.draft),
    ]:
        consultation = make_consultation(db, world.coalition, status=status)
        db.add(
            Stall(
                consultation_id=consultation.id,
                place="Marché de Dié",
                territory="Drôme",
                held_on=date(2025, 7, 5),
            )
        )
        ids[name] = consultation.id
    db.flush()
    return ids


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_network_route_access_per_role(
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
    check_access(client, method, url, data, role, expected, places=places)


def test_the_rules_name_the_new_routes(client: FlaskClient) -> None:
    rules = {rule.rule for rule in client.application.url_map.iter_rules()}
    expected = {
        "/c/<slug>/consultations/<int:consultation_id>/stands",
        "/c/<slug>/consultations/<int:consultation_id>/stands.csv",
    }
    assert expected == RULES and expected <= rules
