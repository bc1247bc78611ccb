"""The coalition graph's rows, read in a fixed number of queries whatever its size."""

from datetime import date, datetime

import networkx as nx
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import ACTORS, is_participant
from coalition.actors.models import Actor, ActorStatus, Holding
from coalition.actors.queries import visible_actors
from coalition.auth.models import User
from coalition.charter.models import CharterVersion, Signature
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core.audit import AuditEvent
from coalition.diagnostics.facts import (
    ActionFacts,
    ChangeFacts,
    CharterFacts,
    DiagnosticInputs,
    EntryFacts,
    RecommendationFacts,
    ResourceFacts,
    ReviewFacts,
    SignatureFacts,
)
from coalition.diagnostics.graph import (
    ActionRow,
    ActorRow,
    AxisRow,
    CommitmentRow,
    GraphData,
    HoldingRow,
    LeverRow,
    build_graph,
    node_id,
    row_id,
)
from coalition.meetings import attendance
from coalition.meetings.models import ActionReview, Meeting, MeetingStatus
from coalition.meetings.queries import attendance_over_time
from coalition.recommendations.models import Recommendation, recommendation_actions
from coalition.register.models import RegisterEntry
from coalition.resources.models import Resource, ResourceStatus
from coalition.roadmap.models import Action, Commitment, CommitmentStatus, action_levers


def graph_data(session: Session, coalition: Coalition, viewer: User | None) -> GraphData:
    """Actors still in the coalition (the public sees listed ones), current levers and axes
    (retired ones are history: their holdings and links drop out of the graph), actions,
    holdings and live commitments: six queries."""
    visible = visible_actors(coalition, viewer).where(Actor.status != ActorStatus.left)
    actors = [
        ActorRow(id, name, family.value, kind.value)
        for id, name, family, kind in session.execute(
            visible.with_only_columns(Actor.id, Actor.name, Actor.family, Actor.kind).order_by(
                Actor.name
            )
        )
    ]
    levers = [
        LeverRow(id, name)
        for id, name in session.execute(
            select(Lever.id, Lever.name)
            .where(Lever.coalition_id == coalition.id, Lever.retired_at.is_(None))
            .order_by(Lever.position, Lever.name)
        )
    ]
    axes = [
        AxisRow(id, name)
        for id, name in session.execute(
            select(Axis.id, Axis.name)
            .where(Axis.coalition_id == coalition.id, Axis.retired_at.is_(None))
            .order_by(Axis.position, Axis.name)
        )
    ]
    lever_ids: dict[int, list[int]] = {}
    for action_id, lever_id in session.execute(
        select(action_levers.c.action_id, action_levers.c.lever_id)
        .join(Action, Action.id == action_levers.c.action_id)
        .where(Action.coalition_id == coalition.id)
    ):
        lever_ids.setdefault(action_id, []).append(lever_id)
    actions = [
        ActionRow(id, title, status.value, axis_id, tuple(sorted(lever_ids.get(id, []))))
        for id, title, status, axis_id in session.execute(
            select(Action.id, Action.title, Action.status, Action.axis_id)
            .where(Action.coalition_id == coalition.id)
            .order_by(Action.title)
        )
    ]
    holdings = [
        HoldingRow(actor_id, lever_id, capacity)
        for actor_id, lever_id, capacity in session.execute(
            select(Holding.actor_id, Holding.lever_id, Holding.capacity)
            .join(Actor, Actor.id == Holding.actor_id)
            .where(Actor.coalition_id == coalition.id)
        )
    ]
    commitments = [
        CommitmentRow(actor_id, action_id, role.value)
        for actor_id, action_id, role in session.execute(
            select(Commitment.actor_id, Commitment.action_id, Commitment.role)
            .join(Action, Action.id == Commitment.action_id)
            .where(
                Action.coalition_id == coalition.id,
                Commitment.status != CommitmentStatus.withdrawn,
            )
        )
    ]
    return GraphData(actors, levers, axes, actions, holdings, commitments)


def graph_levers(graph: nx.Graph) -> list[LeverRow]:
    return [
        LeverRow(row_id(node), attributes["label"])
        for node, attributes in graph.nodes(data=True)
        if attributes["type"] == "lever"
    ]


def lever_descriptions(session: Session, coalition: Coalition) -> dict[int, str]:
    rows = session.execute(
        select(Lever.id, Lever.description).where(Lever.coalition_id == coalition.id)
    )
    return dict(rows.all())


def since_previous_meeting(session: Session, meeting: Meeting) -> datetime | None:
    """When the previous (not cancelled) meeting started; None for the first one."""
    return session.scalar(
        select(func.max(Meeting.starts_at)).where(
            Meeting.coalition_id == meeting.coalition_id,
            Meeting.starts_at < meeting.starts_at,
            Meeting.status != MeetingStatus.cancelled,
        )
    )


def diagnostic_inputs(
    session: Session, coalition: Coalition, meeting: Meeting, viewer: User | None, *, today: date
) -> DiagnosticInputs:
    """Everything the diagnostic of a meeting is computed from, in a fixed number of queries,
    as the viewer may see it: for the public (viewer None, as when it is published), the
    actors the public sees, published resources and closed consultations only."""
    since = since_previous_meeting(session, meeting)
    graph = build_graph(graph_data(session, coalition, viewer))
    actions = [
        ActionFacts(id, title, status.value, target_date, lead)
        for id, title, status, target_date, lead in session.execute(
            select(
                Action.id, Action.title, Action.status, Action.target_date, Action.lead_actor_id
            ).where(Action.coalition_id == coalition.id)
        )
    ]
    reviews = [
        ReviewFacts(action_id, meeting_id, starts_at, status.value, progress)
        for action_id, meeting_id, starts_at, status, progress in session.execute(
            select(
                ActionReview.action_id,
                ActionReview.meeting_id,
                Meeting.starts_at,
                ActionReview.status,
                ActionReview.progress,
            )
            .join(Meeting, Meeting.id == ActionReview.meeting_id)
            .where(Meeting.coalition_id == coalition.id, Meeting.starts_at <= meeting.starts_at)
        )
    ]
    changes: list[ChangeFacts] = []
    new_resources: list[ResourceFacts] = []
    if since is not None:
        changes = [
            ChangeFacts(e.at, e.entity, e.action, e.entity_id, e.actor_id, e.before, e.after)
            for e in session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.coalition_id == coalition.id,
                    AuditEvent.at >= since,
                    AuditEvent.at < meeting.starts_at,
                )
                .order_by(AuditEvent.at, AuditEvent.id)
            )
        ]
        new_resources = [
            ResourceFacts(id, title)
            for id, title in session.execute(
                select(Resource.id, Resource.title).where(
                    Resource.coalition_id == coalition.id,
                    Resource.status == ResourceStatus.published,
                    Resource.created_at >= since,
                    Resource.created_at < meeting.starts_at,
                )
            )
        ]
    public = not is_participant(viewer, coalition.id)
    return DiagnosticInputs(
        graph=graph,
        actions=actions,
        reviews=reviews,
        attendance=attendance_of(
            attendance_over_time(session, coalition, recorded_only=True), graph
        ),
        changes=changes,
        new_resources=new_resources,
        today=today,
        public=public,
        unnamed_label=_("Un acteur non nommé") if public else "",
        recommendations=recommendation_facts(session, coalition),
        register=register_facts(session, coalition),
        charter=charter_facts(session, coalition, viewer, since=since, until=meeting.starts_at),
    )


def recommendation_facts(session: Session, coalition: Coalition) -> list[RecommendationFacts]:
    """The coalition's recommendations with their answer and actions, in one statement."""
    rows = session.execute(
        select(
            Recommendation.id,
            Recommendation.title,
            Recommendation.answer_status,
            recommendation_actions.c.action_id,
        )
        .outerjoin(
            recommendation_actions,
            recommendation_actions.c.recommendation_id == Recommendation.id,
        )
        .where(Recommendation.coalition_id == coalition.id)
        .order_by(Recommendation.id)
    ).all()
    found: dict[int, tuple[str, str | None, list[int]]] = {}
    for ident, title, status, action_id in rows:
        _, _, actions = found.setdefault(ident, (title, status.value if status else None, []))
        if action_id is not None:
            actions.append(action_id)
    return [
        RecommendationFacts(ident, title, status, tuple(actions))
        for ident, (title, status, actions) in found.items()
    ]


def register_facts(session: Session, coalition: Coalition) -> list[EntryFacts]:
    """The coalition's published register entries with their owner's family, in one
    statement. Drafts are counted for nobody: the public may not know of them, and a count
    that changed with the reader would not be the one published."""
    return [
        EntryFacts(ident, name, status.value, family.value, decisions, bool(assessment_url))
        for ident, name, status, family, decisions, assessment_url in session.execute(
            select(
                RegisterEntry.id,
                RegisterEntry.name,
                RegisterEntry.status,
                Actor.family,
                RegisterEntry.individual_decisions,
                RegisterEntry.impact_assessment_url,
            )
            .join(Actor, Actor.id == RegisterEntry.owner_id)
            .where(
                RegisterEntry.coalition_id == coalition.id,
                RegisterEntry.is_published.is_(True),
            )
        )
    ]


def charter_facts(
    session: Session,
    coalition: Coalition,
    viewer: User | None,
    *,
    since: datetime | None,
    until: datetime,
) -> CharterFacts:
    """The charter's versions and the signatures of the actors the viewer sees (the public:
    those of the directory, as on the charter's page), in one statement."""
    rows = session.execute(
        select(CharterVersion.number, Signature.signed_at, Actor.family)
        .outerjoin(Signature, Signature.version_id == CharterVersion.id)
        .outerjoin(
            Actor,
            (Actor.id == Signature.actor_id) & ACTORS.where(viewer, coalition.id),
        )
        .where(CharterVersion.coalition_id == coalition.id)
    ).all()
    return CharterFacts(
        current=max((number for number, _, _ in rows), default=None),
        signatures=[
            SignatureFacts(number, family.value, signed_at)
            for number, signed_at, family in rows
            if signed_at is not None and family is not None
        ],
        since=since,
        until=until,
    )


def attendance_of(
    report: attendance.AttendanceReport, graph: nx.Graph
) -> attendance.AttendanceReport:
    """The attendance of the graph's actors only (for the public, those of the directory):
    the others count neither in their family's figures nor among the absent."""
    kept = [row for row in report.actors if graph.has_node(node_id("actor", row.actor.id))]
    if len(kept) == len(report.actors):
        return report
    presences = [
        attendance.PresenceRow(meeting.id, row.actor.id, cell)
        for row in kept
        for meeting, cell in zip(report.meetings, row.cells, strict=True)
        if cell is not None
    ]
    return attendance.attendance_report(report.meetings, [row.actor for row in kept], presences)
