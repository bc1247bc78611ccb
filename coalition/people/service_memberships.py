"""A person's place in a coalition: joining by an invitation, changing role or actor, leaving.

A membership is per coalition: one person may belong to several. A coalition keeps at least
one facilitator, unless an installation admin (who runs every coalition) decides otherwise.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.service import create_user
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.people.models import Invitation
from coalition.people.service import InvitationState, check_actor, state_of

MEMBERSHIP_FIELDS = ("role", "actor_id")


def check_usable(session: Session, invitation: Invitation, *, now: datetime) -> Actor | None:
    """Refuse an invitation that is no longer pending (or whose actor has left since); its
    actor (for a member) otherwise."""
    state = state_of(invitation, now)
    if state != InvitationState.pending:
        raise Conflict(CLOSED_MESSAGES[state], field="invitation")
    actor = session.get(Actor, invitation.actor_id) if invitation.actor_id else None
    coalition = session.get(Coalition, invitation.coalition_id)
    assert coalition is not None
    check_actor(coalition, invitation.role, actor)
    return actor


CLOSED_MESSAGES = {
    InvitationState.expired: _l(
        "Cette invitation a expiré : demandez à l'équipe d'animation de vous la renvoyer."
    ),
    InvitationState.revoked: _l("Cette invitation a été annulée par l'équipe d'animation."),
    InvitationState.accepted: _l(
        "Cette invitation a déjà servi : chaque lien ne fonctionne qu'une fois. "
        "Connectez-vous pour retrouver la coalition."
    ),
}


def _mark_accepted(
    session: Session, invitation: Invitation, user: User, *, now: datetime, joined: bool
) -> None:
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    session.flush()
    audit.record(
        session,
        entity="invitation",
        entity_id=invitation.id,
        action="accept" if joined else "accept_already_member",
        user_id=user.id,
        coalition_id=invitation.coalition_id,
        actor_id=invitation.actor_id,
        after={"user_id": user.id, "role": invitation.role.value},
    )


def accept(
    session: Session, invitation: Invitation, user: User, *, now: datetime
) -> Membership | None:
    """The signed-in user, whose address the invitation names, joins the coalition. When they
    already belong to it, the invitation is used up and None is returned."""
    if invitation.email != user.email:
        raise Conflict(_l("Cette invitation est adressée à une autre adresse e-mail."))
    actor = check_usable(session, invitation, now=now)
    existing = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.coalition_id == invitation.coalition_id
        )
    )
    if existing is not None:
        _mark_accepted(session, invitation, user, now=now, joined=False)
        return None
    coalition = session.get(Coalition, invitation.coalition_id)
    assert coalition is not None
    membership = add_membership(
        session, user=user, coalition=coalition, role=invitation.role, actor=actor, by=user
    )
    _mark_accepted(session, invitation, user, now=now, joined=True)
    return membership


def join(
    session: Session,
    invitation: Invitation,
    *,
    name: str,
    password: str,
    language: str,
    now: datetime,
) -> User:
    """A newcomer creates their account from the invitation (its address is theirs, proven by
    the link) and joins the coalition."""
    check_usable(session, invitation, now=now)
    user = create_user(session, email=invitation.email, name=name, password=password)
    user.language = language
    accept(session, invitation, user, now=now)
    return user


# -- changing and removing --------------------------------------------------------------


def _guard_last_facilitator(session: Session, membership: Membership, by: User | None) -> None:
    """Refuse to leave the coalition without a facilitator; an admin may (admins run every
    coalition). The other facilitators' rows are locked so that two demotions cannot cross."""
    if membership.role != MembershipRole.facilitator or (by is not None and by.is_admin):
        return
    others = session.scalars(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.coalition_id == membership.coalition_id,
            Membership.role == MembershipRole.facilitator,
            Membership.id != membership.id,
            User.is_active.is_(True),
        )
        .with_for_update(of=Membership)
    ).all()
    if not others:
        raise Conflict(
            _l(
                "C'est la dernière personne qui anime cette coalition : nommez ou invitez d'abord "
                "un autre animateur ou une autre animatrice (un administrateur peut aussi le "
                "faire)."
            ),
            field="role",
        )


def change_membership(
    session: Session,
    membership: Membership,
    coalition: Coalition,
    *,
    role: MembershipRole,
    actor: Actor | None,
    by: User | None,
) -> bool:
    """Give a person another role or actor in this coalition; False when nothing changed."""
    check_actor(coalition, role, actor)
    if role != MembershipRole.facilitator:
        _guard_last_facilitator(session, membership, by)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    membership.role = role
    membership.actor_id = actor.id if actor is not None and role == MembershipRole.member else None
    if not audit.changed(membership, before, MEMBERSHIP_FIELDS):
        return False
    audit.record_change(
        session,
        "membership",
        membership,
        "update",
        by=by,
        coalition_id=coalition.id,
        before={**before, "user_id": membership.user_id},
        fields=MEMBERSHIP_FIELDS,
        actor_id=membership.actor_id or before["actor_id"],
    )
    return True


def remove_membership(
    session: Session, membership: Membership, coalition: Coalition, *, by: User | None
) -> None:
    """The person leaves this coalition (their account and other coalitions stay); their open
    sessions lose its member pages at their next request, since each request reloads them."""
    _guard_last_facilitator(session, membership, by)
    before = {"user_id": membership.user_id, **audit.snapshot(membership, MEMBERSHIP_FIELDS)}
    session.delete(membership)
    session.flush()
    audit.record(
        session,
        entity="membership",
        entity_id=membership.id,
        action="delete",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        actor_id=before["actor_id"],
        before=before,
    )


def add_membership(
    session: Session,
    *,
    user: User,
    coalition: Coalition,
    role: MembershipRole,
    actor: Actor | None = None,
    by: User | None = None,
) -> Membership:
    if role == MembershipRole.member and actor is None:
        raise ValidationError(
            _l("Un membre représente un acteur : indiquez lequel."), field="actor"
        )
    if actor is not None and actor.coalition_id != coalition.id:
        raise ValidationError(_l("Cet acteur n'appartient pas à cette coalition."), field="actor")
    existing = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.coalition_id == coalition.id
        )
    )
    if existing is not None:
        raise Conflict(_l("Cette personne a déjà un rôle dans cette coalition."), field="user")
    membership = Membership(
        user_id=user.id,
        coalition_id=coalition.id,
        role=role,
        actor_id=actor.id if actor and role == MembershipRole.member else None,
    )
    session.add(membership)
    session.flush()
    audit.record(
        session,
        entity="membership",
        entity_id=membership.id,
        action="create",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        after={"user_id": user.id, "role": role.value, "actor_id": membership.actor_id},
    )
    return membership
