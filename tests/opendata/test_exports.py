"""The open-data page and its CSV and JSON exports: public fields only, read as a spreadsheet."""

import csv
import io
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.auth.models import MembershipRole
from coalition.coalitions.models import Coalition, Lever
from coalition.core.audit import AuditEvent
from coalition.meetings.models import ActionReview, Meeting, MeetingStatus
from coalition.opendata.columns import DATASETS
from coalition.opendata.routes import bp
from coalition.resources.models import Resource, ResourceKind, ResourceStatus, Tag
from coalition.roadmap.models import Action, ActionStatus, Commitment, Horizon, Role
from tests import factories as f

EXPORTS = [(name, fmt) for name in DATASETS for fmt in ("csv", "json")]
FEEDS = ["resources.atom", "minutes.atom"]
_numbers = itertools.count(1)


@pytest.fixture
def app(app: Flask) -> Flask:
    """The open-data blueprint, whether or not create_app registers it yet."""
    if "opendata" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def resource(db: Session, coalition: Coalition, **fields: Any) -> Resource:
    obj = Resource(
        **{
            "coalition_id": coalition.id,
            "title": "Ressource",
            "url": f"https://example.org/r/{next(_numbers)}",
            "kind": ResourceKind.guide,
            "status": ResourceStatus.published,
            "published_at": datetime(2030, 1, 15, 10, tzinfo=UTC),
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def review(db: Session, meeting: Meeting, action: Action, **fields: Any) -> ActionReview:
    obj = ActionReview(
        **{
            "meeting_id": meeting.id,
            "action_id": action.id,
            "status": ActionStatus.in_progress,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


class Secrets:
    """What must never leave the coalition, whatever the export."""

    def __init__(self, db: Session) -> None:
        self.user = f.user(db, email="personne.secrete@example.org", name="NOM-UTILISATEUR")
        self.strings = [
            self.user.email,
            self.user.name,
            self.user.password_hash,
            self.user.session_token,
            "NOTE-PRIVEE",
            "ACTEUR-DISCRET",
            "RESSOURCE-NON-PUBLIEE",
            "MOTIF-DE-REFUS",
            "CR-NON-PUBLIE",
            "RAISON-INTERNE",
            "AUDIT-SECRET",
            "DESCRIPTION-INTERNE",
        ]


@pytest.fixture
def open_world(db: Session) -> Any:
    """A coalition with some of everything, public and private."""
    w = type("OpenWorld", (), {})()
    w.secrets = Secrets(db)
    c = w.coalition = f.coalition(db, slug="ouverte", name="Coalition ouverte")
    axis = f.axis(db, c, name="IA en démocratie")
    w.lever = f.lever(db, c, name="Médiation", description="Médiation numérique", position=1)
    w.other_lever = f.lever(db, c, name="Achat public", position=2)
    w.actor = f.actor(
        db,
        c,
        name="Acteur public",
        family=Family.research,
        kind=ActorKind.university,
        territory="Lyon",
        website="https://acteur.example.org",
        status=ActorStatus.member,
        is_partner=True,
        description="DESCRIPTION-INTERNE",
    )
    w.hidden = f.actor(db, c, name="ACTEUR-DISCRET", is_listed=False)
    w.gone = f.actor(db, c, name="Acteur parti", status=ActorStatus.left)
    w.formula = f.actor(db, c, name='=HYPERLINK("http://evil.example","clic")')
    f.membership(db, w.secrets.user, c, MembershipRole.member, w.actor)
    f.holding(db, w.actor, w.lever, capacity=3, note="Formations, ateliers")
    f.holding(db, w.hidden, w.other_lever, note="NOTE-PRIVEE de l'acteur discret")
    f.holding(db, w.gone, w.other_lever, capacity=1)
    objective = f.objective(db, c, title="Former 1000 médiateurs")
    w.action = f.action(
        db,
        c,
        title="Former les médiateurs",
        status=ActionStatus.in_progress,
        axis_id=axis.id,
        objective_id=objective.id,
        lead_actor_id=w.actor.id,
        horizon=Horizon.medium,
        target_date=date(2030, 6, 30),
        success_criteria="-50 % d'écart",
        status_reason="RAISON-INTERNE",
        proposed_by_id=w.secrets.user.id,
    )
    w.secret_led = f.action(db, c, title="Action discrète", lead_actor_id=w.hidden.id)
    f.commitment(db, w.actor, w.action, role=Role.lead, contribution="Deux formateurs")
    f.commitment(db, w.hidden, w.action, contribution="ACTEUR-DISCRET apporte")
    first = f.meeting(
        db,
        c,
        number=1,
        title="Rencontre de janvier",
        starts_at=datetime(2030, 1, 10, 13, tzinfo=UTC),
        place="Mairie",
        status=MeetingStatus.held,
        minutes="Compte rendu publié",
        minutes_published_at=datetime(2030, 1, 12, 8, tzinfo=UTC),
    )
    second = f.meeting(
        db,
        c,
        number=2,
        title="Rencontre de juillet",
        starts_at=datetime(2030, 7, 10, 12, tzinfo=UTC),
        online_url="https://visio.example.org/r2",
        status=MeetingStatus.held,
        minutes="CR-NON-PUBLIE",
    )
    review(db, second, w.action, progress=60, note="NOTE-PRIVEE", next_steps="Évaluer")
    review(db, first, w.action, progress=30, note="NOTE-PRIVEE 1", next_steps="Recruter")
    w.guide = resource(
        db,
        c,
        title="Guide de la médiation",
        summary="Pour commencer",
        language="fr",
        axis_id=axis.id,
        contributed_by_id=w.actor.id,
        submitted_by_id=w.secrets.user.id,
    )
    w.guide.levers = [w.other_lever, w.lever]
    w.guide.tags = [Tag(coalition_id=c.id, name="outils"), Tag(coalition_id=c.id, name="atelier")]
    resource(db, c, title="Étude discrète", contributed_by_id=w.hidden.id)
    resource(
        db, c, title="RESSOURCE-NON-PUBLIEE", status=ResourceStatus.submitted, published_at=None
    )
    resource(
        db,
        c,
        title="Refusée",
        status=ResourceStatus.rejected,
        rejection_reason="MOTIF-DE-REFUS",
        published_at=None,
    )
    db.add(
        AuditEvent(
            coalition_id=c.id,
            user_id=w.secrets.user.id,
            actor_id=w.actor.id,
            entity="actor",
            entity_id=w.actor.id,
            action="update",
            after={"note": "AUDIT-SECRET"},
        )
    )
    other = f.coalition(db)
    f.actor(db, other, name="Acteur d'ailleurs")
    db.flush()
    return w


def read_csv(client: FlaskClient, url: str) -> list[dict[str, str]]:
    """As a spreadsheet would: decode UTF-8, split lines, first one is the header."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_json(client: FlaskClient, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/json"
    data: list[dict[str, Any]] = json.loads(response.get_data())
    return data


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_csv_opens_as_a_spreadsheet_with_its_header(
    client: FlaskClient, open_world: Any, name: str
) -> None:
    response = client.get(f"/c/ouverte/data/{name}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="ouverte-{name}.csv"'
    raw = response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.split(b"\r\n")[0].decode() == ",".join(DATASETS[name].header)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == DATASETS[name].header
    assert len(rows) > 1, "the world has rows in every dataset"
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_json_is_a_list_of_objects_with_the_csv_keys(
    client: FlaskClient, open_world: Any, name: str
) -> None:
    response = client.get(f"/c/ouverte/data/{name}.json")
    assert response.headers["Content-Disposition"] == f'attachment; filename="ouverte-{name}.json"'
    data = read_json(client, f"/c/ouverte/data/{name}.json")
    assert data and all(list(item) == DATASETS[name].header for item in data)
    assert len(data) == len(read_csv(client, f"/c/ouverte/data/{name}.csv"))


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_nothing_private_appears_in_any_export_or_feed(
    client: FlaskClient, open_world: Any, role: str
) -> None:
    if role == "member":  # open data is the same for everyone, participants included
        f.log_in(client, open_world.secrets.user)
    urls = [f"/c/ouverte/data/{name}.{fmt}" for name, fmt in EXPORTS]
    urls += [f"/c/ouverte/{feed}" for feed in FEEDS]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in open_world.secrets.strings:
            assert secret not in body, (url, secret)
        assert "Acteur d'ailleurs" not in body, url
        assert "@" not in body.replace("@SUM", ""), url  # no email address at all


def test_actors(client: FlaskClient, open_world: Any) -> None:
    rows = {row["name"]: row for row in read_csv(client, "/c/ouverte/data/actors.csv")}
    assert set(rows) == {
        "Acteur public",
        "Acteur parti",  # those who left keep their history
        '\'=HYPERLINK("http://evil.example","clic")',
    }
    assert rows["Acteur public"] == {
        "id": str(open_world.actor.id),
        "name": "Acteur public",
        "family": "research",
        "kind": "university",
        "territory": "Lyon",
        "website": "https://acteur.example.org",
        "status": "member",
        "is_partner": "true",
    }
    assert rows["Acteur parti"]["status"] == "left"
    assert rows["Acteur parti"]["website"] == ""
    data = {item["name"]: item for item in read_json(client, "/c/ouverte/data/actors.json")}
    assert data["Acteur public"]["id"] == open_world.actor.id
    assert data["Acteur public"]["is_partner"] is True
    assert data["Acteur parti"]["website"] is None


def test_a_formula_comes_out_inert_in_csv_and_raw_in_json(
    client: FlaskClient, open_world: Any
) -> None:
    formula = '=HYPERLINK("http://evil.example","clic")'
    names = [row["name"] for row in read_csv(client, "/c/ouverte/data/actors.csv")]
    assert "'" + formula in names and formula not in names
    names = [item["name"] for item in read_json(client, "/c/ouverte/data/actors.json")]
    assert formula in names
    actions = read_csv(client, "/c/ouverte/data/actions.csv")
    criteria = {row["title"]: row["success_criteria"] for row in actions}
    assert criteria["Former les médiateurs"] == "'-50 % d'écart"


def test_levers_and_holdings(client: FlaskClient, open_world: Any) -> None:
    levers = read_csv(client, "/c/ouverte/data/levers.csv")
    assert [(row["name"], row["description"]) for row in levers] == [
        ("Médiation", "Médiation numérique"),
        ("Achat public", ""),
    ]
    assert [row["is_retired"] for row in levers] == ["false", "false"]
    holdings = read_csv(client, "/c/ouverte/data/holdings.csv")
    assert [(row["actor"], row["lever"], row["capacity"], row["note"]) for row in holdings] == [
        ("Acteur parti", "Achat public", "1", ""),
        ("Acteur public", "Médiation", "3", "Formations, ateliers"),
    ]
    assert holdings[1]["actor_id"] == str(open_world.actor.id)
    assert holdings[1]["lever_id"] == str(open_world.lever.id)


def test_a_retired_lever_stays_in_the_data_marked_retired(
    client: FlaskClient, open_world: Any, db: Session
) -> None:
    open_world.lever.retired_at = datetime(2026, 12, 1, tzinfo=UTC)
    db.flush()
    levers = {row["name"]: row for row in read_json(client, "/c/ouverte/data/levers.json")}
    assert levers["Médiation"]["is_retired"] is True
    assert levers["Achat public"]["is_retired"] is False


def test_actions_show_the_latest_review_and_only_a_listed_lead(
    client: FlaskClient, open_world: Any
) -> None:
    actions = {item["title"]: item for item in read_json(client, "/c/ouverte/data/actions.json")}
    assert actions["Former les médiateurs"] == {
        "id": open_world.action.id,
        "title": "Former les médiateurs",
        "status": "in_progress",
        "axis": "IA en démocratie",
        "objective": "Former 1000 médiateurs",
        "lead_actor_id": open_world.actor.id,
        "lead_actor": "Acteur public",
        "horizon": "medium",
        "target_date": "2030-06-30",
        "success_criteria": "-50 % d'écart",
        "progress": 60,  # July's review, recorded before January's
    }
    discreet = actions["Action discrète"]
    assert discreet["lead_actor_id"] is None and discreet["lead_actor"] is None
    assert discreet["progress"] is None and discreet["axis"] is None
    row = next(r for r in read_csv(client, "/c/ouverte/data/actions.csv") if r["progress"] == "")
    assert row["title"] == "Action discrète" and row["lead_actor"] == ""


def test_commitments_of_listed_actors_only(client: FlaskClient, open_world: Any) -> None:
    assert read_json(client, "/c/ouverte/data/commitments.json") == [
        {
            "actor_id": open_world.actor.id,
            "actor": "Acteur public",
            "action_id": open_world.action.id,
            "action": "Former les médiateurs",
            "role": "lead",
            "contribution": "Deux formateurs",
            "status": "pledged",
        }
    ]


def test_meetings_in_paris_time_with_published_minutes_only(
    client: FlaskClient, open_world: Any
) -> None:
    january, july = read_json(client, "/c/ouverte/data/meetings.json")
    assert january == {
        "number": 1,
        "title": "Rencontre de janvier",
        "starts_at": "2030-01-10T14:00:00+01:00",
        "ends_at": "2030-01-10T16:00:00+01:00",
        "place": "Mairie",
        "online_url": None,
        "status": "held",
        "minutes": "Compte rendu publié",
        "minutes_published_at": "2030-01-12T09:00:00+01:00",
    }
    assert july["starts_at"] == "2030-07-10T14:00:00+02:00"  # summer time
    assert july["online_url"] == "https://visio.example.org/r2"
    assert july["minutes"] == "" and july["minutes_published_at"] is None


def test_reviews_without_their_note(client: FlaskClient, open_world: Any) -> None:
    rows = read_csv(client, "/c/ouverte/data/reviews.csv")
    action_id = str(open_world.action.id)
    assert rows == [
        {
            "meeting_number": "1",
            "action_id": action_id,
            "status": "in_progress",
            "progress": "30",
            "next_steps": "Recruter",
        },
        {
            "meeting_number": "2",
            "action_id": action_id,
            "status": "in_progress",
            "progress": "60",
            "next_steps": "Évaluer",
        },
    ]


def test_published_resources_with_levers_tags_and_listed_contributor(
    client: FlaskClient, open_world: Any
) -> None:
    items = {item["title"]: item for item in read_json(client, "/c/ouverte/data/resources.json")}
    assert set(items) == {"Guide de la médiation", "Étude discrète"}
    assert items["Guide de la médiation"] == {
        "id": open_world.guide.id,
        "title": "Guide de la médiation",
        "url": open_world.guide.url,
        "kind": "guide",
        "summary": "Pour commencer",
        "language": "fr",
        "axis": "IA en démocratie",
        "levers": "Médiation; Achat public",  # in the coalition's lever order
        "tags": "atelier; outils",
        "contributed_by_id": open_world.actor.id,
        "contributed_by": "Acteur public",
        "published_at": "2030-01-15T11:00:00+01:00",
    }
    discreet = items["Étude discrète"]
    assert discreet["contributed_by"] is None and discreet["contributed_by_id"] is None
    assert discreet["levers"] == "" and discreet["tags"] == ""


def test_unknown_dataset_or_coalition_is_not_found(client: FlaskClient, open_world: Any) -> None:
    assert client.get("/c/ouverte/data/users.csv").status_code == 404
    assert client.get("/c/ouverte/data/audit.json").status_code == 404
    assert client.get("/c/ouverte/data/actors.xml").status_code == 404
    assert client.get("/c/inconnue/data/actors.csv").status_code == 404
    assert client.get("/c/inconnue/data").status_code == 404


def test_the_data_page_lists_every_dataset_and_its_columns(
    client: FlaskClient, open_world: Any
) -> None:
    response = client.get("/c/ouverte/data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = unescape(html)
    assert "<h1>Données ouvertes</h1>" in html
    for name, dataset in DATASETS.items():
        assert f'href="/c/ouverte/data/{name}.csv"' in html
        assert f'href="/c/ouverte/data/{name}.json"' in html
        assert f"<caption>Les colonnes du jeu « {dataset.title} »</caption>" in html
        for column in dataset.columns:
            assert f'<th scope="row"><code>{column.name}</code></th>' in html, (name, column)
            assert str(column.meaning) in text, (name, column.name)
    assert "<code>procurement</code> : Commande" in html  # codes come with their meaning
    assert 'href="/c/ouverte/resources.atom"' in html
    assert 'href="/c/ouverte/minutes.atom"' in html
    assert 'type="application/atom+xml"' in html


def populate(db: Session, coalition: Coalition, n: int) -> None:
    """n rows in every dataset, written in bulk."""
    levers = [Lever(coalition_id=coalition.id, name=f"L{i}", position=i) for i in range(5)]
    tags = [Tag(coalition_id=coalition.id, name=f"t{i}") for i in range(3)]
    db.add_all(levers + tags)
    db.flush()
    actors = [
        Actor(coalition_id=coalition.id, name=f"A{i}", family=Family.use, is_listed=i % 7 != 0)
        for i in range(n)
    ]
    actions = [Action(coalition_id=coalition.id, title=f"Act{i}") for i in range(n)]
    start = datetime(2030, 1, 1, 9, tzinfo=UTC)
    meetings = [
        Meeting(
            coalition_id=coalition.id,
            number=i + 1,
            title=f"M{i}",
            starts_at=start + timedelta(days=30 * i),
            ends_at=start + timedelta(days=30 * i, hours=2),
            minutes="cr",
            minutes_published_at=start + timedelta(days=30 * i + 1) if i % 2 else None,
        )
        for i in range(n)
    ]
    db.add_all(actors + actions + meetings)
    db.flush()
    for i, action in enumerate(actions):
        action.lead_actor_id = actors[i].id
    db.add_all(
        [
            Holding(actor_id=a.id, lever_id=levers[i % 5].id, capacity=2)
            for i, a in enumerate(actors)
        ]
        + [
            Commitment(actor_id=actors[i].id, action_id=actions[i].id, role=Role.contributor)
            for i in range(n)
        ]
        + [
            ActionReview(meeting_id=meetings[i].id, action_id=actions[i].id, status="committed")
            for i in range(n)
        ]
        + [
            Resource(
                coalition_id=coalition.id,
                title=f"R{i}",
                url=f"https://example.org/{coalition.slug}/{i}",
                kind=ResourceKind.tool,
                status=ResourceStatus.published,
                published_at=start + timedelta(hours=i),
                contributed_by_id=actors[i].id,
                levers=[levers[i % 5], levers[(i + 1) % 5]],
                tags=[tags[i % 3]],
            )
            for i in range(n)
        ]
    )
    db.flush()


def test_each_export_takes_a_fixed_number_of_statements(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    small, large = f.coalition(db, slug="petite"), f.coalition(db, slug="grande")
    populate(db, small, 10)
    populate(db, large, 300)
    urls = [f"/data/{name}.{fmt}" for name, fmt in EXPORTS] + [f"/{feed}" for feed in FEEDS]
    for url in urls:
        counts = []
        for slug in ("petite", "grande"):
            with count_queries() as counter:
                response = client.get(f"/c/{slug}{url}")
            assert response.status_code == 200, url
            counts.append(counter.count)
        assert counts[0] == counts[1] <= 4, (url, counts)
    assert len(read_csv(client, "/c/grande/data/resources.csv")) == 300
    assert len(read_json(client, "/c/grande/data/actors.json")) == 300 - 43  # unlisted: 1 in 7
