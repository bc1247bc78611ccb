"""Every route, for every role: who may see or do it, who is sent to log in, who is refused."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.web import assets
from tests import factories as f
from tests.actors import test_import_permissions as import_permissions
from tests.admin import test_permissions as admin_permissions
from tests.auth import test_account_permissions as account_permissions
from tests.charter import test_permissions as charter_permissions
from tests.conftest import ROLES, World, post_form
from tests.consultations import test_kit_permissions as kit_permissions
from tests.consultations import test_network_permissions as network_permissions
from tests.consultations import test_permissions as consultation_permissions
from tests.consultations import test_stall_code as stall_code_permissions
from tests.consultations import test_stall_import as stall_import_permissions
from tests.framing import test_framing_permissions as framing_permissions
from tests.notices import test_permissions as notices_permissions
from tests.panels import test_permissions as panel_permissions
from tests.people import test_permissions as people_permissions
from tests.recommendations import test_permissions as recommendation_permissions
from tests.register import test_exports_permissions as register_data_permissions
from tests.register import test_permissions as register_permissions
from tests.signups import test_permissions as signups_permissions
from tests.web import test_permissions as web_permissions
from tests.workshops import test_permissions as workshop_permissions

ALL = [200] * 6
#            anonymous, member, other member, facilitator, other facilitator, admin
EDITORS = [302, 302, 403, 302, 403, 302]  # a POST that succeeds redirects
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # facilitators' writes
PARTICIPANTS = [302, 200, 200, 200, 403, 200]
NOT_PUBLISHED = [404] * 6  # a diagnostic that is not published does not exist for anyone
C = "/c/ma-coalition"
A = C + "/actors/{actor}"
M = C + "/meetings/{meeting}"

# (method, url, form data, expected status per role); 302 for the anonymous means "log in first"
ROUTES = [
    ("GET", "/", None, ALL),
    ("GET", C + "/", None, ALL),
    ("GET", C + "/actors", None, ALL),
    ("GET", A, None, ALL),
    ("GET", C + "/my-organisation", None, [302, 302, 302, 302, 403, 302]),
    ("GET", A + "/manage", None, [302, 200, 403, 200, 403, 200]),
    ("POST", A + "/holdings", {"add-lever": "{other_lever}", "add-capacity": "2"}, EDITORS),
    (
        "POST",
        A + "/holdings/{holding}",
        {"h{holding}-capacity": "3", "h{holding}-version": "1"},
        EDITORS,
    ),
    ("POST", A + "/holdings/{holding}/remove", {"h{holding}-version": "1"}, EDITORS),
    (
        "POST",
        A + "/commitments",
        {"commit-action": "{other_action}", "commit-role": "expert"},
        EDITORS,
    ),
    (
        "POST",
        A + "/commitments/{commitment}",
        {
            "c{commitment}-role": "lead",
            "c{commitment}-status": "active",
            "c{commitment}-version": "1",
        },
        EDITORS,
    ),
    (
        "POST",
        A + "/commitments/{commitment}/withdraw",
        {"c{commitment}-version": "1"},
        EDITORS,
    ),
    ("GET", C + "/actors/new", None, FACILITATORS),
    (
        "POST",
        C + "/actors/new",
        {"name": "Nouvel acteur", "family": "use", "kind": "other", "status": "member"},
        [302, 403, 403, 302, 403, 302],
    ),
    ("GET", A + "/edit", None, FACILITATORS),
    (
        "POST",
        A + "/edit",
        {"name": "Acteur A2", "family": "use", "kind": "other", "status": "member", "version": "1"},
        [302, 403, 403, 302, 403, 302],
    ),
    ("GET", C + "/levers", None, ALL),
    ("GET", C + "/graph", None, ALL),
    ("GET", C + "/graph.gexf", None, ALL),
    ("GET", C + "/graph.graphml", None, ALL),
    ("GET", C + "/graph.json", None, ALL),
    ("GET", C + "/roadmap", None, ALL),
    ("GET", C + "/roadmap/timeline", None, ALL),
    ("GET", C + "/actions/{action}", None, ALL),
    ("GET", C + "/actions/new", None, [302, 200, 200, 200, 403, 200]),
    (
        "POST",
        C + "/actions/new",
        {"title": "Nouvelle action", "horizon": "short", "status": "committed"},
        [302, 302, 302, 302, 403, 302],
    ),
    ("GET", C + "/actions/{action}/edit", None, FACILITATORS),
    (
        "POST",
        C + "/actions/{action}/edit",
        {"title": "Action 1 bis", "horizon": "short", "status": "committed", "version": "1"},
        MANAGERS,
    ),
    ("POST", C + "/actions/{action}/decide", {"decision": "accept", "version": "1"}, MANAGERS),
    ("GET", C + "/objectives", None, ALL),
    ("GET", C + "/objectives/new", None, FACILITATORS),
    (
        "POST",
        C + "/objectives/new",
        {"title": "Nouvel objectif", "horizon": "short", "status": "open"},
        MANAGERS,
    ),
    ("GET", C + "/objectives/{objective}/edit", None, FACILITATORS),
    (
        "POST",
        C + "/objectives/{objective}/edit",
        {"title": "Objectif 1 bis", "horizon": "medium", "status": "open", "version": "1"},
        MANAGERS,
    ),
    ("GET", C + "/meetings", None, ALL),
    ("GET", C + "/meetings.ics", None, ALL),
    ("GET", M + ".ics", None, ALL),
    ("GET", M, None, ALL),
    ("GET", C + "/meetings/new", None, FACILITATORS),
    (
        "POST",
        C + "/meetings/new",
        {"mode": "single", "day": "2030-03-01", "start_time": "14:00", "end_time": "16:00"},
        MANAGERS,
    ),
    ("GET", M + "/edit", None, FACILITATORS),
    (
        "POST",
        M + "/edit",
        {
            "title": "R",
            "day": "2030-02-01",
            "start_time": "10:00",
            "end_time": "12:00",
            "status": "planned",
            "version": "1",
        },
        MANAGERS,
    ),
    ("POST", M + "/cancel", {"version": "1"}, MANAGERS),
    ("POST", M + "/agenda", {"agenda-title": "Point", "agenda-duration_minutes": "10"}, MANAGERS),
    ("POST", M + "/agenda/{item}/remove", {}, MANAGERS),
    ("POST", M + "/agenda/{item}/move", {"direction": "up"}, MANAGERS),
    ("POST", M + "/attendance", {"presence-{actor}": "present"}, MANAGERS),
    ("POST", M + "/minutes", {"minutes-minutes": "CR", "minutes-version": "1"}, MANAGERS),
    ("POST", M + "/decisions", {"decision-text": "Oui"}, MANAGERS),
    ("POST", M + "/decisions/{decision}/remove", {}, MANAGERS),
    ("GET", M + "/reviews/{action}", None, FACILITATORS),
    ("POST", M + "/reviews/{action}", {"status": "committed", "progress": "10"}, MANAGERS),
    ("GET", C + "/attendance", None, [302, 200, 200, 200, 403, 200]),
    ("GET", M + "/prepare", None, FACILITATORS),
    ("POST", M + "/diagnostic/entries", {"column": "works", "text": "Ça marche"}, MANAGERS),
    ("POST", M + "/diagnostic/entries/{entry}", {"text": "Autre", "version": "1"}, MANAGERS),
    ("POST", M + "/diagnostic/entries/{entry}/remove", {}, MANAGERS),
    (
        "POST",
        M + "/diagnostic/columns",
        {"column": "hard", "entry-{entry}-text": "Autre", "entry-{entry}-version": "1"},
        MANAGERS,
    ),
    ("POST", M + "/diagnostic/start", {}, [302, 403, 403, 400, 403, 400]),  # it has items
    ("POST", M + "/diagnostic/suggest", {"title": "Point"}, MANAGERS),
    ("POST", M + "/diagnostic/publish", {}, MANAGERS),
    ("GET", M + "/diagnostic", None, NOT_PUBLISHED),
    ("GET", M + "/diagnostic.md", None, NOT_PUBLISHED),
    ("GET", M + "/diagnostic.json", None, NOT_PUBLISHED),
    ("GET", M + "/diagnostic/print", None, NOT_PUBLISHED),
    ("GET", C + "/diagnostics", None, ALL),
    ("GET", C + "/diagnostics/compare", None, [400] * 6),
    ("GET", C + "/resources", None, ALL),
    ("GET", C + "/tags/{tag}", None, ALL),
    ("GET", C + "/resources/{resource}", None, ALL),
    ("GET", C + "/resources/new", None, PARTICIPANTS),
    (
        "POST",
        C + "/resources/new",
        {"title": "Guide", "url": "https://example.org/guide", "kind": "guide", "language": "fr"},
        [302, 302, 302, 302, 403, 302],
    ),
    (
        "POST",
        C + "/resources/{resource}/moderate",
        {"decision": "reject", "reason": "Hors sujet", "version": "1"},
        MANAGERS,
    ),
    ("GET", C + "/resources/pending", None, FACILITATORS),
    ("GET", C + "/resources/mine", None, PARTICIPANTS),
    ("GET", C + "/data", None, ALL),
    ("GET", C + "/data/{dataset}.csv", None, ALL),
    ("GET", C + "/data/{dataset}.json", None, ALL),
    ("GET", C + "/resources.atom", None, ALL),
    ("GET", C + "/minutes.atom", None, ALL),
    ("GET", "/login", None, ALL),
    ("GET", "/healthz", None, ALL),
    ("GET", "/account/password", None, [302, 200, 200, 200, 200, 200]),
    ("POST", "/language", {"lang": "en", "next": "/"}, [302] * 6),
    ("POST", "/logout", {}, [302] * 6),
    ("GET", f"/assets/plotly-{assets.PLOTLY_VERSION}.min.js", None, ALL),
    ("GET", f"/assets/plotly-{assets.PLOTLY_VERSION}.css", None, ALL),
]


@pytest.fixture
def world(db: Session) -> World:
    """The shared world, with a meeting that has an agenda item and a decision."""
    from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
    from coalition.meetings.models import AgendaItem, Decision
    from coalition.resources.models import Resource, ResourceKind, ResourceStatus

    world = World(db)
    world.meeting = f.meeting(db, world.coalition)
    world.item = AgendaItem(meeting_id=world.meeting.id, title="Point")
    world.decision = Decision(meeting_id=world.meeting.id, text="Décision")
    world.entry = DiagnosticEntry(
        coalition_id=world.coalition.id,
        meeting_id=world.meeting.id,
        column=DiagnosticColumn.hard,
        text="Difficile",
    )
    world.resource = Resource(
        coalition_id=world.coalition.id,
        title="Ressource",
        url="https://example.org/ressource",
        kind=ResourceKind.guide,
        status=ResourceStatus.published,
    )
    db.add_all([world.item, world.decision, world.entry, world.resource])
    db.flush()
    return world


def fill(template: str, world: World) -> str:
    return template.format(
        meeting=world.meeting.id,
        item=world.item.id,
        decision=world.decision.id,
        entry=world.entry.id,
        resource=world.resource.id,
        tag="charte",
        dataset="actors",
        action=world.action.id,
        objective=world.objective.id,
        actor=world.actor.id,
        holding=world.holding.id,
        commitment=world.commitment.id,
        other_lever=world.other_lever.id,
        other_action=world.other_action.id,
    )


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
    url = fill(url, world)
    if method == "GET":
        response = client.get(url)
    else:
        form = {fill(k, world): fill(v, world) for k, v in (data or {}).items()}
        response = post_form(client, url, form, form_url="/")
    assert response.status_code == expected[ROLES.index(role)], response.get_data(as_text=True)
    if role == "anonymous" and response.status_code == 302 and url.startswith(C):
        location = response.headers["Location"]
        assert location.startswith("/login"), location
        if method == "POST":
            assert "next=" not in location  # a form cannot be reached again by a GET


def test_every_route_is_in_the_permission_table(app: Flask) -> None:
    covered = {
        url.replace("/c/ma-coalition", "/c/<slug>")
        .replace("{actor}", "<int:actor_id>")
        .replace("{holding}", "<int:holding_id>")
        .replace("{commitment}", "<int:commitment_id>")
        .replace("{meeting}", "<int:meeting_id>")
        .replace("{item}", "<int:item_id>")
        .replace("{decision}", "<int:decision_id>")
        .replace("{entry}", "<int:entry_id>")
        .replace("{resource}", "<int:resource_id>")
        .replace("{tag}", "<tag>")
        .replace("{dataset}", "<dataset>")
        .replace("{action}", "<int:action_id>")
        .replace("{objective}", "<int:objective_id>")
        for _, url, _, _ in ROUTES
    }
    covered |= consultation_permissions.RULES | workshop_permissions.RULES
    for table in (
        account_permissions,
        admin_permissions,
        charter_permissions,
        framing_permissions,
        import_permissions,
        kit_permissions,
        network_permissions,
        notices_permissions,
        panel_permissions,
        people_permissions,
        recommendation_permissions,
        register_data_permissions,
        register_permissions,
        signups_permissions,
        stall_code_permissions,
        stall_import_permissions,
        web_permissions,
    ):
        covered |= table.RULES
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert rules == covered


def test_an_unlisted_actor_is_hidden_from_the_public(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.actor.is_listed = False
    db.flush()
    url = f"{C}/actors/{world.actor.id}"
    assert client.get(url).status_code == 404
    world.log_in(client, "other_member")
    assert client.get(url).status_code == 200


def test_an_actor_of_another_coalition_is_not_found(client: FlaskClient, world: World, db) -> None:  # type: ignore[no-untyped-def]
    from tests import factories as f

    stranger = f.actor(db, world.other_coalition)
    world.log_in(client, "admin")
    assert client.get(f"{C}/actors/{stranger.id}").status_code == 404
    assert client.get(f"{C}/actors/{stranger.id}/manage").status_code == 404
    assert client.get(f"{C}/actors/999999").status_code == 404


def test_a_view_that_forgets_its_permission_check_is_caught(own_app: Flask) -> None:
    @own_app.get("/oubli")
    def forgot() -> str:
        return "ok"

    with pytest.raises(RuntimeError, match="never called require"):
        own_app.test_client().get("/oubli")
