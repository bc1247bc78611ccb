"""The pre-meeting diagnostic on small hand-built coalitions whose answers are known."""

import dataclasses
import json
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from coalition.diagnostics.compute import (
    Suggestion,
    agenda_suggestions,
    compare,
    compute_diagnostic,
    from_data,
    suggested_agenda,
    to_data,
)
from coalition.diagnostics.facts import (
    CHANGE_KEYS,
    ActionFacts,
    ChangeFacts,
    Comparison,
    Diagnostic,
    DiagnosticInputs,
    Item,
    ResourceFacts,
    ReviewFacts,
)
from coalition.diagnostics.graph import (
    FAMILIES,
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    GraphData,
    HoldingRow,
    LeverRow,
    build_graph,
    coverage_matrix,
)
from coalition.meetings import attendance
from coalition.meetings.attendance import AttendanceReport, MeetingRow, PresenceRow

TODAY = date(2026, 3, 1)
FIRST_MEETING = datetime(2025, 1, 10, 14, 0, tzinfo=UTC)

ACTORS = [
    ActorRow(id=1, name="Alice", family="research", kind="university"),
    ActorRow(id=2, name="Bob", family="research", kind="lab"),
    ActorRow(id=3, name="Chloé", family="use", kind="association"),
    ActorRow(id=4, name="Dan", family="supply", kind="company"),
    ActorRow(id=5, name="Eve", family="procurement", kind="local_authority"),
]
LEVERS = [
    LeverRow(id=1, name="Certification"),
    LeverRow(id=2, name="Procurement rules"),
    LeverRow(id=3, name="Training"),
]
ACTIONS = [
    ActionFacts(10, "Audit models", "in_progress", date(2026, 1, 1), lead_actor_id=1),
    ActionFacts(11, "Build registry", "blocked", None, lead_actor_id=None),
    ActionFacts(12, "Close the pilot", "done", date(2025, 6, 1), lead_actor_id=None),
    ActionFacts(13, "Draft charter", "committed", date(2026, 9, 1), lead_actor_id=2),
    ActionFacts(14, "Evaluate tools", "proposed", None, lead_actor_id=None),
]
COMMITMENTS = {10: [1, 2], 11: [1, 3, 4], 14: [4]}  # action id -> actor ids
REVIEW_STATUSES: dict[
    int, list[str | None]
] = {  # action id -> review status at meetings 1, 2, 3, 4 (None: not reviewed)
    10: ["in_progress", "committed", "in_progress", "in_progress"],
    11: [None, None, "blocked", "committed"],
    12: [None, None, "done", "done"],
    13: [None, None, None, "committed"],
    14: [None, "proposed", "proposed", "committed"],
}


def meeting_start(number: int) -> datetime:
    return FIRST_MEETING + timedelta(weeks=4 * (number - 1))


def graph_data(
    *,
    actors: Sequence[ActorRow] = ACTORS,
    levers: Sequence[LeverRow] = LEVERS,
    actions: Sequence[ActionFacts] = ACTIONS,
    holdings: Sequence[HoldingRow] = (),
    commitments: dict[int, list[int]] | None = None,
) -> GraphData:
    return GraphData(
        actors=actors,
        levers=levers,
        axes=[AxisRow(id=1, name="Trust")],
        actions=[ActionRow(a.id, a.title, a.status, 1, (1,)) for a in actions],
        holdings=holdings,
        commitments=[
            CommitmentRow(actor_id=actor_id, action_id=action_id, role="contributor")
            for action_id, actor_ids in (commitments or {}).items()
            for actor_id in actor_ids
        ],
    )


def coalition_graph() -> Any:
    holdings = [HoldingRow(1, 1, 2), HoldingRow(2, 1, 1), HoldingRow(3, 2, 3)]
    return build_graph(graph_data(holdings=holdings, commitments=COMMITMENTS))


def reviews() -> list[ReviewFacts]:
    rows = [
        ReviewFacts(action_id, number, meeting_start(number), status, progress=10 * number)
        for action_id, statuses in REVIEW_STATUSES.items()
        for number, status in enumerate(statuses, start=1)
        if status is not None
    ]
    return rows[::-1]  # latest first: the order must come from the dates, not the input


def attendance_of(
    absences: dict[int, set[int]], *, held: int = 7, actors: Sequence[ActorRow] = ACTORS[:1]
) -> AttendanceReport:
    """`held` held meetings and a planned one; each actor present except at its absences."""
    meetings = [
        MeetingRow(number, number, f"Meeting {number}", meeting_start(number), "held")
        for number in range(1, held + 1)
    ]
    meetings.append(MeetingRow(99, 99, "Next", meeting_start(held + 1), "planned"))
    people = [attendance.ActorRow(a.id, a.name, a.family) for a in actors]
    presences = [
        PresenceRow(
            number, person.id, "absent" if number in absences.get(person.id, ()) else "present"
        )
        for number in range(1, held + 1)
        for person in people
    ]
    return attendance.attendance_report(meetings, people, presences)


def inputs(
    *,
    graph: Any = None,
    actions: Sequence[ActionFacts] = ACTIONS,
    review_rows: Sequence[ReviewFacts] | None = None,
    report: AttendanceReport | None = None,
    changes: Sequence[ChangeFacts] = (),
    resources: Sequence[ResourceFacts] = (),
) -> DiagnosticInputs:
    return DiagnosticInputs(
        graph=coalition_graph() if graph is None else graph,
        actions=actions,
        reviews=reviews() if review_rows is None else review_rows,
        attendance=attendance_of({}) if report is None else report,
        changes=changes,
        new_resources=resources,
        today=TODAY,
    )


def action(id: int, label: str, detail: str = "") -> Item:
    return Item("action", id, label, detail)


def lever(id: int, label: str, detail: str = "") -> Item:
    return Item("lever", id, label, detail)


def actor(id: int, label: str, detail: str = "") -> Item:
    return Item("actor", id, label, detail)


# -- actions -------------------------------------------------------------------------------


def test_action_lists_follow_the_rules_and_leave_closed_actions_out() -> None:
    found = compute_diagnostic(inputs()).actions

    assert found == {
        "stalled": [action(10, "Audit models", "in_progress")],
        "overdue": [action(10, "Audit models", "2026-01-01")],
        "blocked": [action(11, "Build registry")],
        "without_lead": [action(11, "Build registry"), action(14, "Evaluate tools")],
        "without_commitment": [action(13, "Draft charter")],
        "single_family": [
            action(10, "Audit models", "research"),
            action(14, "Evaluate tools", "supply"),
        ],
    }


def test_an_action_is_stalled_only_when_its_last_two_reviews_agree() -> None:
    rows = [
        ReviewFacts(13, 1, meeting_start(1), "blocked", 0),
        ReviewFacts(13, 2, meeting_start(2), "blocked", 0),
        ReviewFacts(13, 3, meeting_start(3), "in_progress", 20),
        ReviewFacts(14, 3, meeting_start(3), "proposed", 0),
    ]

    found = compute_diagnostic(inputs(review_rows=rows)).actions["stalled"]

    assert found == []


def test_action_lists_are_sorted_by_label() -> None:
    actions = [
        ActionFacts(3, "Zoning", "committed", None, None),
        ActionFacts(1, "Mapping", "committed", None, None),
        ActionFacts(2, "Archive", "committed", None, None),
    ]
    graph = build_graph(graph_data(actions=actions))

    found = compute_diagnostic(inputs(graph=graph, actions=actions, review_rows=[]))

    assert [item.label for item in found.actions["without_lead"]] == [
        "Archive",
        "Mapping",
        "Zoning",
    ]


# -- levers, actors, attendance, counts ----------------------------------------------------


def test_lever_lists_name_the_gaps_in_coverage() -> None:
    levers = compute_diagnostic(inputs()).levers

    assert levers["unheld"] == [lever(3, "Training")]
    assert levers["single_holder"] == [lever(2, "Procurement rules", "Chloé")]
    held = {("research", 1), ("use", 2)}
    assert levers["empty_cells"] == [
        Item("cell", lever_row.id, lever_row.name, family)
        for family in FAMILIES
        for lever_row in LEVERS
        if (family, lever_row.id) not in held
    ]


def test_actor_lists_name_the_idle_the_absent_and_the_brokers() -> None:
    report = attendance_of({5: {6, 7}, 2: {3, 5}}, actors=ACTORS)

    actors = compute_diagnostic(inputs(report=report)).actors

    assert actors["without_commitment"] == [actor(5, "Eve")]
    assert actors["absent_twice"] == [actor(5, "Eve")]
    # Alice joins Bob to Chloé and Dan: 2 of the 6 pairs of other actors (Eve included).
    assert actors["brokers"] == [actor(1, "Alice", "0.33")]


def test_communities_are_groups_of_actors_working_together() -> None:
    people = [ActorRow(i, f"Actor {i}", FAMILIES[i % 4], "lab") for i in range(1, 8)]
    actions = [
        ActionFacts(1, "One", "committed", None, 1),
        ActionFacts(2, "Two", "committed", None, 4),
    ]
    graph = build_graph(
        graph_data(actors=people, actions=actions, commitments={1: [1, 2, 3], 2: [4, 5, 6]})
    )

    found = compute_diagnostic(inputs(graph=graph, actions=actions, review_rows=[]))

    assert found.communities == [
        [actor(1, "Actor 1"), actor(2, "Actor 2"), actor(3, "Actor 3")],
        [actor(4, "Actor 4"), actor(5, "Actor 5"), actor(6, "Actor 6")],
    ]
    assert found.actors["brokers"] == []
    assert found.actors["without_commitment"] == [actor(7, "Actor 7")]


def test_attendance_covers_the_last_six_held_meetings_of_every_family() -> None:
    report = attendance_of({5: {6, 7}}, actors=[ACTORS[0], ACTORS[4]])

    rows = compute_diagnostic(inputs(report=report)).attendance

    numbers = [2, 3, 4, 5, 6, 7]
    assert rows == [
        {"family": "research", "meetings": numbers, "present": [1] * 6, "expected": [1] * 6},
        {"family": "use", "meetings": numbers, "present": [0] * 6, "expected": [0] * 6},
        {"family": "supply", "meetings": numbers, "present": [0] * 6, "expected": [0] * 6},
        {
            "family": "procurement",
            "meetings": numbers,
            "present": [1, 1, 1, 1, 0, 0],
            "expected": [1] * 6,
        },
    ]


def test_counts_sum_up_the_coalition() -> None:
    assert compute_diagnostic(inputs()).counts == {
        "actors": 5,
        "levers": 3,
        "actions": 5,
        "open_actions": 4,
        "holdings": 3,
        "commitments": 6,
        "status:blocked": 1,
        "status:committed": 1,
        "status:done": 1,
        "status:in_progress": 1,
        "status:proposed": 1,
    }


# -- changes -------------------------------------------------------------------------------


def event(
    minute: int,
    entity: str,
    verb: str,
    entity_id: int,
    actor_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeFacts:
    at = datetime(2026, 2, 1, 10, minute, tzinfo=UTC)
    return ChangeFacts(at, entity, verb, entity_id, actor_id, before, after)


def test_changes_are_sorted_from_the_audit_events() -> None:
    pledged = {"action_id": 10, "status": "pledged", "role": "contributor"}
    renewed = {"action_id": 11, "status": "pledged", "role": "lead"}
    withdrawn = {"action_id": 12, "status": "withdrawn", "name": "Gone Ltd"}
    events = [
        event(9, "commitment", "update", 40, 3, {**renewed, "status": "withdrawn"}, renewed),
        event(1, "commitment", "create", 41, 1, None, pledged),
        event(2, "commitment", "update", 42, 9, {**withdrawn, "status": "pledged"}, withdrawn),
        event(3, "commitment", "update", 41, 1, pledged, {**pledged, "role": "lead"}),
        event(4, "holding", "create", 50, 2, None, {"lever_id": 3, "capacity": 1}),
        event(5, "holding", "delete", 51, 3, {"lever_id": 2, "capacity": 3}, None),
        event(
            6,
            "holding",
            "update",
            52,
            1,
            {"lever_id": 1, "capacity": 2},
            {"lever_id": 1, "capacity": 3},
        ),
        event(
            7,
            "holding",
            "update",
            52,
            1,
            {"lever_id": 1, "capacity": 3, "note": ""},
            {"lever_id": 1, "capacity": 3, "note": "x"},
        ),
        event(8, "action", "review", 11, None, {"status": "committed"}, {"status": "blocked"}),
        event(10, "action", "update", 13, None, {"status": "committed"}, {"status": "committed"}),
        event(11, "action", "create", 14, None, None, {"status": "proposed"}),
        event(12, "actor", "create", 6, 6, None, {"name": "Newcomer", "status": "interested"}),
        event(
            13,
            "actor",
            "update",
            4,
            4,
            {"name": "Dan", "status": "member"},
            {"name": "Dan", "status": "left"},
        ),
        event(
            14,
            "actor",
            "update",
            3,
            3,
            {"name": "Chloé", "status": "left"},
            {"name": "Chloé", "status": "left"},
        ),
        event(15, "meeting", "create", 1, None, None, {"status": "planned"}),
    ]

    found = compute_diagnostic(
        inputs(changes=events, resources=[ResourceFacts(7, "Guide")])
    ).changes

    assert found == {
        "new_commitments": [
            action(10, "Audit models", "Alice"),
            action(11, "Build registry", "Chloé"),
        ],
        "withdrawn_commitments": [action(12, "Close the pilot", "Gone Ltd")],
        "holdings_added": [lever(3, "Training", "Bob")],
        "holdings_removed": [lever(2, "Procurement rules", "Chloé")],
        "holdings_changed": [lever(1, "Certification", "Alice: 2 → 3")],
        "status_changes": [action(11, "Build registry", "committed→blocked")],
        "new_actors": [actor(6, "Newcomer")],
        "actors_left": [actor(4, "Dan")],
        "new_resources": [Item("resource", 7, "Guide")],
    }


def test_change_labels_fall_back_on_the_action_list_then_on_nothing() -> None:
    graph = build_graph(graph_data(actions=[]))
    events = [
        event(1, "commitment", "create", 1, 42, None, {"action_id": 13, "status": "pledged"}),
        event(2, "commitment", "create", 2, None, None, {"action_id": 77, "status": "pledged"}),
    ]

    found = compute_diagnostic(inputs(graph=graph, changes=events)).changes["new_commitments"]

    assert found == [action(13, "Draft charter"), action(77, "")]


# -- an empty coalition, storage, agenda, comparison ---------------------------------------


def test_an_empty_coalition_gives_an_empty_diagnostic() -> None:
    graph = build_graph(graph_data(actors=[], levers=[], actions=[]))
    empty = inputs(
        graph=graph, actions=[], review_rows=[], report=attendance_of({}, held=1, actors=[])
    )

    diagnostic = compute_diagnostic(empty)

    assert diagnostic.counts == {
        "actors": 0,
        "levers": 0,
        "actions": 0,
        "open_actions": 0,
        "holdings": 0,
        "commitments": 0,
    }
    assert set(diagnostic.changes) == set(CHANGE_KEYS)
    every_list = [*diagnostic.changes.values(), *diagnostic.actions.values()]
    every_list += [*diagnostic.levers.values(), *diagnostic.actors.values()]
    assert all(items == [] for items in every_list)
    assert diagnostic.communities == []
    assert [row["meetings"] for row in diagnostic.attendance] == [[1]] * 4
    assert suggested_agenda(diagnostic) == []
    assert from_data(to_data(diagnostic)) == diagnostic


def test_diagnostic_round_trips_through_json() -> None:
    events = [
        event(
            1,
            "holding",
            "update",
            52,
            1,
            {"lever_id": 1, "capacity": 2},
            {"lever_id": 1, "capacity": 3},
        )
    ]
    diagnostic = compute_diagnostic(inputs(report=attendance_of({1: {2, 3}}), changes=events))

    data = json.loads(json.dumps(to_data(diagnostic)))

    assert from_data(data) == diagnostic
    assert data["levers"]["single_holder"] == [
        {"kind": "lever", "id": 2, "label": "Procurement rules", "detail": "Chloé"}
    ]


def test_suggested_agenda_lists_problem_actions_then_levers_once_each() -> None:
    diagnostic = compute_diagnostic(inputs())

    assert suggested_agenda(diagnostic) == [
        action(10, "Audit models", "in_progress"),
        action(11, "Build registry"),
        lever(3, "Training"),
        lever(2, "Procurement rules", "Chloé"),
    ]
    assert suggested_agenda(diagnostic, limit=2) == [
        action(10, "Audit models", "in_progress"),
        action(11, "Build registry"),
    ]


def diagnostic_with(lengths: dict[str, int], counts: dict[str, int]) -> Diagnostic:
    """A diagnostic whose lists named "section.key" hold that many items."""

    def lists(section: str, keys: Sequence[str]) -> dict[str, list[Item]]:
        return {
            key: [action(n, f"A{n}") for n in range(lengths.get(f"{section}.{key}", 0))]
            for key in keys
        }

    return Diagnostic(
        counts=counts,
        changes=lists("changes", CHANGE_KEYS),
        actions=lists(
            "actions",
            [
                "stalled",
                "overdue",
                "blocked",
                "without_lead",
                "without_commitment",
                "single_family",
            ],
        ),
        levers=lists("levers", ["unheld", "single_holder", "empty_cells"]),
        actors=lists("actors", ["without_commitment", "absent_twice", "brokers"]),
        communities=[],
        attendance=[],
    )


def test_compare_counts_fewer_problems_and_more_commitments_as_better() -> None:
    before = diagnostic_with(
        {"actions.stalled": 3, "levers.unheld": 1, "actors.brokers": 4, "changes.actors_left": 1},
        {"open_actions": 5, "holdings": 4, "commitments": 2},
    )
    after = diagnostic_with(
        {"actions.stalled": 1, "levers.unheld": 2, "actors.brokers": 1, "changes.actors_left": 1},
        {"open_actions": 6, "holdings": 3, "commitments": 2},
    )

    found = compare(before, after)

    assert [(c.section, c.key) for c in found] == [
        ("actions", "stalled"),
        ("actions", "overdue"),
        ("actions", "blocked"),
        ("actions", "without_lead"),
        ("actions", "without_commitment"),
        ("actions", "single_family"),
        ("levers", "unheld"),
        ("levers", "single_holder"),
        ("levers", "empty_cells"),
        ("actors", "without_commitment"),
        ("actors", "absent_twice"),
        ("changes", "withdrawn_commitments"),
        ("changes", "actors_left"),
        ("counts", "open_actions"),
        ("counts", "holdings"),
        ("counts", "commitments"),
    ]
    assert found[0] == Comparison("actions", "stalled", 3, 1, better=True)
    assert found[1].better is None
    assert found[6] == Comparison("levers", "unheld", 1, 2, better=False)
    assert found[12] == Comparison("changes", "actors_left", 1, 1, better=None)
    assert found[13:] == [
        Comparison("counts", "open_actions", 5, 6, better=True),
        Comparison("counts", "holdings", 4, 3, better=False),
        Comparison("counts", "commitments", 2, 2, better=None),
    ]


# -- speed ---------------------------------------------------------------------------------


def large_inputs(
    actor_count: int = 10_000, action_count: int = 2_000, meetings: int = 24
) -> DiagnosticInputs:
    """Shaped like the generator (coalition/seed/generate.py) at 10,000 actors."""
    rng = random.Random(1)
    people = [ActorRow(i, f"Actor {i}", FAMILIES[i % 4], "lab") for i in range(1, actor_count + 1)]
    levers = [LeverRow(i, f"Lever {i}") for i in range(1, 6)]
    statuses = ["proposed", "committed", "in_progress", "done", "blocked", "dropped"]
    actions = [
        ActionFacts(
            i,
            f"Action {i}",
            rng.choice(statuses),
            date(2022, 1, 1) + timedelta(days=rng.randint(0, 900)),
            rng.randint(1, actor_count) if rng.random() < 0.7 else None,
        )
        for i in range(1, action_count + 1)
    ]
    holdings = [
        HoldingRow(person.id, lever_id, rng.randint(1, 3))
        for person in people
        for lever_id in rng.sample(range(1, 6), rng.choice([0, 1, 1, 2, 3]))
    ]
    commitments = {a.id: rng.sample(range(1, actor_count + 1), rng.randint(0, 5)) for a in actions}
    graph = build_graph(
        graph_data(
            actors=people,
            levers=levers,
            actions=actions,
            holdings=holdings,
            commitments=commitments,
        )
    )
    review_rows = [
        ReviewFacts(
            a.id,
            number,
            meeting_start(number),
            rng.choice(["committed", "in_progress", "blocked"]),
            0,
        )
        for number in range(1, meetings + 1)
        for a in actions
        if rng.random() < 0.3
    ]
    absences = {
        person.id: {m for m in range(1, meetings + 1) if rng.random() < 0.2} for person in people
    }
    events = [
        event(
            n % 60,
            "commitment",
            "update",
            n,
            rng.randint(1, actor_count),
            {"action_id": rng.randint(1, action_count), "status": "pledged"},
            {
                "action_id": rng.randint(1, action_count),
                "status": rng.choice(["withdrawn", "active"]),
            },
        )
        for n in range(3_000)
    ]
    return inputs(
        graph=graph,
        actions=actions,
        review_rows=review_rows,
        report=attendance_of(absences, held=meetings, actors=people),
        changes=events,
        resources=[ResourceFacts(i, f"Resource {i}") for i in range(50)],
    )


def test_a_coalition_of_ten_thousand_actors_is_diagnosed() -> None:
    """Its speed is measured by bench/diagnostic.py, not here: a loaded machine would fail it."""
    large = large_inputs()
    assert len(large.reviews) > 13_000

    diagnostic = compute_diagnostic(large)

    assert diagnostic.counts["actors"] == 10_000
    assert diagnostic.actors["brokers"]


def test_each_suggested_item_says_why_it_is_suggested() -> None:
    diagnostic = compute_diagnostic(inputs())

    assert agenda_suggestions(diagnostic) == [
        Suggestion(action(10, "Audit models", "in_progress"), "stalled"),
        Suggestion(action(11, "Build registry"), "blocked"),
        Suggestion(lever(3, "Training"), "unheld"),
        Suggestion(lever(2, "Procurement rules", "Chloé"), "single_holder"),
    ]
    assert [s.item for s in agenda_suggestions(diagnostic)] == suggested_agenda(diagnostic)


def test_an_item_in_several_lists_keeps_its_first_reason() -> None:
    diagnostic = compute_diagnostic(inputs())
    audit = action(10, "Audit models", "in_progress")
    assert audit.id in {item.id for item in diagnostic.actions["overdue"]}  # stalled and late

    reasons = [
        (s.item.id, s.reason) for s in agenda_suggestions(diagnostic) if s.item.kind == "action"
    ]

    assert reasons == [(10, "stalled"), (11, "blocked")]
    assert agenda_suggestions(diagnostic, limit=1) == [Suggestion(audit, "stalled")]


def test_a_coverage_matrix_given_gives_the_same_diagnostic() -> None:
    given = inputs()
    matrix = coverage_matrix(given.graph)

    assert compute_diagnostic(given, coverage=matrix) == compute_diagnostic(given)


def test_items_are_stored_with_every_field_of_an_item() -> None:
    diagnostic = compute_diagnostic(inputs())
    data = to_data(diagnostic)
    sections = ("actions", "levers", "actors")
    items = [i for s in sections for v in getattr(diagnostic, s).values() for i in v]
    stored = [i for s in sections for v in data[s].values() for i in v]

    assert items and stored == [dataclasses.asdict(item) for item in items]
    assert [field.name for field in dataclasses.fields(Item)] == ["kind", "id", "label", "detail"]
