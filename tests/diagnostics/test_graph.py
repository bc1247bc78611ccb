"""The coalition graph on small hand-built coalitions whose answers are known."""

import networkx as nx
import pytest

from coalition.diagnostics import graph as graph_module
from coalition.diagnostics.graph import (
    FAMILIES,
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    GraphData,
    Holder,
    HoldingRow,
    LeverRow,
    actor_projection,
    brokers,
    build_graph,
    communities,
    coverage_matrix,
    degrees,
    empty_cells,
    node_id,
    row_id,
    single_holder_levers,
    unheld_levers,
)


def make_data(
    *,
    actors: list[ActorRow] | None = None,
    levers: list[LeverRow] | None = None,
    axes: list[AxisRow] | None = None,
    actions: list[ActionRow] | None = None,
    holdings: list[HoldingRow] | None = None,
    commitments: list[CommitmentRow] | None = None,
) -> GraphData:
    return GraphData(
        actors=actors or [],
        levers=levers or [],
        axes=axes or [],
        actions=actions or [],
        holdings=holdings or [],
        commitments=commitments or [],
    )


def actor(id: int, name: str, family: str = "research") -> ActorRow:
    return ActorRow(id=id, name=name, family=family, kind="organisation")


def action(id: int, *, axis_id: int | None = None, lever_ids: tuple[int, ...] = ()) -> ActionRow:
    return ActionRow(
        id=id, title=f"Action {id}", status="planned", axis_id=axis_id, lever_ids=lever_ids
    )


def committed(groups: dict[int, list[int]]) -> list[CommitmentRow]:
    """Action id -> actor ids, as commitment rows."""
    return [
        CommitmentRow(actor_id=actor_id, action_id=action_id, role="contributor")
        for action_id, actor_ids in groups.items()
        for actor_id in actor_ids
    ]


def small_coalition() -> GraphData:
    return make_data(
        actors=[actor(1, "Inria", "research"), actor(2, "City", "use")],
        levers=[LeverRow(id=5, name="Data")],
        axes=[AxisRow(id=9, name="Trust")],
        actions=[action(7, axis_id=9, lever_ids=(5,))],
        holdings=[HoldingRow(actor_id=1, lever_id=5, capacity=3)],
        commitments=[CommitmentRow(actor_id=2, action_id=7, role="lead")],
    )


def test_node_id_joins_kind_and_id() -> None:
    assert node_id("actor", 3) == "actor:3"
    assert node_id("axis", 12) == "axis:12"
    assert row_id("action:7") == 7


def test_build_graph_adds_nodes_in_row_order_with_their_attributes() -> None:
    graph = build_graph(small_coalition())

    assert list(graph.nodes) == ["actor:1", "actor:2", "lever:5", "action:7", "axis:9"]
    assert graph.nodes["actor:1"] == {
        "type": "actor",
        "label": "Inria",
        "family": "research",
        "kind": "organisation",
    }
    assert graph.nodes["lever:5"] == {"type": "lever", "label": "Data", "family": ""}
    assert graph.nodes["action:7"] == {
        "type": "action",
        "label": "Action 7",
        "family": "",
        "status": "planned",
    }
    assert graph.nodes["axis:9"] == {"type": "axis", "label": "Trust", "family": ""}


def test_build_graph_links_rows_with_their_relation() -> None:
    graph = build_graph(small_coalition())

    assert graph.number_of_edges() == 4
    assert graph.edges["actor:1", "lever:5"] == {"relation": "holds", "weight": 3}
    assert graph.edges["actor:2", "action:7"] == {
        "relation": "commits",
        "role": "lead",
        "weight": 1,
    }
    assert graph.edges["action:7", "lever:5"] == {"relation": "uses", "weight": 1}
    assert graph.edges["action:7", "axis:9"] == {"relation": "serves", "weight": 1}


def test_build_graph_skips_rows_that_refer_to_unknown_nodes() -> None:
    data = make_data(
        actors=[actor(1, "Inria")],
        levers=[LeverRow(id=5, name="Data")],
        actions=[action(7, axis_id=99, lever_ids=(5, 98))],
        holdings=[
            HoldingRow(actor_id=1, lever_id=5, capacity=2),
            HoldingRow(actor_id=42, lever_id=5, capacity=2),
        ],
        commitments=[CommitmentRow(actor_id=42, action_id=7, role="lead")],
    )

    graph = build_graph(data)

    assert list(graph.nodes) == ["actor:1", "lever:5", "action:7"]
    assert sorted(graph.edges) == [("actor:1", "lever:5"), ("lever:5", "action:7")]


def coverage_coalition() -> GraphData:
    """4 families x 3 levers; every cell held except procurement x lever 20."""
    return make_data(
        actors=[
            actor(1, "Zeta", "research"),
            actor(2, "Beta", "research"),
            actor(3, "Alpha", "research"),
            actor(4, "City", "use"),
            actor(5, "Vendor", "supply"),
            actor(6, "Buyer", "procurement"),
        ],
        levers=[
            LeverRow(id=30, name="Data"),
            LeverRow(id=10, name="Compute"),
            LeverRow(id=20, name="Certification"),
        ],
        holdings=[
            HoldingRow(actor_id=2, lever_id=30, capacity=2),
            HoldingRow(actor_id=1, lever_id=30, capacity=3),
            HoldingRow(actor_id=3, lever_id=30, capacity=2),
            HoldingRow(actor_id=1, lever_id=10, capacity=1),
            HoldingRow(actor_id=1, lever_id=20, capacity=1),
            HoldingRow(actor_id=4, lever_id=30, capacity=1),
            HoldingRow(actor_id=4, lever_id=10, capacity=1),
            HoldingRow(actor_id=4, lever_id=20, capacity=2),
            HoldingRow(actor_id=5, lever_id=30, capacity=1),
            HoldingRow(actor_id=5, lever_id=10, capacity=1),
            HoldingRow(actor_id=5, lever_id=20, capacity=1),
            HoldingRow(actor_id=6, lever_id=30, capacity=1),
            HoldingRow(actor_id=6, lever_id=10, capacity=1),
        ],
    )


def test_coverage_matrix_has_every_family_and_every_lever_in_order() -> None:
    matrix = coverage_matrix(build_graph(coverage_coalition()))

    assert list(matrix) == list(FAMILIES)
    assert all(list(by_lever) == [30, 10, 20] for by_lever in matrix.values())
    assert matrix["procurement"][20] == []
    assert matrix["use"][20] == [Holder(actor_id=4, name="City", capacity=2)]


def test_coverage_matrix_sorts_holders_by_capacity_then_name() -> None:
    matrix = coverage_matrix(build_graph(coverage_coalition()))

    assert [holder.name for holder in matrix["research"][30]] == ["Zeta", "Alpha", "Beta"]
    assert [holder.capacity for holder in matrix["research"][30]] == [3, 2, 2]


def test_empty_cells_finds_the_one_gap() -> None:
    matrix = coverage_matrix(build_graph(coverage_coalition()))

    assert empty_cells(matrix) == [("procurement", 20)]


def test_empty_cells_in_family_then_lever_order() -> None:
    data = make_data(
        actors=[actor(1, "City", "use")],
        levers=[LeverRow(id=2, name="Data"), LeverRow(id=1, name="Compute")],
        holdings=[HoldingRow(actor_id=1, lever_id=2, capacity=1)],
    )

    cells = empty_cells(coverage_matrix(build_graph(data)))

    assert cells == [
        ("research", 2),
        ("research", 1),
        ("use", 1),
        ("supply", 2),
        ("supply", 1),
        ("procurement", 2),
        ("procurement", 1),
    ]


def lever_holding_coalition() -> GraphData:
    """Lever 1 held by two actors, lever 2 by one, lever 3 by none but used by an action."""
    return make_data(
        actors=[actor(1, "Inria"), actor(2, "City", "use")],
        levers=[
            LeverRow(id=3, name="Nobody's"),
            LeverRow(id=1, name="Shared"),
            LeverRow(id=2, name="Single"),
        ],
        actions=[action(7, lever_ids=(3, 2))],
        holdings=[
            HoldingRow(actor_id=1, lever_id=1, capacity=1),
            HoldingRow(actor_id=2, lever_id=1, capacity=1),
            HoldingRow(actor_id=2, lever_id=2, capacity=1),
        ],
        commitments=committed({7: [1, 2]}),
    )


def test_unheld_levers_ignores_actions_that_use_the_lever() -> None:
    assert unheld_levers(build_graph(lever_holding_coalition())) == [3]


def test_single_holder_levers_names_the_holder() -> None:
    assert single_holder_levers(build_graph(lever_holding_coalition())) == [(2, 2)]


def test_unheld_lever_still_has_a_column_in_the_matrix() -> None:
    matrix = coverage_matrix(build_graph(lever_holding_coalition()))

    assert list(matrix["supply"]) == [3, 1, 2]
    assert all(by_lever[3] == [] for by_lever in matrix.values())


def path_coalition() -> GraphData:
    """actor1 - action10 - actor2 - action11 - actor3: actor2 is the only broker."""
    return make_data(
        actors=[actor(1, "One"), actor(2, "Two", "use"), actor(3, "Three", "supply")],
        actions=[action(10), action(11)],
        commitments=committed({10: [1, 2], 11: [2, 3]}),
    )


def test_actor_projection_links_actors_sharing_an_action() -> None:
    projection = actor_projection(build_graph(path_coalition()))

    assert list(projection.nodes) == ["actor:1", "actor:2", "actor:3"]
    assert sorted(projection.edges) == [("actor:1", "actor:2"), ("actor:2", "actor:3")]
    assert projection.edges["actor:1", "actor:2"] == {"weight": 1, "actions": [10]}
    assert projection.nodes["actor:2"]["family"] == "use"


def test_actor_projection_counts_shared_actions_and_keeps_isolated_actors() -> None:
    data = make_data(
        actors=[actor(1, "One"), actor(2, "Two"), actor(3, "Alone")],
        levers=[LeverRow(id=1, name="Data")],
        actions=[action(9), action(5), action(6)],
        holdings=[HoldingRow(actor_id=3, lever_id=1, capacity=1)],
        commitments=committed({9: [1, 2], 5: [2, 1], 6: [1]}),
    )

    projection = actor_projection(build_graph(data))

    assert set(projection.nodes) == {"actor:1", "actor:2", "actor:3"}
    assert projection.degree("actor:3") == 0
    assert projection.edges["actor:1", "actor:2"] == {"weight": 2, "actions": [5, 9]}


def test_brokers_finds_the_middle_of_a_path() -> None:
    projection = actor_projection(build_graph(path_coalition()))

    assert brokers(projection) == [("actor:2", 1.0)]


def test_brokers_sampled_on_a_large_projection_is_deterministic() -> None:
    projection = actor_projection(build_graph(path_coalition()))

    every_pivot = brokers(projection, exact_limit=2)
    sampled = brokers(projection, exact_limit=2, samples=2)

    assert every_pivot == [("actor:2", 1.0)]
    assert sampled == brokers(projection, exact_limit=2, samples=2)
    assert [node for node, _ in sampled] == ["actor:2"]


def test_brokers_ties_are_sorted_by_label_and_cut_at_top() -> None:
    data = make_data(
        actors=[actor(1, "Delta"), actor(2, "Zed"), actor(3, "Alpha"), actor(4, "Echo")],
        actions=[action(10), action(11), action(12)],
        commitments=committed({10: [1, 2], 11: [2, 3], 12: [3, 4]}),
    )
    projection = actor_projection(build_graph(data))

    ranked = brokers(projection)

    assert [node for node, _ in ranked] == ["actor:3", "actor:2"]
    assert [score for _, score in ranked] == pytest.approx([2 / 3, 2 / 3])
    assert brokers(projection, top=1) == ranked[:1]


def test_no_broker_in_a_clique() -> None:
    data = make_data(
        actors=[actor(1, "One"), actor(2, "Two"), actor(3, "Three")],
        actions=[action(10)],
        commitments=committed({10: [1, 2, 3]}),
    )

    assert brokers(actor_projection(build_graph(data))) == []


def two_cliques() -> GraphData:
    """Clique of four (action 1), clique of three (action 2), one bridge (action 3), one loner."""
    return make_data(
        actors=[
            actor(1, "Dora"),
            actor(2, "Bea"),
            actor(3, "Cleo"),
            actor(4, "Abel"),
            actor(5, "Yves"),
            actor(6, "Xena"),
            actor(7, "Zoe"),
            actor(8, "Loner"),
        ],
        actions=[action(1), action(2), action(3)],
        commitments=committed({1: [1, 2, 3, 4], 2: [5, 6, 7], 3: [1, 5]}),
    )


def test_communities_splits_two_cliques_joined_by_one_edge() -> None:
    projection = actor_projection(build_graph(two_cliques()))

    assert communities(projection) == [
        ["actor:4", "actor:2", "actor:3", "actor:1"],
        ["actor:6", "actor:5", "actor:7"],
    ]


def test_communities_of_equal_size_are_sorted_by_first_label() -> None:
    projection = nx.Graph()
    for node, label in [("a:1", "Mia"), ("a:2", "Noa"), ("a:3", "Ada"), ("a:4", "Ben")]:
        projection.add_node(node, label=label)
    projection.add_edge("a:1", "a:2", weight=1)
    projection.add_edge("a:3", "a:4", weight=1)

    assert communities(projection) == [["a:3", "a:4"], ["a:1", "a:2"]]


def test_communities_are_the_same_on_every_run() -> None:
    projection = actor_projection(build_graph(two_cliques()))

    assert communities(projection, seed=7) == communities(projection, seed=7)


def test_degrees_counts_every_relation() -> None:
    assert degrees(build_graph(small_coalition())) == {
        "actor:1": 1,
        "actor:2": 1,
        "lever:5": 2,
        "action:7": 3,
        "axis:9": 1,
    }


def test_filter_graph_keeps_what_the_filter_names() -> None:
    data = graph_module.GraphData(
        actors=[
            graph_module.ActorRow(1, "Labo", "research", "lab"),
            graph_module.ActorRow(2, "Ville", "procurement", "local_authority"),
        ],
        levers=[graph_module.LeverRow(10, "Former"), graph_module.LeverRow(11, "Acheter")],
        axes=[graph_module.AxisRow(20, "Démocratie")],
        actions=[graph_module.ActionRow(30, "Atelier", "proposed", 20, (10,))],
        holdings=[graph_module.HoldingRow(1, 10, 3), graph_module.HoldingRow(2, 11, 1)],
        commitments=[],
    )
    whole = graph_module.build_graph(data)
    assert graph_module.filter_graph(whole) is whole
    research = graph_module.filter_graph(whole, family="research")
    assert set(research) == {"actor:1", "lever:10"}
    teaching = graph_module.filter_graph(whole, lever_id=10)
    assert set(teaching) == {"actor:1", "lever:10", "action:30"}
    assert set(graph_module.filter_graph(whole, family="procurement", lever_id=10)) == {
        "lever:10",
        "action:30",
    }
