"""Every route of the animation kit, for every role: anyone for an open or closed consultation
(whose posters are gone: 410), facilitators only for a draft, which stays unknown to others."""

import re
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, ConsultationStatus, Stall
from tests.conftest import ROLES, World, check_access
from tests.consultations.conftest import make_consultation

ALL = [200] * 6
GONE = [410] * 6
NOT_FOUND = [404] * 6
HIDDEN_DRAFT = [404, 404, 404, 200, 404, 200]
C = "/c/ma-coalition/consultations"
K, D, X = C + "/{consultation}/kit", C + "/{draft}/kit", C + "/{closed}/kit"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", K, None, ALL),
    ("GET", D, None, HIDDEN_DRAFT),
    ("GET", X, None, ALL),  # the page says the consultation is closed
    ("GET", K + "/a4?stand={stall}", None, ALL),
    ("GET", K + "/a3", None, ALL),
    ("GET", D + "/a4", None, HIDDEN_DRAFT),
    ("GET", X + "/a4", None, GONE),
    ("GET", K + "/a5", None, NOT_FOUND),
    ("GET", K + "/a6.pdf?stand={stall}", None, ALL),
    ("GET", D + "/a4.pdf", None, HIDDEN_DRAFT),
    ("GET", X + "/a4.pdf", None, GONE),
    ("GET", K + "/qr.svg?stand={stall}", None, ALL),
    ("GET", D + "/qr.svg", None, HIDDEN_DRAFT),
    ("GET", X + "/qr.svg", None, GONE),
    ("GET", K + "/qr.svg?stand=inconnu2", None, NOT_FOUND),
]

RULES = {
    re.sub(r"/kit/a\d", "/kit/<paper>", url.split("?")[0])
    .replace("/c/ma-coalition", "/c/<slug>")
    .replace("{consultation}", "<int:consultation_id>")
    .replace("{draft}", "<int:consultation_id>")
    .replace("{closed}", "<int:consultation_id>")
    for _, url, _, _ in ROUTES
}


@pytest.fixture
def places(db: Session, world: World) -> dict[str, Any]:
    def consultation(status: ConsultationStatus) -> Consultation:
        return make_consultation(db, world.coalition, status=status)

    opened = consultation(ConsultationStatus.open)
    stall = Stall(consultation_id=opened.id, place="Marché de Dié", held_on=date(2025, 7, 5))
    db.add(stall)
    db.flush()
    return {
        "consultation": opened.id,
        "draft": consultation(ConsultationStatus.draft).id,
        "closed": consultation(ConsultationStatus.closed).id,
        "stall": stall.code,
    }


def test_the_rules_name_the_four_routes_of_the_kit() -> None:
    kit = "/c/<slug>/consultations/<int:consultation_id>/kit"
    assert {kit, kit + "/<paper>", kit + "/<paper>.pdf", kit + "/qr.svg"} == RULES


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_kit_route_access_per_role(
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
