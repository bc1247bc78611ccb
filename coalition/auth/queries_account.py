"""Reads for the account page."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import AccountToken, TokenPurpose, User


def pending_email_change(session: Session, user: User, *, now: datetime) -> AccountToken | None:
    """The email change this user asked for and has not confirmed yet, if any."""
    return session.scalars(
        select(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.email_change,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .order_by(AccountToken.created_at.desc())
        .limit(1)
    ).one_or_none()
