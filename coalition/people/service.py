"""Bringing people into a coalition: invitations by mail, resent or revoked.

Accepting an invitation, changing a person's role or actor and removing them are in
`service_memberships.py`.
"""

import enum
import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus
from coalition.actors.service import ActorDetails, create_actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.service import normalise_email, valid_email
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, DomainError, ValidationError
from coalition.core.links import external_url
from coalition.core.tokens import new_token
from coalition.mail.outbox import queue_mail
from coalition.people.models import Invitation

INVITATION_LIFETIME = timedelta(days=14)
MAX_ADDRESSES = 100  # in one invitation form
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


class InvitationState(enum.StrEnum):
    pending = "pending"
    expired = "expired"
    revoked = "revoked"
    accepted = "accepted"


def state_of(invitation: Invitation, now: datetime) -> InvitationState:
    if invitation.accepted_at is not None:
        return InvitationState.accepted
    if invitation.revoked_at is not None:
        return InvitationState.revoked
    if invitation.expires_at <= now:
        return InvitationState.expired
    return InvitationState.pending


def is_pending(invitation: Invitation, now: datetime) -> bool:
    return state_of(invitation, now) == InvitationState.pending


def parse_addresses(text: str) -> list[str]:
    """The addresses of a list typed by hand (commas, semicolons, spaces or new lines between
    them), normalised, each once, in their order. Their syntax is checked by `invite_many`."""
    addresses = list(dict.fromkeys(normalise_email(a) for a in ADDRESS_SEPARATORS.split(text) if a))
    if not addresses:
        raise ValidationError(_l("Indiquez au moins une adresse e-mail."), field="emails")
    if len(addresses) > MAX_ADDRESSES:
        raise ValidationError(
            _l("Au plus %(max)d adresses à la fois.", max=MAX_ADDRESSES), field="emails"
        )
    return addresses


def _pending_for(
    session: Session, coalition: Coalition, email: str, now: datetime
) -> Invitation | None:
    return session.scalars(
        select(Invitation).where(
            Invitation.coalition_id == coalition.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    ).first()


def _already_in(session: Session, coalition: Coalition, email: str) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.coalition_id == coalition.id, User.email == email)
        )
    )


def address_problem(
    session: Session, coalition: Coalition, email: str, now: datetime
) -> DomainError | None:
    """Why this (normalised) address cannot be invited, or None. Whether it has an account
    is never part of the answer: only the coalition's own people and invitations are."""
    if not valid_email(email):
        return ValidationError(
            _l("Adresse e-mail invalide : %(email)s", email=email), field="emails"
        )
    if _already_in(session, coalition, email):
        return Conflict(
            _l("%(email)s fait déjà partie de cette coalition.", email=email), field="emails"
        )
    if _pending_for(session, coalition, email, now) is not None:
        return Conflict(
            _l(
                "%(email)s a déjà une invitation en attente : renvoyez-la depuis la liste.",
                email=email,
            ),
            field="emails",
        )
    return None


def check_actor(coalition: Coalition, role: MembershipRole, actor: Actor | None) -> None:
    """A member speaks for an actor of this coalition that has not left it."""
    if role != MembershipRole.member:
        return
    if actor is None:
        raise ValidationError(
            _l("Un membre représente un acteur : indiquez lequel."), field="actor"
        )
    if actor.coalition_id != coalition.id:
        raise ValidationError(_l("Cet acteur n'appartient pas à cette coalition."), field="actor")
    if actor.status == ActorStatus.left:
        raise ValidationError(
            _l("%(name)s a quitté la coalition : choisissez un autre acteur.", name=actor.name),
            field="actor",
        )


def invite(
    session: Session,
    coalition: Coalition,
    *,
    email: str,
    role: MembershipRole,
    actor: Actor | None,
    by: User | None,
    now: datetime,
) -> Invitation:
    """Invite one address to the coalition in a role (a member for an actor) and mail the link.

    The answer is the same whether or not the address has an account; only an address that
    already belongs to the coalition, or has a pending invitation, is refused."""
    email = normalise_email(email)
    problem = address_problem(session, coalition, email, now)
    if problem is not None:
        raise problem
    check_actor(coalition, role, actor)
    return _create(session, coalition, email=email, role=role, actor=actor, by=by, now=now)


def invite_many(
    session: Session,
    coalition: Coalition,
    *,
    emails: str,
    role: MembershipRole,
    actor: Actor | None,
    new_actor: ActorDetails | None = None,
    by: User | None,
    now: datetime,
) -> list[Invitation]:
    """Invite every address of a typed list, all or none: every address is checked before
    anything is written, and every refused one is named. A member's actor is an existing one
    or `new_actor`, created here."""
    addresses = parse_addresses(emails)
    problems = [p for a in addresses if (p := address_problem(session, coalition, a, now))]
    if problems:
        invalid = any(isinstance(p, ValidationError) for p in problems)
        kind = ValidationError if invalid else Conflict
        raise kind(" ".join(str(p) for p in problems), field="emails")
    if role == MembershipRole.member and new_actor is not None:
        if actor is not None:
            raise ValidationError(
                _l("Choisissez un acteur existant ou décrivez-en un nouveau, pas les deux."),
                field="actor",
            )
        actor = create_actor(session, coalition, new_actor, by=by)
    check_actor(coalition, role, actor)
    return [
        _create(session, coalition, email=address, role=role, actor=actor, by=by, now=now)
        for address in addresses
    ]


def _create(
    session: Session,
    coalition: Coalition,
    *,
    email: str,
    role: MembershipRole,
    actor: Actor | None,
    by: User | None,
    now: datetime,
) -> Invitation:
    token, digest = new_token()
    invitation = Invitation(
        coalition_id=coalition.id,
        email=email,
        role=role,
        actor_id=actor.id if actor is not None and role == MembershipRole.member else None,
        token_hash=digest,
        expires_at=now + INVITATION_LIFETIME,
        invited_by_id=by.id if by else None,
        last_sent_at=now,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        entity="invitation",
        entity_id=invitation.id,
        action="create",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        actor_id=invitation.actor_id,
        after={"email": email, "role": role.value, "actor_id": invitation.actor_id},
    )
    member_actor = actor if invitation.actor_id is not None else None
    mail_invitation(session, invitation, coalition, member_actor, token=token, by=by)
    return invitation


def _check_open(invitation: Invitation, now: datetime) -> None:
    state = state_of(invitation, now)
    if state == InvitationState.accepted:
        raise Conflict(_l("Cette invitation a déjà été acceptée."), field="invitation")
    if state == InvitationState.revoked:
        raise Conflict(_l("Cette invitation a été révoquée."), field="invitation")


def resend(
    session: Session,
    invitation: Invitation,
    coalition: Coalition,
    *,
    by: User | None,
    now: datetime,
) -> Invitation:
    """Mail a new link, valid 14 days from now; the previous link stops working."""
    _check_open(invitation, now)
    if _already_in(session, coalition, invitation.email):
        raise Conflict(
            _l("%(email)s fait déjà partie de cette coalition.", email=invitation.email),
            field="invitation",
        )
    pending = _pending_for(session, coalition, invitation.email, now)
    if pending is not None and pending.id != invitation.id:
        raise Conflict(
            _l("%(email)s a déjà une autre invitation en attente.", email=invitation.email),
            field="invitation",
        )
    actor = session.get(Actor, invitation.actor_id) if invitation.actor_id else None
    if actor is not None and actor.status == ActorStatus.left:
        raise Conflict(
            _l(
                "%(name)s a quitté la coalition : révoquez cette invitation et invitez pour "
                "un autre acteur.",
                name=actor.name,
            ),
            field="invitation",
        )
    before = {"expires_at": invitation.expires_at.isoformat()}
    token, invitation.token_hash = new_token()
    invitation.expires_at = now + INVITATION_LIFETIME
    invitation.last_sent_at = now
    session.flush()
    audit.record(
        session,
        entity="invitation",
        entity_id=invitation.id,
        action="resend",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        actor_id=invitation.actor_id,
        before=before,
        after={"expires_at": invitation.expires_at.isoformat()},
    )
    mail_invitation(session, invitation, coalition, actor, token=token, by=by)
    return invitation


def revoke(
    session: Session, invitation: Invitation, *, by: User | None, now: datetime
) -> Invitation:
    """The link stops working for good."""
    _check_open(invitation, now)
    invitation.revoked_at = now
    session.flush()
    audit.record(
        session,
        entity="invitation",
        entity_id=invitation.id,
        action="revoke",
        user_id=by.id if by else None,
        coalition_id=invitation.coalition_id,
        actor_id=invitation.actor_id,
        before={"email": invitation.email},
    )
    return invitation


def mail_invitation(
    session: Session,
    invitation: Invitation,
    coalition: Coalition,
    actor: Actor | None,
    *,
    token: str,
    by: User | None,
) -> None:
    """Mail the link; in the invitee's language when they already have an account."""
    user = session.scalars(select(User).where(User.email == invitation.email)).one_or_none()
    queue_mail(
        session,
        to=invitation.email,
        language=user.language if user is not None else "fr",
        subject=_l("Invitation à rejoindre %(name)s", name=coalition.name),
        template="invitation",
        context={
            "coalition": coalition,
            "invitation": invitation,
            "actor": actor,
            "inviter": by,
            "link": external_url("invitations.accept", token=token),
        },
    )
