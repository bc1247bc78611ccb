"""The graph exports open in the tools people use (Gephi reads GEXF, yEd GraphML)."""

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from tests import factories as f

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"


@pytest.fixture
def demo(db: Session) -> str:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    db.flush()
    return coalition.slug


def test_gexf_holds_every_actor_with_its_family(
    client: FlaskClient, db: Session, demo: str
) -> None:
    response = client.get(f"/c/{demo}/graph.gexf")
    assert response.status_code == 200
    assert 'filename="ia-responsable.gexf"' in response.headers["Content-Disposition"]
    graph = nx.read_gexf(io.BytesIO(response.get_data()))
    actors = {data["label"]: data for _, data in graph.nodes(data=True) if data["type"] == "actor"}
    assert set(actors) == set(db.scalars(select(Actor.name)))
    assert actors["Epitech"]["family"] == "research"
    levers = [n for n, data in graph.nodes(data=True) if data["type"] == "lever"]
    assert len(levers) == 5
    holds = [e for e in graph.edges(data=True) if e[2]["relation"] == "holds"]
    assert len(holds) == 15


def test_graphml_and_json(client: FlaskClient, db: Session, demo: str) -> None:
    graphml = nx.read_graphml(io.BytesIO(client.get(f"/c/{demo}/graph.graphml").get_data()))
    assert sum(1 for _, d in graphml.nodes(data=True) if d["type"] == "actor") == 39
    data = json.loads(client.get(f"/c/{demo}/graph.json").get_data())
    graph = nx.node_link_graph(data, edges="links")
    assert graph.number_of_nodes() == graphml.number_of_nodes()
    assert {"type", "label", "family"} <= set(
        graph.nodes["actor:" + str(db.scalar(select(Actor.id).where(Actor.name == "CNIL")))]
    )


def test_exports_leave_out_unlisted_actors_for_the_public(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db)
    f.actor(db, coalition, name="Public")
    f.actor(db, coalition, name="Discret", is_listed=False)
    graph = nx.read_gexf(io.BytesIO(client.get(f"/c/{coalition.slug}/graph.gexf").get_data()))
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert "Public" in labels and "Discret" not in labels


def test_network_page_filters(client: FlaskClient, db: Session, demo: str) -> None:
    html = client.get(f"/c/{demo}/graph?family=supply").get_data(as_text=True)
    assert "Orange" in html and "Epitech" not in html
    assert client.get(f"/c/{demo}/graph?family=martians").status_code == 400
    assert client.get(f"/c/{demo}/graph?lever=abc").status_code == 400


def test_unlisted_and_departed_actors_stay_out_of_every_public_view(
    client: FlaskClient, db: Session
) -> None:
    from coalition.actors.models import ActorStatus
    from coalition.auth.models import MembershipRole

    coalition = f.coalition(db)
    lever = f.lever(db, coalition, name="Former")
    shown = f.actor(db, coalition, name="Visible", is_partner=True)
    hidden = f.actor(db, coalition, name="Discret", is_listed=False, is_partner=True)
    gone = f.actor(db, coalition, name="Parti", status=ActorStatus.left)
    for actor in (shown, hidden, gone):
        f.holding(db, actor, lever)
    base = f"/c/{coalition.slug}"
    for url in ("/", "/levers", "/graph", "/graph.graphml", "/graph.json", "/graph.gexf"):
        body = client.get(base + url).get_data(as_text=True)
        assert "Visible" in body, url
        assert "Discret" not in body and "Parti" not in body, url
    member = f.user(db)
    f.membership(db, member, coalition, MembershipRole.member, shown)
    f.log_in(client, member)
    for url in ("/levers", "/graph.json", "/actors"):
        body = client.get(base + url).get_data(as_text=True)
        assert "Discret" in body and "Parti" not in body, url  # participants see opted-out ones
