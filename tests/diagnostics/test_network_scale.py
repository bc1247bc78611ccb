"""The network page, the levers page and the diagnostic pages of a large coalition: a summary
by default, light pages, the same brokers as networkx computes."""

import random
from pathlib import Path

import networkx as nx
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.diagnostics import snapshots, summary
from coalition.diagnostics.charts import summary_figure
from coalition.diagnostics.graph import (
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    GraphData,
    HoldingRow,
    LeverRow,
    betweenness,
    build_graph,
)
from coalition.seed.generate import generate_coalition
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from tests.core.test_figures import valid

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"
MB = 1_000_000


@pytest.mark.parametrize("case", range(12))
def test_betweenness_is_networkx_s_to_the_last_digit(case: int) -> None:
    rng = random.Random(case)
    graph = nx.gnm_random_graph(rng.randint(3, 200), rng.randint(0, 300), seed=case)
    graph = nx.relabel_nodes(graph, {n: f"actor:{n}" for n in graph})
    for k in (k for k in (None, 2, 25, len(graph)) if k is None or k <= len(graph)):
        expected = nx.betweenness_centrality(graph, k=k, normalized=True, seed=42)
        assert betweenness(graph, k=k, seed=42) == pytest.approx(expected, rel=0, abs=0)


def small_graph() -> nx.Graph:
    return build_graph(
        GraphData(
            actors=[
                ActorRow(1, "Inria", "research", "research_body"),
                ActorRow(2, "CNRS", "research", "research_body"),
                ActorRow(3, "Ville", "procurement", "local_authority"),
            ],
            levers=[LeverRow(10, "Données"), LeverRow(20, "Achat")],
            axes=[AxisRow(7, "Sobriété")],
            actions=[
                ActionRow(100, "Atelier", "committed", 7, (10, 20)),
                ActionRow(101, "Guide", "proposed", None, (10,)),
            ],
            holdings=[HoldingRow(1, 10, 3), HoldingRow(2, 10, 1), HoldingRow(3, 20, 2)],
            commitments=[CommitmentRow(1, 100, "lead"), CommitmentRow(3, 100, "partner")],
        )
    )


def test_summary_counts_families_levers_and_axes() -> None:
    counted = summary.summarise(small_graph())
    assert counted.families == ["research", "procurement"]
    assert counted.actors == {"research": 2, "procurement": 1}
    assert counted.holders == {("research", "lever:10"): 2, ("procurement", "lever:20"): 1}
    assert counted.actions == {"lever:10": 2, "lever:20": 1, "axis:7": 1}
    assert counted.commitments == {("research", "axis:7"): 1, ("procurement", "axis:7"): 1}
    assert counted.flows == {("lever:10", "axis:7"): 1, ("lever:20", "axis:7"): 1}
    assert counted.node_types == {"actor": 3, "lever": 2, "action": 2, "axis": 1}
    graph = summary.summary_graph(counted)
    assert graph.number_of_nodes() == 5
    assert graph.edges["family:research", "lever:10"]["weight"] == 2


def test_summary_figure_is_valid_plotly() -> None:
    graph = summary.summary_graph(summary.summarise(small_graph()))
    figure = summary_figure(
        graph,
        {"research": "Research", "procurement": "Procurement"},
        {"actor": "Actor", "lever": "Lever", "action": "Action", "axis": "Axis"},
        count_labels={"family": "actors", "lever": "actions", "axis": "actions"},
        weight_labels={"holds": "holders", "uses": "actions"},
    )
    valid(figure)
    named = [trace["name"] for trace in figure["data"] if "name" in trace]
    assert named == ["Research", "Procurement", "Lever", "Axis"]


def test_for_page_keeps_the_first_timeline_actions_only() -> None:
    actions = [[i, f"Action {i:04}", "committed"] for i in range(120)]
    data = {"timeline": {"meetings": [[1, 1, "2030-01-01", "R"]], "actions": actions,
                         "cells": [[i, 1, "committed", 10] for i in range(120)]}}  # fmt: skip
    shown, total = snapshots.for_page(data)
    assert total == 120
    assert len(shown["timeline"]["actions"]) == snapshots.TIMELINE_ACTIONS_SHOWN
    assert {cell[0] for cell in shown["timeline"]["cells"]} == set(range(50))
    assert len(data["timeline"]["actions"]) == 120  # the stored data is left whole
    small = {"timeline": {"meetings": [], "actions": actions[:3], "cells": []}}
    assert snapshots.for_page(small) == (small, None)


@pytest.fixture
def demo(db: Session) -> str:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    db.flush()
    return coalition.slug


def test_the_demo_keeps_its_full_drawing(client: FlaskClient, demo: str) -> None:
    html = client.get(f"/c/{demo}/graph").get_data(as_text=True)
    assert 'id="network-caption"' in html and "Vue d&#39;ensemble" not in html
    summary_page = client.get(f"/c/{demo}/graph?view=summary").get_data(as_text=True)
    assert 'id="summary-caption"' in summary_page


@pytest.mark.parametrize("query", ["view=abc", "view=", "view=full&lever=abc"])
def test_a_bad_view_is_a_400_or_ignored(client: FlaskClient, demo: str, query: str) -> None:
    status = client.get(f"/c/{demo}/graph?{query}").status_code
    assert status == (200 if query == "view=" else 400)


@pytest.fixture
def large(db: Session) -> str:
    """2,500 actors, 500 actions: past FULL_DRAWING_LIMIT nodes."""
    coalition = generate_coalition(db, slug="grande", actors=2500, actions=500, meetings=4)
    db.flush()
    return coalition.slug


def test_a_large_network_is_summarised_with_the_full_graph_one_click_away(
    client: FlaskClient, large: str
) -> None:
    response = client.get(f"/c/{large}/graph")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.get_data()) < MB
    assert 'id="summary-caption"' in html and 'id="network-caption"' not in html
    assert f'href="/c/{large}/graph?view=full"' in html
    assert "éléments" in html and "/graph.gexf" in html
    full = client.get(f"/c/{large}/graph?view=full")
    text = full.get_data(as_text=True)
    assert full.status_code == 200 and len(full.get_data()) < MB
    assert 'id="full-size"' in text and "Gephi" in text and 'id="network-chart"' not in text


def test_large_pages_stay_under_a_megabyte(client: FlaskClient, large: str) -> None:
    for page in ("levers", "graph?view=summary&family=use"):
        response = client.get(f"/c/{large}/{page}")
        assert response.status_code == 200 and len(response.get_data()) < MB, page


def test_the_network_page_issues_the_same_statements_whatever_the_view(
    client: FlaskClient, demo: str, large: str, count_queries
) -> None:  # type: ignore[no-untyped-def]
    def statements(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return int(counter.count)

    small = statements(f"/c/{demo}/graph")
    assert statements(f"/c/{large}/graph") == small
    assert statements(f"/c/{large}/graph?view=full") == small
