"""The installation's reads: every coalition with its facilitators, the accounts."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition
from coalition.core.folding import fold, folded, like_pattern
from coalition.people.models import Invitation

USERS_PAGE_SIZE = 50
SEARCH_WORDS = 8  # more words than this in a search are ignored


@dataclass(frozen=True)
class CoalitionStaff:
    coalition: Coalition
    facilitators: list[User]
    invitations: list[Invitation]  # pending facilitator invitations


def coalitions_with_staff(session: Session, *, now: datetime) -> list[CoalitionStaff]:
    """Every coalition with its facilitators and pending facilitator invitations (3 statements)."""
    coalitions = session.scalars(select(Coalition).order_by(Coalition.name, Coalition.id)).all()
    facilitators: dict[int, list[User]] = defaultdict(list)
    rows = session.execute(
        select(Membership.coalition_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role == MembershipRole.facilitator)
        .order_by(User.name, User.id)
    )
    for coalition_id, user in rows:
        facilitators[coalition_id].append(user)
    invitations: dict[int, list[Invitation]] = defaultdict(list)
    pending = session.scalars(
        select(Invitation)
        .where(
            Invitation.role == MembershipRole.facilitator,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.email)
    )
    for invitation in pending:
        invitations[invitation.coalition_id].append(invitation)
    return [CoalitionStaff(c, facilitators[c.id], invitations[c.id]) for c in coalitions]


def search_words(q: str) -> list[str]:
    return fold(q).split()[:SEARCH_WORDS]


@dataclass(frozen=True)
class MembershipLine:
    coalition: Coalition
    role: MembershipRole
    actor_name: str | None


@dataclass(frozen=True)
class UserLine:
    user: User
    memberships: list[MembershipLine]


@dataclass(frozen=True)
class UsersPage:
    lines: list[UserLine]
    total: int
    page: int  # the one asked for, or the last
    pages: int


def _matching_users(q: str) -> Select[User]:
    """Accounts whose name or address holds every word of the search."""
    query = select(User)
    name, email = folded(User.name), folded(User.email)
    conditions = []
    for word in search_words(q):
        pattern = like_pattern(word)
        conditions.append(or_(name.like(pattern, escape="\\"), email.like(pattern, escape="\\")))
    return query.where(and_(*conditions)) if conditions else query


def users_page(session: Session, *, q: str, page: int) -> UsersPage:
    """One page of the accounts matching the search, by name, with their memberships
    (3 statements whatever the number of accounts)."""
    matching = _matching_users(q)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = max(1, -(-total // USERS_PAGE_SIZE))
    page = min(page, pages)
    users = session.scalars(
        matching.order_by(User.name, User.id)
        .limit(USERS_PAGE_SIZE)
        .offset((page - 1) * USERS_PAGE_SIZE)
    ).all()
    lines: dict[int, list[MembershipLine]] = {user.id: [] for user in users}
    if users:
        rows = session.execute(
            select(Membership.user_id, Membership.role, Coalition, Actor.name)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .outerjoin(Actor, Actor.id == Membership.actor_id)
            .where(Membership.user_id.in_(lines))
            .order_by(Coalition.name, Coalition.id)
        )
        for user_id, role, coalition, actor_name in rows:
            lines[user_id].append(MembershipLine(coalition, role, actor_name))
    return UsersPage([UserLine(user, lines[user.id]) for user in users], total, page, pages)
