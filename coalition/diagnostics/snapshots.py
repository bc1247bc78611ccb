"""A meeting's diagnostic as data: computed live for the facilitator, frozen when published.

The same dictionary shape serves both, so the page that shows a published diagnostic reads
nothing but its snapshot and never changes when the coalition's data does.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.digest import citizens_said
from coalition.core import labels
from coalition.diagnostics import charts, compute, graph, queries
from coalition.diagnostics.facts import Diagnostic, DiagnosticInputs, Item
from coalition.diagnostics.models import DiagnosticEntry
from coalition.meetings.attendance import FamilyAttendance
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.roadmap import timeline as timelines

NETWORK_FIGURE_LIMIT = 2000  # nodes; above, the snapshot keeps the tables without the network chart


@dataclass(frozen=True)
class LiveDiagnostic:
    diagnostic: Diagnostic
    inputs: DiagnosticInputs
    suggested: list[Item]


def live_diagnostic(
    session: Session, coalition: Coalition, meeting: Meeting, viewer: User | None, *, today: date
) -> LiveDiagnostic:
    inputs = queries.diagnostic_inputs(session, coalition, meeting, viewer, today=today)
    diagnostic = compute.compute_diagnostic(inputs)
    return LiveDiagnostic(diagnostic, inputs, compute.suggested_agenda(diagnostic))


def meeting_entries(session: Session, meeting: Meeting) -> list[DiagnosticEntry]:
    return list(
        session.scalars(
            select(DiagnosticEntry)
            .where(DiagnosticEntry.meeting_id == meeting.id)
            .order_by(DiagnosticEntry.position, DiagnosticEntry.id)
        )
    )


def _family_labels() -> dict[str, str]:
    return {family.value: str(label) for family, label in labels.family.items()}


def _status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in labels.action_status.items()}


def _coverage(network: nx.Graph) -> tuple[dict[str, Any], dict[str, Any]]:
    matrix = graph.coverage_matrix(network)
    lever_names = {
        graph.row_id(node): data["label"]
        for node, data in network.nodes(data=True)
        if data["type"] == "lever"
    }
    table = {
        "levers": [[lever_id, name] for lever_id, name in lever_names.items()],
        "cells": {
            family: {
                str(lever_id): [[h.actor_id, h.name, h.capacity] for h in holders]
                for lever_id, holders in cells.items()
            }
            for family, cells in matrix.items()
        },
    }
    figure = charts.coverage_heatmap(
        matrix,
        lever_names,
        _family_labels(),
        title=_("Qui détient quels leviers ?"),
        holders_label=_("Acteurs"),
    )
    return table, figure


def _timeline(
    session: Session, live: LiveDiagnostic, meeting: Meeting
) -> tuple[dict[str, Any], dict[str, Any]]:
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
    table = {
        "meetings": [[m.id, m.number, m.starts_at.isoformat()] for m in built.meetings],
        "actions": [[a.id, a.title, a.status] for a in built.actions],
        "cells": [
            [action_id, meeting_id, cell.status, cell.progress]
            for (action_id, meeting_id), cell in built.cells.items()
        ],
    }
    figure = charts.timeline_figure(
        built,
        _status_labels(),
        title=_("Les actions de rencontre en rencontre"),
        progress_label=_("Avancement (%)"),
    )
    return table, figure


def diagnostic_data(
    session: Session,
    coalition: Coalition,
    meeting: Meeting,
    live: LiveDiagnostic,
    entries: list[DiagnosticEntry],
) -> dict[str, Any]:
    """The whole diagnostic as JSON-able data: computed figures, chart data, written columns."""
    network = live.inputs.graph
    coverage_table, coverage_figure = _coverage(network)
    timeline_table, timeline_figure = _timeline(session, live, meeting)
    network_figure = None
    network_table: list[list[Any]] = []
    if network.number_of_nodes() <= NETWORK_FIGURE_LIMIT:
        network_table = [
            [data["label"], data["type"], data["family"], network.degree(node)]
            for node, data in network.nodes(data=True)
        ]
        network_figure = charts.network_figure(
            network,
            _family_labels(),
            {
                "actor": _("Acteur"),
                "lever": _("Levier"),
                "action": _("Action"),
                "axis": _("Approche"),
            },
            links_label=_("liens"),
        )
    diagnostic = live.diagnostic
    return {
        "format": 1,
        "coalition": coalition.name,
        "meeting": {
            "id": meeting.id,
            "number": meeting.number,
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
        },
        "computed": compute.to_data(diagnostic),
        "columns": {
            column.value: [entry.text for entry in entries if entry.column == column]
            for column in labels.diagnostic_column
        },
        "citizens": citizens_said(
            session,
            coalition.id,
            queries.since_previous_meeting(session, meeting),
            meeting.starts_at,
        ),
        "coverage": coverage_table,
        "timeline": timeline_table,
        "network": network_table,
        "figures": {
            "coverage": coverage_figure,
            "timeline": timeline_figure,
            "network": network_figure,
            "attendance": _attendance_figure(diagnostic),
            "statuses": charts.status_figure(
                diagnostic.counts,
                _status_labels(),
                title=_("Les actions par état"),
                actions_label=_("Actions"),
            ),
        },
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


def _attendance_figure(diagnostic: Diagnostic) -> dict[str, Any]:
    rows = diagnostic.attendance
    return charts.attendance_rates_figure(
        rows[0]["meetings"] if rows else [],
        [FamilyAttendance(row["family"], row["present"], row["expected"]) for row in rows],
        _family_labels(),
        title=_("Présence par famille"),
        rate_label=_("Présents (%)"),
    )


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
