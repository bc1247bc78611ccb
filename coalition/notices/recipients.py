"""Who the notices go to, and what they were sent already: read once per run of the command,
shared by every kind of notice."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, User
from coalition.core import dates
from coalition.meetings.models import Meeting
from coalition.notices.models import Notice, NoticeKind, NoticePreference, Setting


@dataclass(frozen=True)
class Recipient:
    membership: Membership
    user: User


def subject_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


def current_people(session: Session, coalition_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """The active accounts that belong to each coalition now, by coalition id."""
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.coalition_id.in_(set(coalition_ids)), User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    people: dict[int, list[Recipient]] = defaultdict(list)
    for membership, user in rows:
        people[membership.coalition_id].append(Recipient(membership, user))
    return people


def sent_versions(
    session: Session, kind: NoticeKind, keys: Iterable[str]
) -> dict[tuple[int, str], set[int]]:
    """The versions of each subject already written to each person, by (user id, subject)."""
    sent: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = session.execute(
        select(Notice.user_id, Notice.subject_key, Notice.version).where(
            Notice.kind == kind, Notice.subject_key.in_(set(keys))
        )
    )
    for user_id, key, version in rows:
        sent[(user_id, key)].add(version)
    return sent


def turned_off(session: Session, kind: NoticeKind) -> set[int]:
    """The people who chose not to get this kind of notice."""
    return set(
        session.scalars(
            select(NoticePreference.user_id).where(
                NoticePreference.kind == kind, NoticePreference.setting == Setting.off
            )
        )
    )


def meeting_day(meeting: Meeting) -> LazyString:
    """The meeting's day, written in the language of the mail it goes into."""
    return LazyString(dates.date_text, meeting.starts_at)
