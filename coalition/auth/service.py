"""Accounts and memberships: creation, authentication, password changes."""

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from coalition.auth.models import (
    AccountToken,
    TokenPurpose,
    User,
    new_session_token,
)
from coalition.auth.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.db import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    """A well-formed address (its syntax only: nothing is looked up on the network)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(email) <= 254


def find_user_by_email(session: Session, email: str) -> User | None:
    query = select(User).where(User.email == normalise_email(email))
    return session.scalars(query.options(selectinload(User.memberships))).one_or_none()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    is_admin: bool = False,
    by: User | None = None,
    check_password: bool = True,
) -> User:
    """A new account. Its password must pass `password_problem`, unless `check_password`
    is False: only for the demo accounts, whose password is published in the README."""
    email = normalise_email(email)
    if not valid_email(email):
        raise ValidationError(_l("Adresse e-mail invalide."), field="email")
    if not name.strip():
        raise ValidationError(_l("Le nom est obligatoire."), field="name")
    problem = password_problem(password, email=email, name=name) if check_password else None
    if problem:
        raise ValidationError(problem, field="password")
    if session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict(_l("Un compte existe déjà avec cette adresse e-mail."), field="email")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="create",
        user_id=by.id if by else None,
        coalition_id=None,
        after={"email": email, "name": user.name, "is_admin": is_admin},
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same cost either way)."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of this user: their cookies name a token that no longer exists."""
    user.session_token = new_session_token()


def void_tokens(session: Session, user: User, purpose: TokenPurpose, *, now: datetime) -> None:
    """Make every unused link of this purpose sent to this user stop working."""
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def set_password(session: Session, user: User, new: str, *, action: str, now: datetime) -> None:
    """Give the account a new password: every session ends, and every password reset link
    still unused stops working."""
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ValidationError(problem, field="new_password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    void_tokens(session, user, TokenPurpose.password_reset, now=now)
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action=action,
        user_id=user.id,
        coalition_id=None,
    )


def change_password(
    session: Session, user: User, *, current: str, new: str, now: datetime | None = None
) -> None:
    """Change one's password knowing the current one (see `set_password`)."""
    if not verify_password(user.password_hash, current):
        raise ValidationError(_l("Le mot de passe actuel est incorrect."), field="current_password")
    set_password(session, user, new, action="change_password", now=now or utcnow())
