"""The diagnostic a facilitator reads before a meeting, computed from plain rows.

Pure functions: no database, no Flask. The caller builds the graph (graph.build_graph), loads
the actions, reviews, attendance, audit events and new resources, and hands them over as the
dataclasses below. The diagnostic is plain data, stored as JSON (to_data / from_data) so that
two meetings can be compared.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import networkx as nx

from coalition.diagnostics.changes import changes_since
from coalition.diagnostics.facts import (
    ACTION_KEYS,
    ACTOR_KEYS,
    ATTENDANCE_MEETINGS,
    CHANGE_KEYS,
    COMPARED_CHANGES,
    ENTRY_STATUSES,
    GROWING_COUNTS,
    LEVER_KEYS,
    OPEN_EXCLUDED,
    RECOMMENDATION_KEYS,
    UNNAMED,
    ActionFacts,
    CharterFacts,
    CharterSection,
    Comparison,
    Diagnostic,
    DiagnosticInputs,
    EntryFacts,
    Item,
    Names,
    RecommendationFacts,
    RegisterSection,
    ReviewFacts,
    lever_item,
)
from coalition.diagnostics.graph import (
    CoverageMatrix,
    actor_projection,
    brokers,
    communities,
    coverage_matrix,
    empty_cells,
    node_id,
    row_id,
    single_holder_levers,
    unheld_levers,
)
from coalition.meetings.attendance import FAMILIES, AttendanceReport

# -- the diagnostic ------------------------------------------------------------------------


def compute_diagnostic(
    inputs: DiagnosticInputs, *, coverage: CoverageMatrix | None = None
) -> Diagnostic:
    """`coverage`: the graph's coverage matrix when the caller has it already (the snapshot
    keeps it too), so that it is built once."""
    graph = inputs.graph
    committers = committers_by_action(graph)
    working, everyone = working_projection(graph)
    return Diagnostic(
        counts=counts(graph, inputs.actions),
        changes=changes_since(inputs),
        actions=action_lists(inputs, committers),
        levers=lever_lists(graph, coverage),
        actors=actor_lists(
            graph,
            inputs.attendance,
            committers,
            broker_items(working, everyone),
            unnamed=inputs.unnamed_label if inputs.public else None,
        ),
        communities=community_items(working),
        attendance=attendance_rows(inputs.attendance),
        recommendations=recommendation_lists(inputs),
        register=register_section(inputs.register),
        charter=charter_section(inputs.charter),
    )


def committers_by_action(graph: nx.Graph) -> dict[int, list[str]]:
    """Action id -> the actor nodes committed to it, from the graph's "commits" edges."""
    committers: dict[int, list[str]] = defaultdict(list)
    for first, second, relation in graph.edges(data="relation"):
        if relation == "commits":
            actor, action = (first, second) if _is_actor(graph, first) else (second, first)
            committers[row_id(action)].append(actor)
    return dict(committers)


def _is_actor(graph: nx.Graph, node: str) -> bool:
    return bool(graph.nodes[node].get("type") == "actor")


def counts(graph: nx.Graph, actions: Sequence[ActionFacts]) -> dict[str, int]:
    nodes = Counter(kind for _, kind in graph.nodes(data="type"))
    relations = Counter(relation for _, _, relation in graph.edges(data="relation"))
    statuses = Counter(action.status for action in actions)
    result = {
        "actors": nodes["actor"],
        "levers": nodes["lever"],
        "actions": len(actions),
        "open_actions": sum(_is_open(action) for action in actions),
        "holdings": relations["holds"],
        "commitments": relations["commits"],
    }
    result.update({f"status:{status}": count for status, count in sorted(statuses.items())})
    return result


def _is_open(action: ActionFacts) -> bool:
    return action.status not in OPEN_EXCLUDED


# -- actions -------------------------------------------------------------------------------


def action_lists(
    inputs: DiagnosticInputs, committers: dict[int, list[str]]
) -> dict[str, list[Item]]:
    open_actions = [action for action in inputs.actions if _is_open(action)]
    stalled = stalled_statuses(inputs.reviews)
    families = single_families(inputs.graph, committers)
    lists = {
        "stalled": [_action_item(a, stalled[a.id]) for a in open_actions if a.id in stalled],
        "overdue": [
            _action_item(a, a.target_date.isoformat())
            for a in open_actions
            if a.target_date is not None and a.target_date < inputs.today
        ],
        "blocked": [_action_item(a) for a in inputs.actions if a.status == "blocked"],
        "without_lead": [_action_item(a) for a in open_actions if a.lead_actor_id is None],
        "without_commitment": [_action_item(a) for a in open_actions if a.id not in committers],
        "single_family": [
            _action_item(a, families[a.id]) for a in open_actions if a.id in families
        ],
    }
    return {key: sorted(items, key=_label_order) for key, items in lists.items()}


def stalled_statuses(reviews: Iterable[ReviewFacts]) -> dict[int, str]:
    """Action id -> status, for actions whose last two reviews or more have the same status."""
    by_action: dict[int, list[ReviewFacts]] = defaultdict(list)
    for review in reviews:
        by_action[review.action_id].append(review)
    stalled = {}
    for action_id, history in by_action.items():
        if len(history) >= 2:
            last, previous = sorted(history, key=_review_order, reverse=True)[:2]
            if last.status == previous.status:
                stalled[action_id] = last.status
    return stalled


def _review_order(review: ReviewFacts) -> tuple[datetime, int]:
    return (review.starts_at, review.meeting_id)


def single_families(graph: nx.Graph, committers: dict[int, list[str]]) -> dict[int, str]:
    """Action id -> family, for actions whose committed actors all belong to one family."""
    single = {}
    for action_id, actors in committers.items():
        families = {graph.nodes[actor].get("family", "") for actor in actors}
        if len(families) == 1:
            single[action_id] = families.pop()
    return single


def _action_item(action: ActionFacts, detail: str = "") -> Item:
    return Item(kind="action", id=action.id, label=action.title, detail=detail)


def _label_order(item: Item) -> tuple[str, int]:
    return (item.label, item.id)


# -- recommendations ---------------------------------------------------------------------

RETAINED = ("retained", "partly_retained")
STANDING_STATUSES = ("blocked", "dropped")


def standing_actions(actions: Sequence[ActionFacts], reviews: Iterable[ReviewFacts]) -> set[int]:
    """Ids of the actions that do not move: blocked or dropped, or whose last two reviews
    show the same status and the same progress. A done action has moved; one reviewed once
    or never cannot be said to stand still."""
    by_action: dict[int, list[ReviewFacts]] = defaultdict(list)
    for review in reviews:
        by_action[review.action_id].append(review)
    standing = set()
    for action in actions:
        if action.status == "done":
            continue
        history = sorted(by_action.get(action.id, []), key=_review_order, reverse=True)
        same = len(history) >= 2 and (history[0].status, history[0].progress) == (
            history[1].status,
            history[1].progress,
        )
        if action.status in STANDING_STATUSES or same:
            standing.add(action.id)
    return standing


def recommendation_lists(inputs: DiagnosticInputs) -> dict[str, list[Item]]:
    """Recommendations still waiting for an answer, and those retained (fully or in part)
    whose every action stands still."""
    standing = standing_actions(inputs.actions, inputs.reviews)
    known = {action.id for action in inputs.actions}

    def stalled(recommendation: RecommendationFacts) -> bool:
        carried = [ident for ident in recommendation.action_ids if ident in known]
        retained = recommendation.answer_status in RETAINED
        return retained and bool(carried) and all(ident in standing for ident in carried)

    lists = {
        "unanswered": [r for r in inputs.recommendations if r.answer_status is None],
        "actions_stalled": [r for r in inputs.recommendations if stalled(r)],
    }
    return {
        key: sorted(
            (Item(kind="recommendation", id=r.id, label=r.title) for r in found),
            key=_label_order,
        )
        for key, found in lists.items()
    }


# -- the register and the charter -----------------------------------------------------------


def register_section(entries: Iterable[EntryFacts]) -> RegisterSection:
    """Published entries by status and owner family (every status and family given, zero
    when none), and those taking part in individual decisions without a published impact
    assessment, by name."""
    by_status = {status: dict.fromkeys(FAMILIES, 0) for status in ENTRY_STATUSES}
    missing = []
    for entry in entries:
        families = by_status.setdefault(entry.status, dict.fromkeys(FAMILIES, 0))
        families[entry.family] = families.get(entry.family, 0) + 1
        if entry.individual_decisions and not entry.published_assessment:
            missing.append(Item(kind="entry", id=entry.id, label=entry.name, detail=entry.status))
    return RegisterSection(by_status, sorted(missing, key=_label_order))


def charter_section(charter: CharterFacts | None) -> CharterSection:
    """By family, the signatures (of any version) made since the previous meeting started and
    before this one, and the actors that signed the current version (whenever they did)."""
    if charter is None or charter.current is None:
        return CharterSection(None, None, {}, {})
    since, current = dict.fromkeys(FAMILIES, 0), dict.fromkeys(FAMILIES, 0)
    for signature in charter.signatures:
        after_previous = charter.since is None or charter.since <= signature.signed_at
        if after_previous and signature.signed_at < charter.until:
            since[signature.family] = since.get(signature.family, 0) + 1
        if signature.version == charter.current:
            current[signature.family] = current.get(signature.family, 0) + 1
    return CharterSection(charter.current, charter.since, since, current)


# -- levers and actors ---------------------------------------------------------------------


def lever_lists(graph: nx.Graph, coverage: CoverageMatrix | None = None) -> dict[str, list[Item]]:
    """In the graph's lever order: the coalition's own order of its levers. `coverage`: the
    graph's coverage matrix, built here when not given."""
    names = Names(graph, {})
    matrix = coverage if coverage is not None else coverage_matrix(graph)
    return {
        "unheld": [lever_item(names, lever_id) for lever_id in unheld_levers(graph)],
        "single_holder": [
            lever_item(names, lever_id, names.actor(holder_id))
            for lever_id, holder_id in single_holder_levers(graph)
        ],
        "empty_cells": [
            Item(kind="cell", id=lever_id, label=names.node("lever", lever_id), detail=family)
            for family, lever_id in empty_cells(matrix)
        ],
    }


def actor_lists(
    graph: nx.Graph,
    attendance: AttendanceReport,
    committers: dict[int, list[str]],
    broker_list: list[Item],
    *,
    unnamed: str | None = None,
) -> dict[str, list[Item]]:
    """`unnamed`: for the public, who may not read anyone's attendance, the label each actor
    absent twice is counted under; None names them. Only the graph's actors are counted."""
    committed = {actor for actors in committers.values() for actor in actors}
    idle = [
        _actor_item(graph, node)
        for node, kind in graph.nodes(data="type")
        if kind == "actor" and node not in committed
    ]
    return {
        "without_commitment": sorted(idle, key=_label_order),
        "absent_twice": [
            Item(kind="actor", id=actor.id, label=actor.name)
            if unnamed is None
            else Item(kind=UNNAMED, id=0, label=unnamed)
            for actor in attendance.flagged
            if node_id("actor", actor.id) in graph
        ],
        "brokers": broker_list,
    }


def _actor_item(graph: nx.Graph, node: str, detail: str = "") -> Item:
    return Item(kind="actor", id=row_id(node), label=graph.nodes[node]["label"], detail=detail)


def working_projection(graph: nx.Graph) -> tuple[nx.Graph, int]:
    """The actor projection without the actors who work with nobody, and the number of
    actors of the whole projection. Those actors lie on no shortest path and belong to no
    community of two or more; leaving them out saves, for each sampled source of the
    betweenness, a set-up over all of them (at 10,000 actors, half the time of the brokers
    and most of Louvain's)."""
    projection = actor_projection(graph)
    everyone = projection.number_of_nodes()
    projection.remove_nodes_from(list(nx.isolates(projection)))
    return projection, everyone


def broker_items(working: nx.Graph, everyone: int) -> list[Item]:
    """graph.brokers, with scores normalised over every actor as on the whole projection."""
    if working.number_of_edges() == 0:
        return []
    factor = _ordered_pairs(working.number_of_nodes()) / _ordered_pairs(everyone)
    return [_actor_item(working, node, f"{score * factor:.2f}") for node, score in brokers(working)]


def _ordered_pairs(size: int) -> int:
    """The pairs of other actors a path through an actor can join: networkx's normalisation."""
    return max((size - 1) * (size - 2), 1)


def community_items(working: nx.Graph) -> list[list[Item]]:
    if working.number_of_edges() == 0:
        return []
    return [[_actor_item(working, node) for node in group] for group in communities(working)]


def attendance_rows(report: AttendanceReport) -> list[dict[str, Any]]:
    """Per family, present and expected actors at the last held meetings."""
    start = max(len(report.meetings) - ATTENDANCE_MEETINGS, 0)
    numbers = [meeting.number for meeting in report.meetings[start:]]
    by_family = {row.family: row for row in report.families}
    rows = []
    for family in FAMILIES:
        row = by_family.get(family)
        rows.append(
            {
                "family": family,
                "meetings": list(numbers),
                "present": row.present[start:] if row else [0] * len(numbers),
                "expected": row.expected[start:] if row else [0] * len(numbers),
            }
        )
    return rows


# -- storage, agenda and comparison --------------------------------------------------------


def to_data(diagnostic: Diagnostic) -> dict[str, Any]:
    """The diagnostic as JSON-able data: str, int, list, dict."""
    return {
        "counts": dict(diagnostic.counts),
        "changes": _lists_to_data(diagnostic.changes),
        "actions": _lists_to_data(diagnostic.actions),
        "levers": _lists_to_data(diagnostic.levers),
        "actors": _lists_to_data(diagnostic.actors),
        "communities": [[_item_data(item) for item in group] for group in diagnostic.communities],
        "attendance": [_copy_row(row) for row in diagnostic.attendance],
        "recommendations": _lists_to_data(diagnostic.recommendations),
        **_register_data(diagnostic.register),
        **_charter_data(diagnostic.charter),
    }


def from_data(data: dict[str, Any]) -> Diagnostic:
    """The diagnostic back from to_data; sections missing from older data come back empty."""
    return Diagnostic(
        counts={key: int(value) for key, value in data.get("counts", {}).items()},
        changes=_lists_from_data(data.get("changes", {}), CHANGE_KEYS),
        actions=_lists_from_data(data.get("actions", {}), ACTION_KEYS),
        levers=_lists_from_data(data.get("levers", {}), LEVER_KEYS),
        actors=_lists_from_data(data.get("actors", {}), ACTOR_KEYS),
        communities=[[_item(raw) for raw in group] for group in data.get("communities", [])],
        attendance=[_copy_row(row) for row in data.get("attendance", [])],
        recommendations=_lists_from_data(data["recommendations"], RECOMMENDATION_KEYS)
        if "recommendations" in data
        else {},
        register=_register_from_data(data["register"]) if "register" in data else None,
        charter=_charter_from_data(data["charter"]) if "charter" in data else None,
    )


def _register_data(section: RegisterSection | None) -> dict[str, Any]:
    if section is None:
        return {}
    return {
        "register": {
            "by_status": {status: dict(row) for status, row in section.by_status.items()},
            "without_assessment": [_item_data(item) for item in section.without_assessment],
        }
    }


def _register_from_data(raw: dict[str, Any]) -> RegisterSection:
    return RegisterSection(
        by_status={
            str(status): {str(family): int(count) for family, count in row.items()}
            for status, row in raw.get("by_status", {}).items()
        },
        without_assessment=[_item(item) for item in raw.get("without_assessment", [])],
    )


def _charter_data(section: CharterSection | None) -> dict[str, Any]:
    if section is None:
        return {}
    return {
        "charter": {
            "current": section.current,
            "since": section.since.isoformat() if section.since else None,
            "signed_since": dict(section.signed_since),
            "signed_current": dict(section.signed_current),
        }
    }


def _charter_from_data(raw: dict[str, Any]) -> CharterSection:
    current, since = raw.get("current"), raw.get("since")
    return CharterSection(
        current=int(current) if current is not None else None,
        since=datetime.fromisoformat(since) if since else None,
        signed_since={str(k): int(v) for k, v in raw.get("signed_since", {}).items()},
        signed_current={str(k): int(v) for k, v in raw.get("signed_current", {}).items()},
    )


def _lists_to_data(lists: dict[str, list[Item]]) -> dict[str, list[dict[str, Any]]]:
    return {key: [_item_data(item) for item in items] for key, items in lists.items()}


def _item_data(item: Item) -> dict[str, Any]:
    """dataclasses.asdict(item) without its recursive copy of each field: at 10,000 actors the
    13,000 items of a diagnostic take 2 ms instead of 35 ms."""
    return {"kind": item.kind, "id": item.id, "label": item.label, "detail": item.detail}


def _lists_from_data(raw: dict[str, Any], keys: Sequence[str]) -> dict[str, list[Item]]:
    every_key = dict.fromkeys([*keys, *raw])
    return {key: [_item(item) for item in raw.get(key, [])] for key in every_key}


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        kind=str(raw["kind"]),
        id=int(raw["id"]),
        label=str(raw["label"]),
        detail=str(raw.get("detail", "")),
    )


def _copy_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, list) else value for key, value in row.items()}


@dataclass(frozen=True)
class Suggestion:
    """An item suggested for the agenda and why: the key of the list it comes from
    (stalled, overdue, blocked, unheld, single_holder); the item's detail says more."""

    item: Item
    reason: str


SUGGESTION_SOURCES = (
    ("actions", "stalled"),
    ("actions", "overdue"),
    ("actions", "blocked"),
    ("levers", "unheld"),
    ("levers", "single_holder"),
)


def agenda_suggestions(diagnostic: Diagnostic, *, limit: int = 8) -> list[Suggestion]:
    """Stalled, overdue and blocked actions, then unheld and single-holder levers, once each,
    each with the first reason found for it."""
    suggestions: list[Suggestion] = []
    seen: set[tuple[str, int]] = set()
    for section, key in SUGGESTION_SOURCES:
        lists = diagnostic.actions if section == "actions" else diagnostic.levers
        for item in lists.get(key, []):
            if (item.kind, item.id) not in seen:
                seen.add((item.kind, item.id))
                suggestions.append(Suggestion(item, key))
    return suggestions[:limit]


def suggested_agenda(diagnostic: Diagnostic, *, limit: int = 8) -> list[Item]:
    """The suggested items without their reasons (see agenda_suggestions)."""
    return [suggestion.item for suggestion in agenda_suggestions(diagnostic, limit=limit)]


def compare(before: Diagnostic, after: Diagnostic) -> list[Comparison]:
    """List lengths (fewer problems is better), then counts (more is better)."""
    sections: list[tuple[str, Sequence[str], dict[str, list[Item]], dict[str, list[Item]]]] = [
        ("actions", ACTION_KEYS, before.actions, after.actions),
        ("levers", LEVER_KEYS, before.levers, after.levers),
        ("actors", [key for key in ACTOR_KEYS if key != "brokers"], before.actors, after.actors),
        ("changes", COMPARED_CHANGES, before.changes, after.changes),
    ]
    comparisons = [
        _comparison(section, key, len(old.get(key, [])), len(new.get(key, [])), fewer=True)
        for section, keys, old, new in sections
        for key in keys
    ]
    comparisons.extend(
        _comparison("counts", key, before.counts.get(key, 0), after.counts.get(key, 0))
        for key in GROWING_COUNTS
    )
    return comparisons


def _comparison(section: str, key: str, old: int, new: int, *, fewer: bool = False) -> Comparison:
    better = None if old == new else (new < old if fewer else new > old)
    return Comparison(section=section, key=key, before=old, after=new, better=better)
