"""The coalition graph summarised for large coalitions: families, levers and axes as nodes.

Pure functions: no database, no Flask. Above SUMMARY_ABOVE nodes a drawing of every actor is
no longer readable (nor light enough to send); the network page then draws this summary by
default, the whole graph one link away (and in the GEXF, GraphML and JSON exports).
"""

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from coalition.diagnostics.graph import FAMILIES

SUMMARY_ABOVE = 600  # nodes: where the force-directed layout gives way to shells (charts.py)
FULL_DRAWING_LIMIT = 2000  # nodes: above, the full view offers the exports instead of a drawing
COMMUNITIES_SHOWN = 10
MEMBERS_SHOWN = 8


@dataclass(frozen=True)
class Summary:
    """Counts of the graph by family, lever and axis.

    actors: family -> actors; actions: lever or axis node -> actions that use or serve it;
    holders: (family, lever node) -> actors of the family holding the lever;
    commitments: (family, axis node) -> commitments of the family's actors to actions of the
    axis; flows: (lever node, axis node) -> actions using the lever and serving the axis."""

    families: list[str]
    levers: list[tuple[str, str]]
    axes: list[tuple[str, str]]
    actors: dict[str, int]
    actions: dict[str, int]
    holders: dict[tuple[str, str], int]
    commitments: dict[tuple[str, str], int]
    flows: dict[tuple[str, str], int]
    node_types: dict[str, int]
    edges: int


def summarise(graph: nx.Graph) -> Summary:
    actors: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    holders: Counter[tuple[str, str]] = Counter()
    commitments: Counter[tuple[str, str]] = Counter()
    flows: Counter[tuple[str, str]] = Counter()
    nodes = graph.nodes
    node_types = Counter(kind for _, kind in nodes(data="type"))
    for node, data in nodes(data=True):
        if data["type"] == "actor":
            actors[data["family"]] += 1
        elif data["type"] == "action":
            used = [n for n in graph[node] if nodes[n]["type"] in ("lever", "axis")]
            actions.update(used)
            levers = [n for n in used if nodes[n]["type"] == "lever"]
            axes = [n for n in used if nodes[n]["type"] == "axis"]
            flows.update((lever, axis) for lever in levers for axis in axes)
            families = [
                nodes[n]["family"]
                for n, edge in graph[node].items()
                if edge.get("relation") == "commits"
            ]
            commitments.update((family, axis) for family in families for axis in axes)
    for first, second, relation in graph.edges(data="relation"):
        if relation == "holds":
            actor, lever = (first, second) if nodes[first]["type"] == "actor" else (second, first)
            holders[(nodes[actor]["family"], lever)] += 1
    known = [family for family in FAMILIES if family in actors]
    families = known + sorted(family for family in actors if family not in FAMILIES)
    return Summary(
        families=families,
        levers=_named(graph, "lever"),
        axes=_named(graph, "axis"),
        actors=dict(actors),
        actions=dict(actions),
        holders=dict(holders),
        commitments=dict(commitments),
        flows=dict(flows),
        node_types=dict(node_types),
        edges=graph.number_of_edges(),
    )


def _named(graph: nx.Graph, node_type: str) -> list[tuple[str, str]]:
    return [
        (node, data["label"]) for node, data in graph.nodes(data=True) if data["type"] == node_type
    ]


def summary_graph(summary: Summary) -> nx.Graph:
    """Families, levers and axes as nodes (`count`: actors, or actions), family-lever links
    weighted by holders and lever-axis links weighted by actions."""
    graph = nx.Graph()
    for family in summary.families:
        count = summary.actors[family]
        graph.add_node(f"family:{family}", type="family", family=family, count=count)
    for node, label in [*summary.levers, *summary.axes]:
        kind = node.split(":", 1)[0]
        graph.add_node(node, type=kind, family="", label=label, count=summary.actions.get(node, 0))
    for (family, lever), weight in summary.holders.items():
        if lever in graph:
            graph.add_edge(f"family:{family}", lever, weight=weight, relation="holds")
    for (lever, axis), weight in summary.flows.items():
        if lever in graph and axis in graph:
            graph.add_edge(lever, axis, weight=weight, relation="uses")
    return graph
