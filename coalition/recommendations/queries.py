"""Reads of recommendations: the list with its filters, one recommendation's page, the feed,
and what the forms offer (the coalition's own workshops, consultations, issues, actors, actions).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coalition.access import ACTORS, CONSULTATIONS, WORKSHOPS
from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Consultation
from coalition.meetings.models import ActionReview, Meeting
from coalition.recommendations.models import AnswerStatus, Recommendation
from coalition.roadmap.models import Action
from coalition.workshops.models import CommonIssue, GeneralObjective, Workshop

FEED_LIMIT = 50
UNANSWERED = "none"  # the list's filter value for recommendations still waiting for an answer


def recommendation_or_404(
    session: Session, coalition: Coalition, recommendation_id: int
) -> Recommendation:
    """The coalition's recommendation with its issues and actions (reloaded after a rollback)."""
    recommendation = session.scalars(
        select(Recommendation)
        .where(Recommendation.id == recommendation_id, Recommendation.coalition_id == coalition.id)
        .options(selectinload(Recommendation.issues), selectinload(Recommendation.actions))
        .execution_options(populate_existing=True)
    ).one_or_none()
    if recommendation is None:
        abort(404)
    return recommendation


@dataclass(frozen=True)
class ListFilters:
    status: AnswerStatus | None = None
    unanswered: bool = False
    objective: GeneralObjective | None = None


def parse_filters(status: str, objective: str) -> ListFilters | None:
    """The list's filters from the query string; None when a value is unknown."""
    try:
        chosen_status = AnswerStatus(status) if status and status != UNANSWERED else None
        chosen_objective = GeneralObjective(objective) if objective else None
    except ValueError:
        return None
    return ListFilters(chosen_status, status == UNANSWERED, chosen_objective)


def recommendations(
    session: Session, coalition: Coalition, filters: ListFilters
) -> list[Recommendation]:
    """The coalition's recommendations, latest first, with their actions."""
    query = select(Recommendation).where(Recommendation.coalition_id == coalition.id)
    if filters.unanswered:
        query = query.where(Recommendation.answer_status.is_(None))
    elif filters.status is not None:
        query = query.where(Recommendation.answer_status == filters.status)
    if filters.objective is not None:
        query = query.where(Recommendation.objectives.contains(filters.objective.value))
    return list(
        session.scalars(
            query.options(selectinload(Recommendation.actions)).order_by(
                Recommendation.created_at.desc(), Recommendation.id.desc()
            )
        )
    )


@dataclass(frozen=True)
class ActionProgress:
    action: Action
    reviews: list[tuple[ActionReview, Meeting]]  # meeting by meeting, as the action page


@dataclass(frozen=True)
class RecommendationSheet:
    recommendation: Recommendation
    source: Workshop | Consultation | None  # None too when the viewer may not see it
    answered_by: Actor | None  # None: the coalition itself (or an actor the viewer may not see)
    actions: list[ActionProgress]


def recommendation_sheet(
    session: Session, recommendation: Recommendation, viewer: User | None
) -> RecommendationSheet:
    coalition_id = recommendation.coalition_id
    source: Workshop | Consultation | None = None
    if recommendation.workshop_id is not None:
        workshop = session.get(Workshop, recommendation.workshop_id)
        source = workshop if workshop and WORKSHOPS.sees(viewer, workshop) else None
    elif recommendation.consultation_id is not None:
        consultation = session.get(Consultation, recommendation.consultation_id)
        visible = consultation and CONSULTATIONS.sees(viewer, consultation)
        source = consultation if visible else None
    answered_by = None
    if recommendation.answered_by_actor_id is not None:
        answered_by = session.scalars(
            select(Actor).where(
                Actor.id == recommendation.answered_by_actor_id,
                ACTORS.where(viewer, coalition_id),
            )
        ).one_or_none()
    actions = sorted(recommendation.actions, key=lambda a: (a.title, a.id))
    reviews: dict[int, list[tuple[ActionReview, Meeting]]] = defaultdict(list)
    if actions:
        rows = session.execute(
            select(ActionReview, Meeting)
            .join(Meeting, Meeting.id == ActionReview.meeting_id)
            .where(ActionReview.action_id.in_([a.id for a in actions]))
            .order_by(Meeting.starts_at, Meeting.id)
        ).all()
        for review, meeting in rows:
            reviews[review.action_id].append((review, meeting))
    return RecommendationSheet(
        recommendation,
        source,
        answered_by,
        [ActionProgress(action, reviews[action.id]) for action in actions],
    )


def latest_changes(session: Session, coalition: Coalition) -> list[Recommendation]:
    """The feed's recommendations: the latest recorded or answered, newest first."""
    found = session.scalars(
        select(Recommendation)
        .where(Recommendation.coalition_id == coalition.id)
        .order_by(Recommendation.updated_at.desc(), Recommendation.id.desc())
        .limit(FEED_LIMIT)
    )
    return list(found)


def last_change(session: Session, coalition: Coalition) -> datetime:
    """When the feed last changed: the coalition or any of its recommendations."""
    latest = session.scalar(
        select(func.max(Recommendation.updated_at)).where(
            Recommendation.coalition_id == coalition.id
        )
    )
    return max(coalition.updated_at, latest) if latest else coalition.updated_at


# -- what the forms offer ----------------------------------------------------------------


def coalition_workshops(session: Session, coalition: Coalition) -> list[Workshop]:
    return list(
        session.scalars(
            select(Workshop).where(Workshop.coalition_id == coalition.id).order_by(Workshop.title)
        )
    )


def coalition_consultations(session: Session, coalition: Coalition) -> list[Consultation]:
    return list(
        session.scalars(
            select(Consultation)
            .where(Consultation.coalition_id == coalition.id)
            .order_by(Consultation.title)
        )
    )


def coalition_issues(session: Session, coalition: Coalition) -> list[tuple[CommonIssue, str]]:
    """The common issues of the coalition's workshops, each with its workshop's title."""
    rows = session.execute(
        select(CommonIssue, Workshop.title)
        .join(Workshop, Workshop.id == CommonIssue.workshop_id)
        .where(Workshop.coalition_id == coalition.id)
        .order_by(Workshop.title, CommonIssue.position, CommonIssue.id)
    ).all()
    return [(issue, title) for issue, title in rows]


def coalition_actors(session: Session, coalition: Coalition) -> list[Actor]:
    return list(
        session.scalars(
            select(Actor).where(Actor.coalition_id == coalition.id).order_by(Actor.name)
        )
    )


def coalition_actions(session: Session, coalition: Coalition) -> list[Action]:
    return list(
        session.scalars(
            select(Action).where(Action.coalition_id == coalition.id).order_by(Action.title)
        )
    )
