"""What waits for a coalition's facilitators, gathered from several domains.

Plain functions over a session: no request, no logged-in user. Each list is short (`LIMIT`
items) and comes with the full count, so the page issues the same statements whatever the data.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import Row
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.web import queries

LIMIT = 5  # items shown in each list; the count says how many there are in all


@dataclass(frozen=True)
class NextMeeting:
    id: int
    number: int
    title: str
    starts_at: datetime
    agenda_items: int
    diagnostic_entries: int
    published: bool

    @property
    def needs_preparing(self) -> bool:
        return not self.published


@dataclass(frozen=True)
class ToDo:
    counts: dict[str, int]  # kind -> how many (see queries.KINDS)
    actions: list[Row[Any]]  # proposed by members: id, title, created_at
    resources: list[Row[Any]]  # awaiting moderation: id, title, created_at
    texts: list[Row[Any]]  # consultations with free text to review: id, title, status, pending
    meeting: NextMeeting | None  # the next planned meeting, prepared or not
    minutes: list[Row[Any]]  # held meetings whose minutes are unpublished
    invitations: list[Row[Any]]  # expired before anyone accepted them: id, email, expires_at

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def todo_for(session: Session, coalition: Coalition, *, now: datetime) -> ToDo:
    """Everything a facilitator of this coalition must act on, with a count for each kind."""
    row = queries.next_meeting(session, coalition, now=now)
    return ToDo(
        counts=counts_for(session, [coalition.id], now=now)[coalition.id],
        actions=queries.proposed_actions(session, coalition, LIMIT),
        resources=queries.submitted_resources(session, coalition, LIMIT),
        texts=queries.consultations_with_pending_texts(session, coalition, LIMIT),
        meeting=NextMeeting(**row._asdict()) if row is not None else None,
        minutes=queries.meetings_without_minutes(session, coalition, LIMIT),
        invitations=queries.expired_invitations(session, coalition, LIMIT, now=now),
    )


def counts_for(
    session: Session, coalition_ids: Sequence[int], *, now: datetime
) -> dict[int, dict[str, int]]:
    """Coalition id -> kind -> count, for several coalitions in one statement."""
    return queries.counts_by_coalition(session, coalition_ids, now=now)


def total_for(session: Session, coalition_id: int, *, now: datetime) -> int:
    """How many things wait in one coalition: the number the menu shows."""
    return sum(counts_for(session, [coalition_id], now=now)[coalition_id].values())


@dataclass(frozen=True)
class CoalitionToDo:
    slug: str
    name: str
    total: int


def facilitated(session: Session, user_id: int, *, now: datetime) -> list[CoalitionToDo]:
    """The coalitions a person runs (by membership), each with how many things wait there."""
    rows = queries.facilitated_coalitions(session, user_id)
    counts = counts_for(session, [row.id for row in rows], now=now)
    return [CoalitionToDo(row.slug, row.name, sum(counts[row.id].values())) for row in rows]


def landing_slugs(session: Session, user_id: int) -> list[str]:
    """The slugs of the coalitions a person runs by membership, to choose where login lands."""
    return [row.slug for row in queries.facilitated_coalitions(session, user_id)]


def landing_url(session: Session, user_id: int) -> str:
    """Where a login without `next` lands: the to-do page of the one coalition the person runs,
    the list of their to-do pages when they run several, else the list of coalitions."""
    facilitated = landing_slugs(session, user_id)
    if len(facilitated) == 1:
        return url_for("web.todo", slug=facilitated[0])
    if facilitated:
        return url_for("web.overview")
    return url_for("web.index")
