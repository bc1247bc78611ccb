"""Plotly figures of the coalition graph, returned as JSON-able dicts.

Pure functions: no database, no Flask, no translation. Every label shown is passed in.
The page embeds the dict with json.dumps and draws it with the plotly.js the app serves; the
dicts are written by hand (core/plots.py), plotly's schema checks them in the tests.
"""

import math
from html import escape
from typing import Any

import networkx as nx

from coalition.actors.colours import FAMILY_COLOURS
from coalition.core import plots
from coalition.diagnostics.graph import FAMILIES, SEED, CoverageMatrix, Holder

NON_ACTOR_COLOURS = {"lever": "#6b7280", "action": "#b34700", "axis": "#0f766e"}
NON_ACTOR_SYMBOLS = {"lever": "square", "action": "diamond", "axis": "triangle-up"}
EDGE_COLOUR = "#c0c4cc"
HEATMAP_COLOURSCALE = [[0.0, "#ffffff"], [1.0, "#1d4f91"]]
NO_HOLDER = "—"
HOVER_NAMES = 10
FAST_LAYOUT_ABOVE = 300
FAST_LAYOUT_ITERATIONS = 30
SHELL_LAYOUT_ABOVE = 600


def _matrix_lever_ids(matrix: CoverageMatrix) -> list[int]:
    return list(dict.fromkeys(lever_id for by_lever in matrix.values() for lever_id in by_lever))


def coverage_heatmap(
    matrix: CoverageMatrix,
    lever_names: dict[int, str],
    family_labels: dict[str, str],
    *,
    title: str,
    holders_label: str,
) -> dict[str, Any]:
    """Families down, levers across, the number of holders in each cell."""
    lever_ids = _matrix_lever_ids(matrix)
    cells = [[matrix.get(family, {}).get(lever, []) for lever in lever_ids] for family in FAMILIES]
    counts = [[len(holders) for holders in row] for row in cells]
    names = [[_hover_names(holders) for holders in row] for row in cells]
    heatmap = {
        "type": "heatmap",
        "x": [lever_names.get(lever, str(lever)) for lever in lever_ids],
        "y": [family_labels.get(family, family) for family in FAMILIES],
        "z": counts,
        "zmin": 0,
        "zmax": max([1, *(count for row in counts for count in row)]),
        "customdata": names,
        "hovertemplate": f"%{{y}} × %{{x}}<br>{escape(holders_label)}: %{{z}}"
        "<br>%{customdata}<extra></extra>",
        "texttemplate": "%{z}",
        "colorscale": [list(stop) for stop in HEATMAP_COLOURSCALE],
        "colorbar": {"title": {"text": holders_label}},
        "xgap": 1,
        "ygap": 1,
    }
    layout = {
        "title": {"text": title},
        "margin": {"l": 20, "r": 20, "t": 60, "b": 20},
        "xaxis": {"type": "category", "automargin": True, "tickangle": -30},
        "yaxis": {"type": "category", "automargin": True, "autorange": "reversed"},
    }
    return plots.figure([heatmap], layout)


def _hover_names(holders: list[Holder]) -> str:
    """The first HOVER_NAMES holders of a cell, then "…": the table under the chart names them
    all (at 10,000 actors, every name in the hover weighed 350 kB of the levers page)."""
    names = ", ".join(escape(holder.name) for holder in holders[:HOVER_NAMES])
    return f"{names}, …" if len(holders) > HOVER_NAMES else names or NO_HOLDER


def network_layout(graph: nx.Graph, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Where network_figure places each node; kept so a later drawing puts them back there."""
    return _layout(graph, seed)


def _layout(graph: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """A force-directed layout while it stays fast (it costs O(n²)); above, concentric shells:
    levers and axes inside, actions, then actors grouped by family."""
    if graph.number_of_nodes() > SHELL_LAYOUT_ABOVE:
        positions = nx.shell_layout(graph, nlist=_shells(graph))
    elif graph.number_of_nodes() > FAST_LAYOUT_ABOVE:
        positions = nx.spring_layout(graph, seed=seed, iterations=FAST_LAYOUT_ITERATIONS)
    else:
        positions = nx.spring_layout(graph, seed=seed)
    return {node: (round(float(x), 4), round(float(y), 4)) for node, (x, y) in positions.items()}


def _shells(graph: nx.Graph) -> list[list[str]]:
    inner: list[str] = []
    actions: list[str] = []
    actors: list[str] = []
    for node, data in graph.nodes(data=True):
        if data["type"] == "actor":
            actors.append(node)
        elif data["type"] == "action":
            actions.append(node)
        else:
            inner.append(node)
    actors.sort(key=lambda node: graph.nodes[node]["family"])
    return [shell for shell in (inner, actions, actors) if shell]


def _edge_trace(graph: nx.Graph, positions: dict[str, tuple[float, float]]) -> plots.Trace:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for source, target in graph.edges():
        xs += [positions[source][0], positions[target][0], None]
        ys += [positions[source][1], positions[target][1], None]
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "line": {"color": EDGE_COLOUR, "width": 1},
        "hoverinfo": "none",
        "showlegend": False,
    }


def _node_groups(graph: nx.Graph) -> dict[tuple[str, str], list[str]]:
    """(type, family) -> nodes: actor families first (FAMILIES order), then other node types."""
    order = [("actor", family) for family in FAMILIES]
    order += [("actor", family) for family in _unknown_families(graph)]
    order += [(node_type, "") for node_type in NON_ACTOR_SYMBOLS]
    groups: dict[tuple[str, str], list[str]] = {key: [] for key in order}
    for node, attributes in graph.nodes(data=True):
        key = (attributes.get("type", ""), attributes.get("family", ""))
        if key[0] != "actor":
            key = (key[0], "")
        groups.setdefault(key, []).append(node)
    return {key: nodes for key, nodes in groups.items() if nodes}


def _unknown_families(graph: nx.Graph) -> list[str]:
    families = (family for _, family in graph.nodes(data="family") if family)
    return [family for family in dict.fromkeys(families) if family not in FAMILIES]


def _marker_size(degree: int) -> float:
    return round(8 + 3 * math.sqrt(degree), 2)


def _node_trace(
    graph: nx.Graph,
    nodes: list[str],
    positions: dict[str, tuple[float, float]],
    *,
    name: str,
    colour: str,
    symbol: str,
    links_label: str,
) -> plots.Trace:
    hover = [
        f"{escape(graph.nodes[node].get('label', node))}<br>{escape(name)}"
        f"<br>{escape(links_label)}: {graph.degree(node)}"
        for node in nodes
    ]
    return {
        "type": "scatter",
        "x": [positions[node][0] for node in nodes],
        "y": [positions[node][1] for node in nodes],
        "mode": "markers",
        "name": name,
        "marker": {
            "color": colour,
            "symbol": symbol,
            "size": [_marker_size(graph.degree(node)) for node in nodes],
            "line": {"color": "#ffffff", "width": 1},
        },
        "hovertext": hover,
        "hoverinfo": "text",
        "customdata": list(nodes),
    }


def _group_style(
    node_type: str, family: str, family_labels: dict[str, str], type_labels: dict[str, str]
) -> dict[str, str]:
    if node_type == "actor":
        return {
            "name": family_labels.get(family, family),
            "colour": FAMILY_COLOURS.get(family, plots.OTHER_FAMILY_COLOUR),
            "symbol": "circle",
        }
    return {
        "name": type_labels.get(node_type, node_type),
        "colour": NON_ACTOR_COLOURS.get(node_type, plots.OTHER_FAMILY_COLOUR),
        "symbol": NON_ACTOR_SYMBOLS.get(node_type, "circle"),
    }


def network_figure(
    graph: nx.Graph,
    family_labels: dict[str, str],
    type_labels: dict[str, str],
    *,
    links_label: str = "links",
    seed: int = SEED,
    positions: dict[str, tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """Every node placed by a seeded spring layout, or where `positions` (network_layout's
    result, kept from an earlier drawing) puts it; one legend entry per family and node type."""
    traces = []
    if graph.number_of_nodes():
        positions = positions or _layout(graph, seed)
        traces.append(_edge_trace(graph, positions))
        for (node_type, family), nodes in _node_groups(graph).items():
            style = _group_style(node_type, family, family_labels, type_labels)
            traces.append(_node_trace(graph, nodes, positions, links_label=links_label, **style))
    layout = {
        "showlegend": True,
        "hovermode": "closest",
        "height": 600,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "xaxis": {"showgrid": False, "zeroline": False, "showticklabels": False},
        "yaxis": {"showgrid": False, "zeroline": False, "showticklabels": False},
    }
    return plots.figure(traces, layout)


SUMMARY_COLUMNS = {"family": 0.0, "lever": 1.0, "axis": 2.0}
SUMMARY_EDGE_WIDTH = 12  # the widest link, for the largest weight


def summary_figure(
    graph: nx.Graph,
    family_labels: dict[str, str],
    type_labels: dict[str, str],
    *,
    count_labels: dict[str, str],
    weight_labels: dict[str, str],
) -> dict[str, Any]:
    """The summary graph (summary.summary_graph) in three columns: families, levers, axes;
    a node's size grows with its count, a link's width with its weight. `count_labels` and
    `weight_labels` name, by node type and by relation, what the numbers count."""
    positions = _column_positions(graph)
    largest = max([1, *(weight for _, _, weight in graph.edges(data="weight"))])
    traces: list[plots.Trace] = []
    for source, target, data in graph.edges(data=True):
        traces.append(
            {
                "type": "scatter",
                "x": [positions[source][0], positions[target][0]],
                "y": [positions[source][1], positions[target][1]],
                "mode": "lines",
                "line": {
                    "color": EDGE_COLOUR,
                    "width": round(1 + (SUMMARY_EDGE_WIDTH - 1) * data["weight"] / largest, 2),
                },
                "hoverinfo": "none",
                "showlegend": False,
            }
        )
    if graph.number_of_edges():
        traces.append(_summary_link_hover(graph, positions, weight_labels))
    biggest = dict.fromkeys(SUMMARY_COLUMNS, 1)
    for _, data in graph.nodes(data=True):
        biggest[data["type"]] = max(biggest[data["type"]], data["count"])
    for node_type in SUMMARY_COLUMNS:
        for group, nodes in _summary_groups(graph, node_type).items():
            style = _group_style(
                "actor" if node_type == "family" else node_type, group, family_labels, type_labels
            )
            names = [_summary_name(graph, node, family_labels) for node in nodes]
            counts = [graph.nodes[node]["count"] for node in nodes]
            traces.append(
                {
                    "type": "scatter",
                    "x": [positions[node][0] for node in nodes],
                    "y": [positions[node][1] for node in nodes],
                    "mode": "markers+text",
                    "name": style["name"],
                    "text": names,
                    "textposition": "middle left" if node_type == "family" else "top center",
                    "marker": {
                        "color": style["colour"],
                        "symbol": style["symbol"],
                        "size": [
                            round(12 + 30 * math.sqrt(c / biggest[node_type]), 2) for c in counts
                        ],
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    "hovertext": [
                        f"{escape(name)}<br>{escape(count_labels[node_type])} : {count}"
                        for name, count in zip(names, counts, strict=True)
                    ],
                    "hoverinfo": "text",
                    "customdata": list(nodes),
                }
            )
    layout = {
        "showlegend": True,
        "hovermode": "closest",
        "height": 600,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "xaxis": {
            "showgrid": False,
            "zeroline": False,
            "showticklabels": False,
            "range": [-0.8, 2.4],
        },
        "yaxis": {"showgrid": False, "zeroline": False, "showticklabels": False},
    }
    return plots.figure(traces, layout)


def _column_positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    columns: dict[str, list[str]] = {kind: [] for kind in SUMMARY_COLUMNS}
    for node, kind in graph.nodes(data="type"):
        columns[kind].append(node)
    positions = {}
    for kind, nodes in columns.items():
        for index, node in enumerate(nodes):
            y = 1 - (index + 0.5) / len(nodes)
            positions[node] = (SUMMARY_COLUMNS[kind], round(y, 4))
    return positions


def _summary_groups(graph: nx.Graph, node_type: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data["type"] == node_type:
            groups.setdefault(data["family"] if node_type == "family" else "", []).append(node)
    return groups


def _summary_name(graph: nx.Graph, node: str, family_labels: dict[str, str]) -> str:
    data = graph.nodes[node]
    if data["type"] == "family":
        return family_labels.get(data["family"], data["family"])
    return str(data["label"])


def _summary_link_hover(
    graph: nx.Graph, positions: dict[str, tuple[float, float]], weight_labels: dict[str, str]
) -> plots.Trace:
    """An invisible point in the middle of each link, whose hover says its weight."""
    edges = list(graph.edges(data=True))
    return {
        "type": "scatter",
        "x": [round((positions[s][0] + positions[t][0]) / 2, 4) for s, t, _ in edges],
        "y": [round((positions[s][1] + positions[t][1]) / 2, 4) for s, t, _ in edges],
        "mode": "markers",
        "marker": {"size": 6, "color": EDGE_COLOUR, "opacity": 0.01},
        "hovertext": [
            f"{escape(weight_labels[data['relation']])} : {data['weight']}" for _, _, data in edges
        ],
        "hoverinfo": "text",
        "showlegend": False,
    }
