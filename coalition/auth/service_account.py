"""Keeping one's account: name and language, a forgotten password, a new email address,
the other sessions.

The links sent by mail are AccountTokens: single-use, stored as the hash of their secret,
built from BASE_URL (core.links.external_url), never from the request.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coalition.auth.models import AccountToken, TokenPurpose, User
from coalition.auth.passwords import verify_password
from coalition.auth.service import (
    end_sessions,
    normalise_email,
    set_password,
    valid_email,
    void_tokens,
)
from coalition.core import audit
from coalition.core.errors import Conflict, DomainError, ValidationError
from coalition.core.links import external_url
from coalition.core.tokens import new_token, token_hash
from coalition.mail.outbox import queue_mail

RESET_LIFETIME = timedelta(hours=1)
EMAIL_CHANGE_LIFETIME = timedelta(hours=24)
PROFILE_FIELDS = ("name", "language")
MAX_TOKEN_LENGTH = 128


class DeadLink(DomainError):
    """The link was used (or voided) while this request was on its way."""


def _issue(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    *,
    now: datetime,
    lifetime: timedelta,
    new_email: str | None = None,
) -> str:
    """A new link of this purpose for this user; the older unused ones stop working."""
    void_tokens(session, user, purpose, now=now)
    token, digest = new_token()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest,
            new_email=new_email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def find_link(
    session: Session, token: str, purpose: TokenPurpose, *, now: datetime
) -> tuple[AccountToken, User] | None:
    """The unused, unexpired link of this purpose and its active account, else None
    (unknown, used, voided, expired, of another purpose: the caller says the same)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.execute(
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(AccountToken.token_hash == token_hash(token))
    ).one_or_none()
    if row is None:
        return None
    found, user = row
    if (
        found.purpose != purpose
        or found.used_at is not None
        or found.expires_at <= now
        or not user.is_active
    ):
        return None
    return found, user


def _consume(session: Session, found: AccountToken, *, now: datetime) -> None:
    """Mark the link used, once: of two requests racing with the same link, one wins."""
    result = session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise DeadLink(_l("Ce lien a déjà servi."))
    found.used_at = now


# -- forgotten password ------------------------------------------------------------------


def request_password_reset(session: Session, email: str, *, now: datetime) -> None:
    """Mail a reset link to the active account with this address. Any other address gets
    nothing, and the caller answers the same either way."""
    user = session.scalars(select(User).where(User.email == normalise_email(email))).one_or_none()
    if user is None or not user.is_active:
        return
    token = _issue(session, user, TokenPurpose.password_reset, now=now, lifetime=RESET_LIFETIME)
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="request_password_reset",
        user_id=None,
        coalition_id=None,
    )
    queue_mail(
        session,
        to=user.email,
        language=user.language,
        subject=_l("Choisir un nouveau mot de passe"),
        template="password_reset",
        context={"user": user, "link": external_url("account.reset_password", token=token)},
    )


def reset_password(
    session: Session, found: AccountToken, user: User, *, new: str, now: datetime
) -> None:
    """Set a new password from a reset link: the link and the other reset links stop
    working, and every session of the account ends."""
    _consume(session, found, now=now)  # a refused password rolls the whole request back
    set_password(session, user, new, action="reset_password", now=now)


# -- the account page ---------------------------------------------------------------------


def update_profile(session: Session, user: User, *, name: str, language: str, by: User) -> None:
    name = name.strip()
    if not name:
        raise ValidationError(_l("Le nom est obligatoire."), field="name")
    if len(name) > 200:
        raise ValidationError(_l("Le nom compte au plus 200 caractères."), field="name")
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError(
            _l("Langue inconnue : le français et l'anglais sont proposés."), field="language"
        )
    before = audit.snapshot(user, PROFILE_FIELDS)
    user.name = name
    user.language = language
    if audit.changed(user, before, PROFILE_FIELDS):
        audit.record(
            session,
            entity="user",
            entity_id=user.id,
            action="update",
            user_id=by.id,
            coalition_id=None,
            before=before,
            after=audit.snapshot(user, PROFILE_FIELDS),
        )


def end_other_sessions(session: Session, user: User) -> None:
    """Log out every other browser or device signed in to this account: all its sessions
    end, and the caller signs the current one in again (flask-login's `login_user`) with
    the account's new session token. Remember-me cookies name the old token too."""
    end_sessions(user)
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="end_other_sessions",
        user_id=user.id,
        coalition_id=None,
    )


def request_email_change(
    session: Session, user: User, *, new_email: str, password: str, now: datetime
) -> str:
    """Mail a confirmation link to the new address; the address changes only when it is
    followed. An address that already has an account gets a notice instead (the person
    asking is told the same: the page never tells which addresses have an account)."""
    if not verify_password(user.password_hash, password):
        raise ValidationError(_l("Le mot de passe actuel est incorrect."), field="current_password")
    address = normalise_email(new_email)
    if not valid_email(address):
        raise ValidationError(_l("Adresse e-mail invalide."), field="new_email")
    if address == user.email:
        raise ValidationError(
            _l("C'est déjà l'adresse de votre compte : indiquez la nouvelle."), field="new_email"
        )
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="request_email_change",
        user_id=user.id,
        coalition_id=None,
        after={"new_email": address},
    )
    owner = session.scalars(select(User).where(User.email == address)).one_or_none()
    if owner is not None:
        queue_mail(
            session,
            to=address,
            language=owner.language,
            subject=_l("Cette adresse a déjà un compte"),
            template="email_taken",
            context={
                "login_link": external_url("auth.login"),
                "forgot_link": external_url("account.forgot_password"),
            },
        )
        return address
    token = _issue(
        session,
        user,
        TokenPurpose.email_change,
        now=now,
        lifetime=EMAIL_CHANGE_LIFETIME,
        new_email=address,
    )
    queue_mail(
        session,
        to=address,
        language=user.language,
        subject=_l("Confirmez votre nouvelle adresse e-mail"),
        template="email_change",
        context={
            "user": user,
            "new_email": address,
            "link": external_url("account.confirm_email", token=token),
        },
    )
    return address


def confirm_email_change(
    session: Session, found: AccountToken, user: User, *, now: datetime
) -> None:
    """Follow a confirmation link: the account takes the new address; links sent to the
    old one stop working, and the old address is told."""
    address = found.new_email or ""
    taken = session.scalar(
        select(func.count()).select_from(User).where(User.email == address, User.id != user.id)
    )
    if taken:
        raise Conflict(
            _l(
                "Un autre compte utilise désormais l'adresse %(email)s : "
                "elle ne peut pas devenir la vôtre.",
                email=address,
            )
        )
    _consume(session, found, now=now)
    old = user.email
    user.email = address
    void_tokens(session, user, TokenPurpose.email_change, now=now)
    void_tokens(session, user, TokenPurpose.password_reset, now=now)
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="change_email",
        user_id=user.id,
        coalition_id=None,
        before={"email": old},
        after={"email": address},
    )
    queue_mail(
        session,
        to=old,
        language=user.language,
        subject=_l("L'adresse e-mail de votre compte a changé"),
        template="email_changed",
        context={"user": user, "old_email": old, "new_email": address},
    )
