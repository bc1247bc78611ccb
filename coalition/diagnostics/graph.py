"""The coalition as a graph: actors, levers, actions and axes, built from plain rows.

Pure functions: no database, no Flask. The caller loads the rows, filters out actors who
left or are hidden, and hands them over as the dataclasses below.
"""

import math
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

FAMILIES = ("research", "use", "supply", "procurement")
EXACT_BETWEENNESS_LIMIT = 500
BETWEENNESS_SAMPLES = 200
SEED = 42


@dataclass(frozen=True)
class ActorRow:
    id: int
    name: str
    family: str
    kind: str


@dataclass(frozen=True)
class LeverRow:
    id: int
    name: str


@dataclass(frozen=True)
class AxisRow:
    id: int
    name: str


@dataclass(frozen=True)
class ActionRow:
    id: int
    title: str
    status: str
    axis_id: int | None
    lever_ids: tuple[int, ...]


@dataclass(frozen=True)
class HoldingRow:
    actor_id: int
    lever_id: int
    capacity: int


@dataclass(frozen=True)
class CommitmentRow:
    actor_id: int
    action_id: int
    role: str


@dataclass(frozen=True)
class GraphData:
    actors: Sequence[ActorRow]
    levers: Sequence[LeverRow]
    axes: Sequence[AxisRow]
    actions: Sequence[ActionRow]
    holdings: Sequence[HoldingRow]
    commitments: Sequence[CommitmentRow]


@dataclass(frozen=True)
class Holder:
    actor_id: int
    name: str
    capacity: int


CoverageMatrix = dict[str, dict[int, list[Holder]]]


def node_id(kind: str, id: int) -> str:
    return f"{kind}:{id}"


def row_id(node: str) -> int:
    """The database id inside a node id: "actor:3" -> 3."""
    return int(node.rsplit(":", 1)[1])


def build_graph(data: GraphData) -> nx.Graph:
    graph = nx.Graph()
    _add_nodes(graph, data)
    _add_edges(graph, data)
    return graph


def _add_nodes(graph: nx.Graph, data: GraphData) -> None:
    for actor in data.actors:
        graph.add_node(
            node_id("actor", actor.id),
            type="actor",
            label=actor.name,
            family=actor.family,
            kind=actor.kind,
        )
    for lever in data.levers:
        graph.add_node(node_id("lever", lever.id), type="lever", label=lever.name, family="")
    for action in data.actions:
        graph.add_node(
            node_id("action", action.id),
            type="action",
            label=action.title,
            family="",
            status=action.status,
        )
    for axis in data.axes:
        graph.add_node(node_id("axis", axis.id), type="axis", label=axis.name, family="")


def _add_edges(graph: nx.Graph, data: GraphData) -> None:
    for holding in data.holdings:
        _add_edge_if_known(
            graph,
            node_id("actor", holding.actor_id),
            node_id("lever", holding.lever_id),
            relation="holds",
            weight=holding.capacity,
        )
    for commitment in data.commitments:
        _add_edge_if_known(
            graph,
            node_id("actor", commitment.actor_id),
            node_id("action", commitment.action_id),
            relation="commits",
            role=commitment.role,
            weight=1,
        )
    for action in data.actions:
        _add_action_edges(graph, action)


def _add_action_edges(graph: nx.Graph, action: ActionRow) -> None:
    source = node_id("action", action.id)
    for lever_id in action.lever_ids:
        _add_edge_if_known(graph, source, node_id("lever", lever_id), relation="uses", weight=1)
    if action.axis_id is not None:
        _add_edge_if_known(
            graph, source, node_id("axis", action.axis_id), relation="serves", weight=1
        )


def _add_edge_if_known(graph: nx.Graph, source: str, target: str, **attributes: Any) -> None:
    if source in graph and target in graph:
        graph.add_edge(source, target, **attributes)


def _nodes_of_type(graph: nx.Graph, node_type: str) -> Iterator[str]:
    return (node for node, kind in graph.nodes(data="type") if kind == node_type)


def _holders_of(graph: nx.Graph, lever: str) -> list[str]:
    return [
        actor
        for actor, relation in graph[lever].items()
        if relation.get("relation") == "holds" and graph.nodes[actor].get("type") == "actor"
    ]


def coverage_matrix(graph: nx.Graph) -> CoverageMatrix:
    """Family -> lever id -> holders, every family and every lever, even when empty.

    One pass over the levers' links, each actor's id, name and family read once: at 10,000
    actors (14,000 holdings) 25 ms instead of 43 ms with a lookup of the graph per holding."""
    levers = [(lever, row_id(lever)) for lever in _nodes_of_type(graph, "lever")]
    matrix: CoverageMatrix = {family: {id: [] for _, id in levers} for family in FAMILIES}
    actors = {
        node: (row_id(node), data["label"], data["family"])
        for node, data in graph.nodes(data=True)
        if data.get("type") == "actor"
    }
    for lever, lever_id in levers:
        for actor, edge in graph.adj[lever].items():
            known = actors.get(actor)
            if known is None or edge.get("relation") != "holds":
                continue
            actor_id, name, family = known
            if family in matrix:
                matrix[family][lever_id].append(Holder(actor_id, name, edge["weight"]))
    for by_lever in matrix.values():
        for holders in by_lever.values():
            holders.sort(key=_holder_order)
    return matrix


def _holder_order(holder: Holder) -> tuple[int, str]:
    return (-holder.capacity, holder.name)


def unheld_levers(graph: nx.Graph) -> list[int]:
    return [
        row_id(lever) for lever in _nodes_of_type(graph, "lever") if not _holders_of(graph, lever)
    ]


def single_holder_levers(graph: nx.Graph) -> list[tuple[int, int]]:
    single = []
    for lever in _nodes_of_type(graph, "lever"):
        holders = _holders_of(graph, lever)
        if len(holders) == 1:
            single.append((row_id(lever), row_id(holders[0])))
    return single


def empty_cells(matrix: CoverageMatrix) -> list[tuple[str, int]]:
    return [
        (family, lever_id)
        for family, by_lever in matrix.items()
        for lever_id, holders in by_lever.items()
        if not holders
    ]


def actor_projection(graph: nx.Graph) -> nx.Graph:
    """Actors linked when they commit to the same action; weight = number of shared actions."""
    projection = nx.Graph()
    projection.add_nodes_from(
        (actor, graph.nodes[actor]) for actor in _nodes_of_type(graph, "actor")
    )
    for action in _nodes_of_type(graph, "action"):
        committed = [
            actor
            for actor, edge in graph[action].items()
            if edge.get("relation") == "commits" and actor in projection
        ]
        for first, second in combinations(committed, 2):
            _share_action(projection, first, second, row_id(action))
    return projection


def _share_action(projection: nx.Graph, first: str, second: str, action_id: int) -> None:
    if projection.has_edge(first, second):
        edge = projection.edges[first, second]
        edge["weight"] += 1
        edge["actions"] = sorted([*edge["actions"], action_id])
    else:
        projection.add_edge(first, second, weight=1, actions=[action_id])


def _label_order(graph: nx.Graph, node: str) -> tuple[str, str]:
    return (graph.nodes[node].get("label", ""), node)


def brokers(
    projection: nx.Graph,
    *,
    top: int = 10,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    samples: int = BETWEENNESS_SAMPLES,
    seed: int = SEED,
) -> list[tuple[str, float]]:
    """Actors through whom the shortest paths between others go, highest betweenness first."""
    size = projection.number_of_nodes()
    k = None if size <= exact_limit else min(samples, size)
    scores = betweenness(projection, k=k, seed=seed)
    ranked = sorted(
        ((node, score) for node, score in scores.items() if score > 0),
        key=lambda item: (-item[1], *_label_order(projection, item[0])),
    )
    return ranked[:top]


def betweenness(graph: nx.Graph, *, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """networkx's normalised betweenness_centrality (endpoints excluded, unweighted), the same
    numbers for the same arguments, sources sampled the same way when `k` is given; but each
    search from a source sets up only the nodes it reaches instead of every node of the graph.
    The actor projection is mostly small components and isolated actors: at 10,000 actors the
    sampled brokers take 0.02 s instead of 2.3 s."""
    scores = dict.fromkeys(graph, 0.0)
    size = len(graph)
    if k == size:
        k = None
    sources = list(graph) if k is None else _sampler(seed).sample(list(graph), k)
    for source in sources:
        _accumulate(scores, graph, source)
    return _rescale(scores, size, sources if k is not None else None)


def _sampler(seed: int) -> Any:
    """The random.Random(seed) networkx's @py_random_state makes: the same sources it samples."""
    return nx.utils.create_py_random_state(seed)


def _accumulate(scores: dict[str, float], graph: nx.Graph, source: str) -> None:
    """Brandes' breadth-first search from one source and its accumulation, in networkx's order
    (its _single_source_shortest_path_basic and _accumulate_basic) so the sums are the same."""
    reached: list[str] = []
    predecessors: dict[str, list[str]] = {source: []}
    paths: dict[str, float] = {source: 1.0}
    distance = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        reached.append(node)
        node_distance = distance[node]
        node_paths = paths[node]
        for other in graph[node]:
            if other not in distance:
                queue.append(other)
                distance[other] = node_distance + 1
                paths[other] = 0.0
                predecessors[other] = []
            if distance[other] == node_distance + 1:
                paths[other] += node_paths
                predecessors[other].append(node)
    delta = dict.fromkeys(reached, 0.0)
    while reached:
        node = reached.pop()
        coefficient = (1 + delta[node]) / paths[node]
        for before in predecessors[node]:
            delta[before] += paths[before] * coefficient
        if node != source:
            scores[node] += delta[node]


def _rescale(scores: dict[str, float], size: int, sampled: list[str] | None) -> dict[str, float]:
    """networkx's _rescale for normalised, undirected scores without endpoints."""
    pairs = size - 1
    if pairs < 2:
        return scores
    if sampled is None:
        scale = 1 / (pairs * (pairs - 1))
        return {node: score * scale for node, score in scores.items()}
    k = len(sampled)
    source_scale = 1 / ((k - 1) * (pairs - 1)) if k > 1 else math.nan
    other_scale = 1 / (k * (pairs - 1))
    chosen = set(sampled)
    return {
        node: score * (source_scale if node in chosen else other_scale)
        for node, score in scores.items()
    }


def communities(projection: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    """Louvain communities of two actors or more, largest first."""
    found = nx.community.louvain_communities(projection, weight="weight", seed=seed)
    groups = [
        sorted(group, key=lambda node: _label_order(projection, node))
        for group in found
        if len(group) > 1
    ]
    return sorted(groups, key=lambda group: (-len(group), *_label_order(projection, group[0])))


def degrees(graph: nx.Graph) -> dict[str, int]:
    return dict(graph.degree())


def filter_graph(
    graph: nx.Graph, *, family: str | None = None, lever_id: int | None = None
) -> nx.Graph:
    """Without filters, the whole graph; else the actors of a family and/or holding a lever,
    with what they touch, and the lever with the actions that use it."""
    if family is None and lever_id is None:
        return graph
    lever = node_id("lever", lever_id) if lever_id is not None else None
    actors = [
        node
        for node in _nodes_of_type(graph, "actor")
        if (family is None or graph.nodes[node]["family"] == family)
        and (lever is None or graph.has_edge(node, lever))
    ]
    kept = set(actors)
    for actor in actors:
        kept.update(graph.neighbors(actor))
    if lever is not None and lever in graph:
        kept.add(lever)
        kept.update(n for n in graph.neighbors(lever) if graph.nodes[n]["type"] == "action")
    return graph.subgraph(kept).copy()
