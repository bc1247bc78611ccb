"""Every workshop route, for every role. A published workshop is public and run by the
coalition's facilitators; a draft does not exist (404) for anyone but them and the admins."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.workshops import service as ws
from tests.conftest import ROLES, World, check_access

ALL = [200] * 6
#            anonymous, member, other member, facilitator, other facilitator, admin
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # facilitators' writes, which redirect
DRAFT_PAGE = [404, 404, 404, 200, 404, 200]
DRAFT_WRITE = [404, 404, 404, 302, 404, 302]
W = "/c/ma-coalition/workshops"
P = W + "/{published}"
D = W + "/{draft}"
DETAILS = {"title": "Atelier", "version": "1"}
CONTRIBUTION = {"kind": "fear", "text": "Surveillance"}

# (method, url, form data, expected status per role); 302 for the anonymous means "log in first"
ROUTES = [
    ("GET", W, None, ALL),
    ("GET", W + "/new", None, FACILITATORS),
    ("POST", W + "/new", {"title": "Nouvel atelier"}, MANAGERS),
    ("GET", P, None, ALL),
    ("GET", D, None, DRAFT_PAGE),
    ("GET", P + "/edit", None, FACILITATORS),
    ("POST", P + "/edit", DETAILS, MANAGERS),
    ("GET", D + "/edit", None, DRAFT_PAGE),
    ("POST", D + "/edit", DETAILS, DRAFT_WRITE),
    ("POST", P + "/cases", {"case-title": "Santé"}, MANAGERS),
    ("POST", D + "/cases", {"case-title": "Santé"}, DRAFT_WRITE),
    ("POST", P + "/issues", {"issue-title": "Place de l'humain"}, MANAGERS),
    ("POST", D + "/issues", {"issue-title": "Place de l'humain"}, DRAFT_WRITE),
    ("GET", P + "/cases/{published_case}", None, FACILITATORS),
    ("POST", P + "/cases/{published_case}", CONTRIBUTION, MANAGERS),
    ("GET", D + "/cases/{draft_case}", None, DRAFT_PAGE),
    ("POST", D + "/cases/{draft_case}", CONTRIBUTION, DRAFT_WRITE),
    ("POST", P + "/contributions/{published_contribution}/delete", {}, MANAGERS),
    ("POST", D + "/contributions/{draft_contribution}/delete", {}, DRAFT_WRITE),
]

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{published}", "<int:workshop_id>")
    .replace("{draft}", "<int:workshop_id>")
    .replace("{published_case}", "<int:case_id>")
    .replace("{draft_case}", "<int:case_id>")
    .replace("{published_contribution}", "<int:contribution_id>")
    .replace("{draft_contribution}", "<int:contribution_id>")
    for _, url, _, _ in ROUTES
}


@pytest.fixture
def ids(db: Session, world: World) -> dict[str, int]:
    """A published and a draft workshop of the coalition, each with a case, an issue and a
    contribution: their ids, by the names the URLs of the table use."""
    found: dict[str, int] = {}
    for name, published in (("published", True), ("draft", False)):
        details = ws.WorkshopDetails(title=f"Atelier {name}", is_published=published)
        workshop = ws.create_workshop(db, world.coalition, details, by=None)
        case = ws.add_case(db, workshop, title="L'eau", scenario="", by=None)
        ws.add_issue(db, workshop, title="Fiabilité des données", question="", by=None)
        contribution = ws.record_contribution(
            db, workshop, case, kind="benefit", text="Moins de fuites", by=None
        )
        found |= {name: workshop.id, f"{name}_case": case.id}
        found[f"{name}_contribution"] = contribution.id
    return found


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_workshop_route_access_per_role(
    client: FlaskClient,
    world: World,
    ids: dict[str, int],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url.format(**ids), data, role, expected)
