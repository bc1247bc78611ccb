"""A meeting's diagnostic as data: computed live for the facilitator, frozen when published.

The same dictionary shape serves both, so the page that shows a published diagnostic reads
nothing but its snapshot and never changes when the coalition's data does.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.digest import citizens_said
from coalition.diagnostics import charts, compute, graph, queries
from coalition.diagnostics.facts import UNNAMED, Diagnostic, DiagnosticInputs, Item
from coalition.diagnostics.models import DIAGNOSTIC_COLUMN_LABELS, DiagnosticEntry
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.roadmap import timeline as timelines

FORMAT = 2  # 1: plotly figures frozen in French (migration 0010 rewrote them into format 2)
NETWORK_FIGURE_LIMIT = 2000  # nodes; above, the snapshot keeps the tables without the network chart
TIMELINE_ACTIONS_SHOWN = 50  # actions; the pages show the first ones, the exports all of them


@dataclass(frozen=True)
class LiveDiagnostic:
    diagnostic: Diagnostic
    inputs: DiagnosticInputs
    suggested: list[Item]
    coverage: graph.CoverageMatrix | None = None  # of inputs.graph, when already built


def live_diagnostic(
    session: Session, coalition: Coalition, meeting: Meeting, viewer: User | None, *, today: date
) -> LiveDiagnostic:
    inputs = queries.diagnostic_inputs(session, coalition, meeting, viewer, today=today)
    coverage = graph.coverage_matrix(inputs.graph)  # for the lever lists and the coverage table
    diagnostic = compute.compute_diagnostic(inputs, coverage=coverage)
    return LiveDiagnostic(diagnostic, inputs, compute.suggested_agenda(diagnostic), coverage)


_paused = 0  # requests now computing a live diagnostic with the garbage collector paused
_pause_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a live diagnostic is computed and shown.

    At 10,000 actors the diagnostic makes hundreds of thousands of objects that live for a
    while (the rows, the graph, its lists, the page), and the collector, counting them, starts
    full collections again and again, each walking through every object of the process: 0.5 s
    of the page's 1.3 s. Those objects are freed by their reference counts as usual; what
    cycles they leave are collected once the collector runs again, when the last such request
    has ended."""
    global _paused
    with _pause_lock:
        ours = _paused > 0 or gc.isenabled()  # else paused by someone else: left to them
        if ours:
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        if ours:
            with _pause_lock:
                _paused -= 1
                if _paused == 0:
                    gc.enable()


def meeting_entries(session: Session, meeting: Meeting) -> list[DiagnosticEntry]:
    return list(
        session.scalars(
            select(DiagnosticEntry)
            .where(DiagnosticEntry.meeting_id == meeting.id)
            .order_by(DiagnosticEntry.position, DiagnosticEntry.id)
        )
    )


def _coverage(network: nx.Graph, matrix: graph.CoverageMatrix | None = None) -> dict[str, Any]:
    if matrix is None:
        matrix = graph.coverage_matrix(network)
    lever_names = {
        graph.row_id(node): data["label"]
        for node, data in network.nodes(data=True)
        if data["type"] == "lever"
    }
    return {
        "levers": [[lever_id, name] for lever_id, name in lever_names.items()],
        "cells": {
            family: {
                str(lever_id): [[h.actor_id, h.name, h.capacity] for h in holders]
                for lever_id, holders in cells.items()
            }
            for family, cells in matrix.items()
        },
    }


def _timeline(session: Session, live: LiveDiagnostic, meeting: Meeting) -> dict[str, Any]:
    meetings = [
        timelines.MeetingRow(id, number, title, starts_at)
        for id, number, title, starts_at in session.execute(
            select(Meeting.id, Meeting.number, Meeting.title, Meeting.starts_at).where(
                Meeting.coalition_id == meeting.coalition_id,
                Meeting.status != MeetingStatus.cancelled,
                Meeting.starts_at <= meeting.starts_at,
            )
        )
    ]
    built = timelines.build_timeline(
        [
            timelines.ActionRow(a.id, a.title, a.status)
            for a in sorted(live.inputs.actions, key=lambda a: a.title)
        ],
        meetings,
        [
            timelines.ReviewRow(r.action_id, r.meeting_id, r.status, r.progress)
            for r in live.inputs.reviews
        ],
    )
    return {
        "meetings": [[m.id, m.number, m.starts_at.isoformat(), m.title] for m in built.meetings],
        "actions": [[a.id, a.title, a.status] for a in built.actions],
        "cells": [
            [action_id, meeting_id, cell.status, cell.progress]
            for (action_id, meeting_id), cell in built.cells.items()
        ],
    }


def _network(network: nx.Graph) -> dict[str, Any]:
    """Nodes (key, label, type, family, links, x, y) in the graph's order, and links between
    keys; nothing above NETWORK_FIGURE_LIMIT nodes, where the chart is left out."""
    if not network.number_of_nodes() or network.number_of_nodes() > NETWORK_FIGURE_LIMIT:
        return {"nodes": [], "links": []}
    positions = charts.network_layout(network)
    return {
        "nodes": [
            [
                node,
                data["label"],
                data["type"],
                data["family"],
                network.degree(node),
                *positions[node],
            ]
            for node, data in network.nodes(data=True)
        ],
        "links": [[source, target] for source, target in network.edges()],
    }


def for_page(data: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """The diagnostic's data as a page shows it, and the number of actions of its timeline when
    the page shows only the first TIMELINE_ACTIONS_SHOWN of them (None when it shows them all).
    At 2,000 actions and 24 meetings the whole timeline, chart and table, weighed 7 MB of HTML;
    the Markdown and JSON exports keep every action."""
    timeline = data.get("timeline") or {}
    actions = timeline.get("actions", [])
    if len(actions) <= TIMELINE_ACTIONS_SHOWN:
        return data, None
    kept = actions[:TIMELINE_ACTIONS_SHOWN]
    ids = {action[0] for action in kept}
    shown = {
        **timeline,
        "actions": kept,
        "cells": [cell for cell in timeline.get("cells", []) if cell[0] in ids],
    }
    return {**data, "timeline": shown}, len(actions)


def _without_unnamed_labels(computed: dict[str, Any]) -> dict[str, Any]:
    """An actor counted without a name is shown in the viewer's language: no label is kept."""
    for section in ("changes", "actions", "levers", "actors"):
        for items in computed.get(section, {}).values():
            for item in items:
                if item["kind"] == UNNAMED:
                    item["label"] = ""
    return computed


def diagnostic_data(
    session: Session,
    coalition: Coalition,
    meeting: Meeting,
    live: LiveDiagnostic,
    entries: list[DiagnosticEntry],
) -> dict[str, Any]:
    """The whole diagnostic as JSON-able data (format 2): codes, ids, numbers and what people
    wrote (names, titles, entries), never a text in some language: charts and labels are made
    when the diagnostic is shown (`figures`), in the viewer's language."""
    return {
        "format": FORMAT,
        "coalition": coalition.name,
        "meeting": {
            "id": meeting.id,
            "number": meeting.number,
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
        },
        "computed": _without_unnamed_labels(compute.to_data(live.diagnostic)),
        "columns": {
            column.value: [entry.text for entry in entries if entry.column == column]
            for column in DIAGNOSTIC_COLUMN_LABELS
        },
        "citizens": citizens_said(
            session,
            coalition.id,
            queries.since_previous_meeting(session, meeting),
            meeting.starts_at,
        ),
        "coverage": _coverage(live.inputs.graph, live.coverage),
        "timeline": _timeline(session, live, meeting),
        "network": _network(live.inputs.graph),
    }


def published_data(
    session: Session,
    coalition: Coalition,
    meeting: Meeting,
    entries: list[DiagnosticEntry],
    *,
    today: date,
) -> dict[str, Any]:
    """What publishing freezes: the diagnostic as the public sees it, whoever publishes it
    (the facilitators' page shows them more: opted-out and departed actors, attendance)."""
    live = live_diagnostic(session, coalition, meeting, None, today=today)
    return diagnostic_data(session, coalition, meeting, live, entries)


def publish_starting_diagnostic(session: Session, coalition: Coalition) -> bool:
    """The starting diagnostic (items with no meeting) published as the first meeting's, as
    computed on that day; done once."""
    from coalition.diagnostics import service
    from coalition.diagnostics.models import DiagnosticSnapshot

    first = session.scalars(
        select(Meeting).where(Meeting.coalition_id == coalition.id).order_by(Meeting.starts_at)
    ).first()
    if first is None or first.status == MeetingStatus.cancelled:
        return False
    if session.scalar(
        select(DiagnosticSnapshot.id).where(DiagnosticSnapshot.meeting_id == first.id)
    ):
        return False
    starting = list(
        session.scalars(
            select(DiagnosticEntry)
            .where(
                DiagnosticEntry.coalition_id == coalition.id, DiagnosticEntry.meeting_id.is_(None)
            )
            .order_by(DiagnosticEntry.position, DiagnosticEntry.id)
        )
    )
    data = published_data(session, coalition, first, starting, today=first.starts_at.date())
    service.publish(session, first, data, by=None)
    return True
