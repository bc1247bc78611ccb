"""Reads about the roadmap, filtered by what the viewer may see.

The board and the timeline load their rows in a fixed number of statements, whatever the
number of actions, meetings and reviews. Actors who opted out of the public directory stay
out of what the public sees (as in the directory and the graph).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from coalition.access import ACTORS, is_participant
from coalition.actors.models import Actor, ActorStatus, Family
from coalition.actors.queries import visible_actors
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.coalitions.naming import shown_name
from coalition.core.dates import PARIS
from coalition.core.folding import fold, folded, like_pattern
from coalition.core.paging import Page
from coalition.meetings.models import ActionReview, Decision, Meeting, MeetingStatus
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    HORIZON_LABELS,
    Action,
    ActionStatus,
    Commitment,
    CommitmentStatus,
    Objective,
    action_levers,
)
from coalition.roadmap.timeline import ActionRow, MeetingRow, ReviewRow, Timeline, build_timeline

LIVE_COMMITMENT = Commitment.status != CommitmentStatus.withdrawn
HELD_OR_PLANNED = Meeting.status != MeetingStatus.cancelled
BOARD_PAGE_SIZE = 100  # cards on a page of the board
TIMELINE_PAGE_SIZE = 50  # actions on a page of the timeline (24 meetings across)
ACTOR_CHOICES_LIMIT = 200  # past this many actors, the actor filter is a name to type
ACTOR_NAME_LIMIT = 200  # characters of a typed actor name that count


class BoardView(StrEnum):
    status = "status"
    axis = "axis"
    horizon = "horizon"


@dataclass(frozen=True)
class RoadmapFilters:
    """The board's and the timeline's query string: how to group, which actions to keep, and
    which page of them to show."""

    view: BoardView = BoardView.status
    lever_id: int | None = None
    family: Family | None = None
    actor_id: int | None = None
    actor_name: str = ""  # part of the name of an actor leading or committed
    page: int = 1

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (the view and the page aside), for links
        between pages."""
        values = {
            "lever": self.lever_id,
            "family": self.family,
            "actor": self.actor_id,
            "actor_name": self.actor_name or None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def action_or_404(
    session: Session, coalition: Coalition, action_id: int, *, with_levers: bool = False
) -> Action:
    query = select(Action).where(Action.id == action_id, Action.coalition_id == coalition.id)
    if with_levers:  # an edit replaces the levers: the current ones must be loaded
        query = query.options(selectinload(Action.levers))
    action = session.scalars(query).one_or_none()
    if action is None:
        abort(404)
    return action


def objective_or_404(session: Session, coalition: Coalition, objective_id: int) -> Objective:
    objective = session.scalars(
        select(Objective).where(
            Objective.id == objective_id, Objective.coalition_id == coalition.id
        )
    ).one_or_none()
    if objective is None:
        abort(404)
    return objective


def coalition_objectives(session: Session, coalition: Coalition) -> list[Objective]:
    return list(
        session.scalars(
            select(Objective)
            .where(Objective.coalition_id == coalition.id)
            .order_by(Objective.title)
        )
    )


def actor_choices(
    session: Session, coalition: Coalition, viewer: User | None
) -> list[Actor] | None:
    """The actors the viewer may see, by name, for the actor filter's select; None when there
    are more than `ACTOR_CHOICES_LIMIT` (the filter then asks for a name): one statement."""
    found = list(
        session.scalars(
            visible_actors(coalition, viewer)
            .order_by(Actor.name, Actor.id)
            .limit(ACTOR_CHOICES_LIMIT + 1)
        )
    )
    return found if len(found) <= ACTOR_CHOICES_LIMIT else None


def is_viewable_actor(
    session: Session, coalition: Coalition, viewer: User | None, actor_id: int
) -> bool:
    """Whether the actor filter names an actor the viewer may see."""
    found = _visible_actor_ids(coalition, viewer).where(Actor.id == actor_id)
    return session.execute(found.limit(1)).first() is not None


def lead_candidates(session: Session, coalition: Coalition, current: int | None) -> list[Actor]:
    """Actors still in the coalition, and the current lead even if it has left since."""
    still_in = Actor.status != ActorStatus.left
    return list(
        session.scalars(
            select(Actor)
            .where(
                Actor.coalition_id == coalition.id,
                or_(still_in, Actor.id == current) if current else still_in,
            )
            .order_by(Actor.name)
        )
    )


def _visible_actor_ids(coalition: Coalition, viewer: User | None) -> Select[Any]:
    return visible_actors(coalition, viewer).with_only_columns(Actor.id)


def _conditions(
    coalition: Coalition, viewer: User | None, filters: RoadmapFilters
) -> list[ColumnElement[bool]]:
    """Which actions of the coalition the filters keep."""
    conditions = [Action.coalition_id == coalition.id]
    if filters.lever_id is not None:
        using = select(action_levers.c.action_id).where(
            action_levers.c.lever_id == filters.lever_id
        )
        conditions.append(Action.id.in_(using))
    if filters.family is not None or filters.actor_id is not None or filters.actor_name:
        actors = _visible_actor_ids(coalition, viewer)
        if filters.family is not None:
            actors = actors.where(Actor.family == filters.family)
        if filters.actor_id is not None:
            actors = actors.where(Actor.id == filters.actor_id)
        if filters.actor_name:
            named = folded(Actor.name).like(like_pattern(fold(filters.actor_name)), escape="\\")
            actors = actors.where(named)
        committed = select(Commitment.action_id).where(
            LIVE_COMMITMENT, Commitment.actor_id.in_(actors)
        )
        conditions.append(or_(Action.lead_actor_id.in_(actors), Action.id.in_(committed)))
    return conditions


# -- the board ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    action: Action
    lead: Actor | None
    levers: list[str] = field(default_factory=list)
    live_commitments: int = 0
    progress: int | None = None  # at the latest review, None when never reviewed


def _latest_progress(session: Session, action_ids: Sequence[int]) -> dict[int, int]:
    """Each action's progress at its most recent review, by meeting date."""
    rank = (
        func.row_number()
        .over(
            partition_by=ActionReview.action_id,
            order_by=(Meeting.starts_at.desc(), ActionReview.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(ActionReview.action_id, ActionReview.progress, rank)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(ActionReview.action_id.in_(action_ids), HELD_OR_PLANNED)
        .subquery()
    )
    rows = session.execute(select(ranked.c.action_id, ranked.c.progress).where(ranked.c.rank == 1))
    return {int(action_id): int(progress) for action_id, progress in rows}


@dataclass(frozen=True)
class BoardPage:
    cards: list[Card]  # this page's, group after group, by title within a group
    totals: dict[Any, int]  # the filtered actions of every page, by status, horizon or axis id
    page: Page


def _grouping(view: BoardView, axes: Sequence[Axis]) -> tuple[Any, ColumnElement[Any]]:
    """The column the board groups by, and the rank of its groups in the board's order: every
    status, every horizon, or the axes in the coalition's order then "no axis"."""
    column: Any
    order: list[Any]
    if view == BoardView.status:
        column, order = Action.status, list(ACTION_STATUS_LABELS)
    elif view == BoardView.horizon:
        column, order = Action.horizon, list(HORIZON_LABELS)
    else:
        column, order = Action.axis_id, [axis.id for axis in axes]
    if not order:
        return column, literal(0)
    return column, case({value: n for n, value in enumerate(order)}, value=column, else_=len(order))


def board(
    session: Session,
    coalition: Coalition,
    viewer: User | None,
    filters: RoadmapFilters,
    *,
    levers: Sequence[Lever],
    axes: Sequence[Axis] = (),
) -> BoardPage:
    """One page of the filtered actions with what their cards show: six statements.

    Cards come group after group (see `_grouping`), by title within a group, so that a page
    holds whole groups or the start or end of one. `levers` are the coalition's, in their
    order; `axes` the coalition's, in theirs, for the view by axis."""
    conditions = _conditions(coalition, viewer, filters)
    column, rank = _grouping(filters.view, axes)
    totals: dict[Any, int] = dict(
        session.execute(select(column, func.count()).where(*conditions).group_by(column)).all()
    )
    page = Page.of(filters.page, sum(totals.values()), BOARD_PAGE_SIZE)
    actions = list(
        session.scalars(
            select(Action)
            .where(*conditions)
            .order_by(rank, Action.title, Action.id)
            .limit(page.size)
            .offset(page.offset)
        )
    )
    ids = [action.id for action in actions]
    lever_names = {lever.id: shown_name(lever) for lever in levers}  # in the coalition's order
    lever_rank = {lever_id: n for n, lever_id in enumerate(lever_names)}
    used: dict[int, list[int]] = {}
    for action_id, lever_id in session.execute(
        select(action_levers.c.action_id, action_levers.c.lever_id).where(
            action_levers.c.action_id.in_(ids)
        )
    ):
        used.setdefault(action_id, []).append(lever_id)
    counts = dict(
        session.execute(
            select(Commitment.action_id, func.count())
            .where(
                LIVE_COMMITMENT,
                Commitment.action_id.in_(ids),
                Commitment.actor_id.in_(_visible_actor_ids(coalition, viewer)),
            )
            .group_by(Commitment.action_id)
        ).all()
    )
    progress = _latest_progress(session, ids)
    lead_ids = {action.lead_actor_id for action in actions if action.lead_actor_id}
    leads = {
        actor.id: actor
        for actor in session.scalars(
            visible_actors(coalition, viewer).where(Actor.id.in_(lead_ids))
        )
    }
    cards = [
        Card(
            action,
            leads.get(action.lead_actor_id) if action.lead_actor_id else None,
            [lever_names[i] for i in sorted(used.get(action.id, []), key=lever_rank.__getitem__)],
            counts.get(action.id, 0),
            progress.get(action.id),
        )
        for action in actions
    ]
    return BoardPage(cards, totals, page)


# -- the timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinePage:
    timeline: Timeline  # this page's actions across every meeting
    page: Page


def timeline(
    session: Session, coalition: Coalition, viewer: User | None, filters: RoadmapFilters
) -> TimelinePage:
    """One page of the filtered actions (by title) across the meetings not cancelled: four
    statements.

    Meetings start in Europe/Paris time, as the chart and the table show them."""
    conditions = _conditions(coalition, viewer, filters)
    total = session.scalar(select(func.count()).select_from(Action).where(*conditions)) or 0
    page = Page.of(filters.page, total, TIMELINE_PAGE_SIZE)
    actions = [
        ActionRow(id, title, status.value)
        for id, title, status in session.execute(
            select(Action.id, Action.title, Action.status)
            .where(*conditions)
            .order_by(Action.title, Action.id)
            .limit(page.size)
            .offset(page.offset)
        )
    ]
    meetings = [
        MeetingRow(id, number, title, starts_at.astimezone(PARIS))
        for id, number, title, starts_at in session.execute(
            select(Meeting.id, Meeting.number, Meeting.title, Meeting.starts_at)
            .where(Meeting.coalition_id == coalition.id, HELD_OR_PLANNED)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ]
    reviews = [
        ReviewRow(action_id, meeting_id, status.value, progress)
        for action_id, meeting_id, status, progress in session.execute(
            select(
                ActionReview.action_id,
                ActionReview.meeting_id,
                ActionReview.status,
                ActionReview.progress,
            )
            .join(Meeting, Meeting.id == ActionReview.meeting_id)
            .where(
                Meeting.coalition_id == coalition.id,
                HELD_OR_PLANNED,
                ActionReview.action_id.in_([action.id for action in actions]),
            )
        )
    ]
    return TimelinePage(build_timeline(actions, meetings, reviews), page)


# -- an action's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSheet:
    action: Action
    axis: Axis | None
    objective: Objective | None
    lead: Actor | None  # None also when the viewer may not see the lead
    levers: list[Lever]
    commitments: list[Commitment]  # with their actor; live ones first
    reviews: list[tuple[ActionReview, Meeting]]  # meeting by meeting
    decisions: list[tuple[Decision, Meeting]]


def action_commitments(session: Session, action: Action, *, listed_only: bool) -> list[Commitment]:
    """The action's commitments with their actor, live ones first; `listed_only` for the public."""
    query = (
        select(Commitment)
        .join(Commitment.actor)
        .where(Commitment.action_id == action.id)
        .options(contains_eager(Commitment.actor))
        .order_by(Commitment.status == CommitmentStatus.withdrawn, Actor.name)
    )
    if listed_only:
        query = query.where(ACTORS.public())
    return list(session.scalars(query))


def action_sheet(session: Session, action: Action, viewer: User | None) -> ActionSheet:
    """Everything the action page shows, in seven statements at most.

    The public sees the decisions of meetings whose minutes are published."""
    coalition_id = action.coalition_id
    participant = is_participant(viewer, coalition_id)

    def visible(query: Select[Any]) -> Select[Any]:
        return query.where(ACTORS.where(viewer, coalition_id))

    axis = session.get(Axis, action.axis_id) if action.axis_id else None
    objective = session.get(Objective, action.objective_id) if action.objective_id else None
    lead = None
    if action.lead_actor_id:
        lead = session.scalars(
            visible(select(Actor).where(Actor.id == action.lead_actor_id))
        ).one_or_none()
    levers = session.scalars(
        select(Lever)
        .join(action_levers, action_levers.c.lever_id == Lever.id)
        .where(action_levers.c.action_id == action.id)
        .order_by(Lever.position, Lever.name)
    ).all()
    commitments = action_commitments(session, action, listed_only=not participant)
    reviews = session.execute(
        select(ActionReview, Meeting)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(ActionReview.action_id == action.id)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    decisions = select(Decision, Meeting).join(Meeting, Meeting.id == Decision.meeting_id)
    if not participant:
        decisions = decisions.where(Meeting.minutes_published_at.is_not(None))
    decided = session.execute(
        decisions.where(Decision.action_id == action.id).order_by(
            Meeting.starts_at, Decision.position, Decision.id
        )
    ).all()
    return ActionSheet(
        action,
        axis,
        objective,
        lead,
        list(levers),
        list(commitments),
        [(review, meeting) for review, meeting in reviews],
        [(decision, meeting) for decision, meeting in decided],
    )


# -- objectives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServingAction:
    """What the objectives page shows of an action: a link and its status."""

    id: int
    title: str
    status: ActionStatus


@dataclass(frozen=True)
class ObjectiveEntry:
    objective: Objective
    actions: list[ServingAction]


def objectives(session: Session, coalition: Coalition) -> list[ObjectiveEntry]:
    """The coalition's objectives (by title) with their actions: two statements."""
    serving: dict[int, list[ServingAction]] = {}
    for action_id, title, status, objective_id in session.execute(
        select(Action.id, Action.title, Action.status, Action.objective_id)
        .where(Action.coalition_id == coalition.id, Action.objective_id.is_not(None))
        .order_by(Action.title, Action.id)
    ):
        serving.setdefault(objective_id or 0, []).append(ServingAction(action_id, title, status))
    return [
        ObjectiveEntry(objective, serving.get(objective.id, []))
        for objective in coalition_objectives(session, coalition)
    ]
