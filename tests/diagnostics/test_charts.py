"""Plotly figures as plain JSON, checked on hand-built matrices and graphs."""

import json
import math
from typing import Any

import networkx as nx
import pytest

from coalition.actors.colours import FAMILY_COLOURS
from coalition.diagnostics.charts import (
    NON_ACTOR_COLOURS,
    coverage_heatmap,
    network_figure,
)
from coalition.diagnostics.graph import (
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    CoverageMatrix,
    GraphData,
    Holder,
    HoldingRow,
    LeverRow,
    build_graph,
)
from tests.core.test_figures import valid

FAMILY_LABELS = {
    "research": "Research",
    "use": "Use",
    "supply": "Supply",
    "procurement": "Procurement",
}
TYPE_LABELS = {"actor": "Actor", "lever": "Lever", "action": "Action", "axis": "Axis"}
LEVER_NAMES = {30: "Data", 10: "Compute", 20: "Certification of very long names"}


def holder(actor_id: int, name: str) -> Holder:
    return Holder(actor_id=actor_id, name=name, capacity=1)


def hand_built_matrix() -> CoverageMatrix:
    """Procurement x Certification is empty; research x Data has two holders."""
    return {
        "research": {
            30: [holder(1, "Inria"), holder(2, "CNRS")],
            10: [holder(1, "Inria")],
            20: [holder(1, "Inria")],
        },
        "use": {30: [holder(3, "City")], 10: [], 20: [holder(3, "City")]},
        "supply": {30: [], 10: [holder(4, "Vendor")], 20: [holder(4, "Vendor")]},
        "procurement": {30: [holder(5, "Buyer")], 10: [holder(5, "Buyer")], 20: []},
    }


def heatmap() -> dict[str, Any]:
    return coverage_heatmap(
        hand_built_matrix(),
        LEVER_NAMES,
        FAMILY_LABELS,
        title="Who holds which lever",
        holders_label="Holders",
    )


def test_heatmap_is_one_heatmap_trace() -> None:
    figure = heatmap()

    assert [trace["type"] for trace in figure["data"]] == ["heatmap"]


def test_heatmap_axes_follow_lever_and_family_order() -> None:
    trace = heatmap()["data"][0]

    assert trace["x"] == ["Data", "Compute", "Certification of very long names"]
    assert trace["y"] == ["Research", "Use", "Supply", "Procurement"]


def test_heatmap_counts_holders_per_cell() -> None:
    trace = heatmap()["data"][0]

    assert trace["z"] == [[2, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 0]]
    assert trace["texttemplate"] == "%{z}"


def test_heatmap_hover_lists_the_holders_names() -> None:
    trace = heatmap()["data"][0]

    assert trace["customdata"][0][0] == "Inria, CNRS"
    assert trace["customdata"][3][2] == "—"
    assert "%{customdata}" in trace["hovertemplate"]


def test_heatmap_starts_white_and_labels_its_colour_bar() -> None:
    figure = heatmap()
    trace = figure["data"][0]

    assert trace["colorscale"][0] == [0.0, "#ffffff"]
    assert trace["zmin"] == 0
    assert trace["colorbar"]["title"]["text"] == "Holders"
    assert figure["layout"]["title"]["text"] == "Who holds which lever"
    assert figure["layout"]["xaxis"]["automargin"] is True
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"


def test_heatmap_escapes_names_and_survives_json() -> None:
    matrix: CoverageMatrix = {"research": {30: [holder(1, "R&D <lab>")]}}

    figure = coverage_heatmap(matrix, LEVER_NAMES, FAMILY_LABELS, title="t", holders_label="h")

    assert figure["data"][0]["customdata"][0] == ["R&amp;D &lt;lab&gt;"]
    assert figure["data"][0]["z"] == [[1], [0], [0], [0]]
    assert json.loads(json.dumps(figure)) == figure


def network_data() -> GraphData:
    """Two research actors, one use actor, one lever, two actions, one axis, one loner."""
    return GraphData(
        actors=[
            ActorRow(id=1, name="R&D <lab>", family="research", kind="organisation"),
            ActorRow(id=2, name="CNRS", family="research", kind="organisation"),
            ActorRow(id=3, name="City", family="use", kind="organisation"),
            ActorRow(id=4, name="Loner", family="use", kind="person"),
        ],
        levers=[LeverRow(id=1, name="Data")],
        axes=[AxisRow(id=1, name="Trust")],
        actions=[
            ActionRow(id=1, title="Pilot", status="open", axis_id=1, lever_ids=(1,)),
            ActionRow(id=2, title="Survey", status="open", axis_id=None, lever_ids=()),
        ],
        holdings=[HoldingRow(actor_id=1, lever_id=1, capacity=2)],
        commitments=[
            CommitmentRow(actor_id=1, action_id=1, role="lead"),
            CommitmentRow(actor_id=2, action_id=1, role="contributor"),
            CommitmentRow(actor_id=3, action_id=1, role="contributor"),
            CommitmentRow(actor_id=1, action_id=2, role="lead"),
        ],
    )


def network() -> dict[str, Any]:
    return network_figure(build_graph(network_data()), FAMILY_LABELS, TYPE_LABELS)


def node_traces(figure: dict[str, Any]) -> list[dict[str, Any]]:
    return [trace for trace in figure["data"] if trace["mode"] == "markers"]


def test_network_starts_with_one_grey_edge_trace() -> None:
    edges = network()["data"][0]

    assert edges["type"] == "scatter"
    assert edges["mode"] == "lines"
    assert edges["hoverinfo"] == "none"
    assert edges["showlegend"] is False
    assert len(edges["x"]) == 3 * build_graph(network_data()).number_of_edges()


def test_network_has_one_trace_per_family_and_node_type_present() -> None:
    traces = node_traces(network())

    assert [trace["name"] for trace in traces] == ["Research", "Use", "Lever", "Action", "Axis"]
    assert [len(trace["customdata"]) for trace in traces] == [2, 2, 1, 2, 1]
    assert traces[0]["marker"]["color"] == FAMILY_COLOURS["research"]
    assert traces[3]["marker"]["color"] == NON_ACTOR_COLOURS["action"]
    assert [trace["marker"]["symbol"] for trace in traces[2:]] == [
        "square",
        "diamond",
        "triangle-up",
    ]


def marker_sizes(figure: dict[str, Any]) -> dict[str, float]:
    return {
        node: size
        for trace in node_traces(figure)
        for node, size in zip(trace["customdata"], trace["marker"]["size"], strict=True)
    }


def test_network_marker_size_grows_with_degree() -> None:
    sizes = marker_sizes(network())

    assert sizes["actor:4"] == 8
    assert sizes["actor:2"] == pytest.approx(8 + 3)
    assert sizes["actor:1"] == pytest.approx(8 + 3 * math.sqrt(3), abs=0.01)
    assert sizes["action:1"] == pytest.approx(8 + 3 * math.sqrt(5), abs=0.01)


def test_network_hover_names_the_node_escaped() -> None:
    research = node_traces(network())[0]

    assert research["customdata"] == ["actor:1", "actor:2"]
    assert research["hovertext"][0] == "R&amp;D &lt;lab&gt;<br>Research<br>links: 3"
    assert research["hoverinfo"] == "text"


def test_network_layout_hides_axes() -> None:
    layout = network()["layout"]

    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["showgrid"] is False
        assert layout[axis]["zeroline"] is False
        assert layout[axis]["showticklabels"] is False
    assert layout["showlegend"] is True
    assert layout["hovermode"] == "closest"
    assert layout["height"] == 600


def test_network_positions_depend_only_on_the_seed() -> None:
    graph = build_graph(network_data())

    first = network_figure(graph, FAMILY_LABELS, TYPE_LABELS, seed=3)
    again = network_figure(graph, FAMILY_LABELS, TYPE_LABELS, seed=3)
    other = network_figure(graph, FAMILY_LABELS, TYPE_LABELS, seed=4)

    assert first == again
    assert first["data"][1]["x"] != other["data"][1]["x"]


def test_network_is_plain_json() -> None:
    figure = network()

    assert json.loads(json.dumps(figure)) == figure
    assert all(isinstance(x, float) for x in node_traces(figure)[0]["x"])


def test_network_of_an_empty_graph_has_no_traces() -> None:
    figure = network_figure(nx.Graph(), FAMILY_LABELS, TYPE_LABELS)

    assert figure["data"] == []
    assert figure["layout"]["height"] == 600


def test_network_of_a_large_graph_uses_fewer_iterations(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    spring_layout = nx.spring_layout

    def recording_layout(graph: nx.Graph, **options: Any) -> Any:
        calls.append(options)
        return spring_layout(graph, **options)

    monkeypatch.setattr(nx, "spring_layout", recording_layout)
    small = nx.path_graph([f"actor:{n}" for n in range(3)])
    large = nx.path_graph([f"actor:{n}" for n in range(301)])

    network_figure(small, FAMILY_LABELS, TYPE_LABELS)
    network_figure(large, FAMILY_LABELS, TYPE_LABELS)

    assert calls == [{"seed": 42}, {"seed": 42, "iterations": 30}]


def test_large_graphs_get_a_fast_shell_layout() -> None:
    from coalition.diagnostics import charts

    graph = nx.Graph()
    for n in range(charts.SHELL_LAYOUT_ABOVE + 1):
        graph.add_node(f"actor:{n}", type="actor", label=f"A{n}", family="use", kind="other")
    graph.add_node("lever:1", type="lever", label="L", family="")
    positions = charts._layout(graph, seed=1)
    assert positions["lever:1"] == (0.0, 0.0) or abs(positions["lever:1"][0]) < 0.5
    radii = {
        round((x * x + y * y) ** 0.5, 2) for node, (x, y) in positions.items() if node != "lever:1"
    }
    assert len(radii) == 1  # every actor on the same outer circle


def test_the_figures_are_valid_for_plotly() -> None:
    for figure in (heatmap(), network(), network_figure(nx.Graph(), FAMILY_LABELS, TYPE_LABELS)):
        valid(figure)  # raises on any property or value plotly's schema refuses
