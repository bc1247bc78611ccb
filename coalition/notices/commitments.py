"""Telling the people of an actor about the actions their actor committed to.

Decided from the data each time the command runs, for every open action (neither done nor
dropped) to which an actor still in the coalition holds a live (not withdrawn) commitment; the
people told are the current members who speak for that actor (a facilitator speaks for none):

- **due**: the action's target date is within `NEAR` (14 days, Europe/Paris) and not past.
  Once per date: subject "action:<id>:due", version the date's ordinal, so a new target date
  is told again, a date past or further away is not told.
- **stuck**: the action's two latest reviews (in the order of their meetings) have the same
  status. Once per pair: subject "action:<id>:stuck", version the latest review's id, so a
  third review with the same status again is told again. Only while that latest review is
  recent (recorded within `FRESH_FOR`, 14 days), so that a new install does not tell what was
  stuck long ago.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus
from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition
from coalition.core import dates
from coalition.core.dates import PARIS
from coalition.core.links import external_url
from coalition.meetings.models import ActionReview, Meeting
from coalition.notices.models import NoticeKind
from coalition.notices.recipients import sent_versions, turned_off
from coalition.notices.service import notify
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    CLOSED_ACTIONS,
    ROLE_LABELS,
    Action,
    Commitment,
    CommitmentStatus,
)

NEAR = timedelta(days=14)
FRESH_FOR = timedelta(days=14)


@dataclass(frozen=True)
class Committed:
    """A live commitment of an actor to an open action, with what a mail about it shows."""

    action: Action
    commitment: Commitment
    actor: Actor
    coalition: Coalition

    @property
    def action_url(self) -> str:
        return external_url("roadmap.action", slug=self.coalition.slug, action_id=self.action.id)


@dataclass(frozen=True)
class Reviewed:
    review: ActionReview
    meeting: Meeting


def due_key(action: Action) -> str:
    return f"action:{action.id}:due"


def stuck_key(action: Action) -> str:
    return f"action:{action.id}:stuck"


def queue_due(session: Session, now: datetime) -> int:
    """Write the commitment notices that are due to the outbox; how many were written."""
    return _queue_near(session, now) + _queue_stuck(session, now)


def _queue_near(session: Session, now: datetime) -> int:
    today = now.astimezone(PARIS).date()
    committed = _commitments(
        session,
        Action.target_date.is_not(None),
        Action.target_date >= today,
        Action.target_date <= today + NEAR,
    )
    if not committed:
        return 0
    people = _people(session, committed)
    sent = sent_versions(session, NoticeKind.commitment, (due_key(c.action) for c in committed))
    off = turned_off(session, NoticeKind.commitment)
    written = 0
    for line in committed:
        target = line.action.target_date
        assert target is not None  # the query keeps only those
        version = target.toordinal()
        for user in people.get((line.coalition.id, line.actor.id), []):
            if user.id in off or version in sent.get((user.id, due_key(line.action)), ()):
                continue
            written += notify(
                session,
                user=user,
                kind=NoticeKind.commitment,
                subject_key=due_key(line.action),
                version=version,
                coalition_id=line.coalition.id,
                subject=_l(
                    "Échéance proche : %(title)s, le %(day)s",
                    title=line.action.title,
                    day=LazyString(dates.date_text, target),
                ),
                template="commitment_due",
                context={
                    "line": line,
                    "role_labels": ROLE_LABELS,
                    "status_labels": ACTION_STATUS_LABELS,
                },
            )
    return written


def _queue_stuck(session: Session, now: datetime) -> int:
    recent = (
        select(ActionReview.action_id)
        .where(ActionReview.created_at >= now - FRESH_FOR)
        .scalar_subquery()
    )
    committed = _commitments(session, Action.id.in_(recent))
    if not committed:
        return 0
    latest = _latest_two_reviews(session, {c.action.id for c in committed})
    stuck = [
        (line, latest[line.action.id])
        for line in committed
        if line.action.id in latest and _has_not_moved(latest[line.action.id], now)
    ]
    if not stuck:
        return 0
    people = _people(session, [line for line, _ in stuck])
    sent = sent_versions(
        session, NoticeKind.commitment, (stuck_key(line.action) for line, _ in stuck)
    )
    off = turned_off(session, NoticeKind.commitment)
    written = 0
    for line, (before, last) in stuck:
        version = last.review.id
        for user in people.get((line.coalition.id, line.actor.id), []):
            if user.id in off or version in sent.get((user.id, stuck_key(line.action)), ()):
                continue
            written += notify(
                session,
                user=user,
                kind=NoticeKind.commitment,
                subject_key=stuck_key(line.action),
                version=version,
                coalition_id=line.coalition.id,
                subject=_l("Action à l'arrêt : %(title)s", title=line.action.title),
                template="commitment_stuck",
                context={
                    "line": line,
                    "reviews": [before, last],
                    "role_labels": ROLE_LABELS,
                    "status_labels": ACTION_STATUS_LABELS,
                },
            )
    return written


def _has_not_moved(reviews: tuple[Reviewed, Reviewed], now: datetime) -> bool:
    before, last = reviews
    return before.review.status == last.review.status and last.review.created_at >= now - FRESH_FOR


def _commitments(session: Session, *conditions: ColumnElement[bool]) -> list[Committed]:
    """The live commitments of actors still in their coalition to open actions that meet
    `conditions`."""
    rows = session.execute(
        select(Action, Commitment, Actor, Coalition)
        .join(Commitment, Commitment.action_id == Action.id)
        .join(Actor, Actor.id == Commitment.actor_id)
        .join(Coalition, Coalition.id == Action.coalition_id)
        .where(
            Action.status.not_in(CLOSED_ACTIONS),
            Commitment.status != CommitmentStatus.withdrawn,
            Actor.status != ActorStatus.left,
            *conditions,
        )
        .order_by(Action.id, Actor.id)
    ).all()
    return [Committed(*row) for row in rows]


def _people(session: Session, committed: Iterable[Committed]) -> dict[tuple[int, int], list[User]]:
    """The active members who speak for each actor now, by (coalition id, actor id)."""
    actor_ids = {line.actor.id for line in committed}
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.actor_id.in_(actor_ids),
            Membership.role == MembershipRole.member,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ).all()
    people: dict[tuple[int, int], list[User]] = defaultdict(list)
    for membership, user in rows:
        assert membership.actor_id is not None  # a member speaks for an actor
        people[(membership.coalition_id, membership.actor_id)].append(user)
    return people


def _latest_two_reviews(
    session: Session, action_ids: set[int]
) -> dict[int, tuple[Reviewed, Reviewed]]:
    """The two latest reviews of each of these actions reviewed at least twice, oldest
    first."""
    reviews: dict[int, list[Reviewed]] = defaultdict(list)
    for review, meeting in session.execute(
        select(ActionReview, Meeting)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(ActionReview.action_id.in_(action_ids))
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        reviews[review.action_id].append(Reviewed(review, meeting))
    return {
        action_id: (history[-2], history[-1])
        for action_id, history in reviews.items()
        if len(history) >= 2
    }
