"""People and their role in each coalition."""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.labels import record_labels
from coalition.db import Base, Timestamps, UTCDateTime, enum_type, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class MembershipRole(enum.StrEnum):
    member = "member"
    facilitator = "facilitator"


MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.member: _l("Membre"),
    MembershipRole.facilitator: _l("Animateur ou animatrice"),
}


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Used as flask-login's user id: replacing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the language of the mails this person gets (one of the app's LANGUAGES)
    language: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # flask-login protocol
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token


class Membership(Timestamps, Base):
    """A user's role in one coalition: a member speaks for one actor, a facilitator runs it."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "coalition_id"),
        CheckConstraint("role = 'facilitator' OR actor_id IS NOT NULL", name="member_has_actor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "role"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(back_populates="memberships")


class TokenPurpose(enum.StrEnum):
    password_reset = "password_reset"  # noqa: S105 - a purpose, not a password
    email_change = "email_change"


class AccountToken(Base):
    """A single-use link sent by mail about an account, stored only as the hash of its secret.

    `used_at` is set when the link is followed, and also when it is voided (a newer request,
    a password change): a token with `used_at` set never works again."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))  # for an email change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


record_labels("membership", role=MEMBERSHIP_ROLE_LABELS)
record_labels("invitation", role=MEMBERSHIP_ROLE_LABELS)
