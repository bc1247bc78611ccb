"""Reads of the "Personnes" page: the people of a coalition, its invitations, its actors."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor, ActorStatus
from coalition.auth.models import Membership, User
from coalition.coalitions.models import Coalition
from coalition.core.tokens import token_hash
from coalition.people.models import Invitation
from coalition.people.service import InvitationState, state_of

# A user read here may be the viewer, whose memberships every page reads (permissions, menu):
# loaded with them, so that a page drawn again after a rollback finds them.
_WITH_MEMBERSHIPS = selectinload(User.memberships)


@dataclass(frozen=True)
class Person:
    membership: Membership
    user: User
    actor_name: str | None


@dataclass(frozen=True)
class OpenInvitation:
    invitation: Invitation
    actor_name: str | None
    state: InvitationState  # pending or expired

    @property
    def is_expired(self) -> bool:
        return self.state == InvitationState.expired


def people(session: Session, coalition: Coalition) -> list[Person]:
    """Everyone in the coalition, facilitators first, then by name (one statement)."""
    rows = session.execute(
        select(Membership, User, Actor.name)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Actor, Actor.id == Membership.actor_id)
        .where(Membership.coalition_id == coalition.id)
        .order_by(Membership.role, User.name, User.id)  # "facilitator" < "member"
        .options(_WITH_MEMBERSHIPS)
    ).all()
    return [Person(membership, user, actor_name) for membership, user, actor_name in rows]


def open_invitations(
    session: Session, coalition: Coalition, *, now: datetime
) -> list[OpenInvitation]:
    """Invitations neither accepted nor revoked, newest first: pending ones and expired ones
    (which may be sent again)."""
    rows = session.execute(
        select(Invitation, Actor.name)
        .outerjoin(Actor, Actor.id == Invitation.actor_id)
        .where(
            Invitation.coalition_id == coalition.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.last_sent_at.desc(), Invitation.id.desc())
    ).all()
    return [OpenInvitation(inv, name, state_of(inv, now)) for inv, name in rows]


def open_actors(session: Session, coalition: Coalition) -> list[Actor]:
    """The actors a member may speak for: those that have not left, by name."""
    return list(
        session.scalars(
            select(Actor)
            .where(Actor.coalition_id == coalition.id, Actor.status != ActorStatus.left)
            .order_by(Actor.name)
        )
    )


def person_or_404(session: Session, coalition: Coalition, membership_id: int) -> Person:
    row = session.execute(
        select(Membership, User, Actor.name)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Actor, Actor.id == Membership.actor_id)
        .where(Membership.id == membership_id, Membership.coalition_id == coalition.id)
        .options(_WITH_MEMBERSHIPS)
    ).one_or_none()
    if row is None:
        abort(404)
    return Person(*row)


def invitation_or_404(session: Session, coalition: Coalition, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.coalition_id != coalition.id:
        abort(404)
    return invitation


def invitation_by_token(session: Session, token: str, *, lock: bool = False) -> Invitation | None:
    """The invitation this link's secret opens (only its hash is stored); `lock` holds its row
    until the transaction ends, so that two tabs cannot both use it."""
    query = select(Invitation).where(Invitation.token_hash == token_hash(token))
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()
