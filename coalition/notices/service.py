"""Telling people, once: a notice goes to the outbox unless the person turned its kind off or
it was written already for this version of its subject.

The ledger (`Notice`) holds (person, kind, subject, version) under a unique constraint, so the
command that decides what is due may run on several hosts at once: the second writer's insert
fails and it writes nothing. Every notice carries a one-click unsubscribe (RFC 8058): a signed
token of (person, kind), with no expiry, that needs no login.
"""

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.core.links import external_url
from coalition.core.tokens import new_token
from coalition.mail.outbox import queue_mail
from coalition.notices.models import CalendarFeed, Notice, NoticeKind, NoticePreference, Setting

UNSUBSCRIBE_SALT = "coalition-unsubscribe"


def setting_of(session: Session, user_id: int, kind: NoticeKind) -> Setting:
    chosen = session.get(NoticePreference, (user_id, kind))
    return chosen.setting if chosen else Setting.on


def settings_of(session: Session, user_id: int) -> dict[NoticeKind, Setting]:
    chosen = session.scalars(select(NoticePreference).where(NoticePreference.user_id == user_id))
    return dict.fromkeys(NoticeKind, Setting.on) | {p.kind: p.setting for p in chosen}


def choose(session: Session, user_id: int, kind: NoticeKind, setting: Setting) -> None:
    preference = session.get(NoticePreference, (user_id, kind))
    if preference is None:
        session.add(NoticePreference(user_id=user_id, kind=kind, setting=setting))
    else:
        preference.setting = setting
    session.flush()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: NoticeKind) -> str:
    return _serializer().dumps([user_id, kind.value])


def read_unsubscribe_token(token: str) -> tuple[int, NoticeKind] | None:
    """The person and kind a token names, or None if it is not one of ours."""
    try:
        user_id, kind = _serializer().loads(token)
        return int(user_id), NoticeKind(kind)
    except (BadData, ValueError, TypeError):
        return None


def notify(
    session: Session,
    *,
    user: User,
    kind: NoticeKind,
    subject_key: str,
    version: int = 0,
    coalition_id: int | None = None,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> bool:
    """Write this notice to `user`'s outbox once; False if it was written already, or if the
    person chose not to get this kind (a `weekly` digest is the caller's to gather)."""
    if not user.is_active or setting_of(session, user.id, kind) is Setting.off:
        return False
    try:
        with session.begin_nested():
            session.add(
                Notice(
                    user_id=user.id,
                    kind=kind,
                    subject_key=subject_key,
                    version=version,
                    coalition_id=coalition_id,
                )
            )
    except IntegrityError:
        return False  # written already, by this run or another
    link = external_url("notices.unsubscribe", token=unsubscribe_token(user.id, kind))
    queue_mail(
        session,
        to=user.email,
        language=user.language,
        subject=subject,
        template=template,
        context={**(context or {}), "user": user, "unsubscribe_url": link},
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments=attachments,
    )
    return True


def renew_feed(session: Session, user_id: int, now: datetime) -> str:
    """Give the person a new feed URL (the old one stops working); the secret, to show once."""
    secret, secret_hash = new_token()
    feed = session.get(CalendarFeed, user_id)
    if feed is None:
        session.add(CalendarFeed(user_id=user_id, token_hash=secret_hash, created_at=now))
    else:
        feed.token_hash = secret_hash
        feed.created_at = now
    session.flush()
    return secret


def revoke_feed(session: Session, user_id: int) -> bool:
    """Stop the person's feed URL; False if there was none."""
    feed = session.get(CalendarFeed, user_id)
    if feed is None:
        return False
    session.delete(feed)
    session.flush()
    return True
