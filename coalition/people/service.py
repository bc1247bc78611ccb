"""Bringing people into a coalition: invitations by mail."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.service import normalise_email, valid_email
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.links import external_url
from coalition.core.tokens import new_token
from coalition.mail.outbox import queue_mail
from coalition.people.models import Invitation

INVITATION_LIFETIME = timedelta(days=14)


def is_pending(invitation: Invitation, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
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
    if not valid_email(email):
        raise ValidationError(
            _l("Adresse e-mail invalide : %(email)s", email=email), field="emails"
        )
    if role == MembershipRole.member and actor is None:
        raise ValidationError(
            _l("Un membre représente un acteur : indiquez lequel."), field="actor"
        )
    if actor is not None and actor.coalition_id != coalition.id:
        raise ValidationError(_l("Cet acteur n'appartient pas à cette coalition."), field="actor")
    already_in = session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.coalition_id == coalition.id, User.email == email)
    )
    if already_in:
        raise Conflict(
            _l("%(email)s fait déjà partie de cette coalition.", email=email), field="emails"
        )
    pending = session.scalars(
        select(Invitation).where(
            Invitation.coalition_id == coalition.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    ).first()
    if pending is not None:
        raise Conflict(
            _l(
                "%(email)s a déjà une invitation en attente : renvoyez-la depuis la liste.",
                email=email,
            ),
            field="emails",
        )
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
    mail_invitation(session, invitation, coalition, actor, token=token, by=by)
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
            "link": external_url("people.accept", token=token),
        },
    )
