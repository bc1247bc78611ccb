"""Digests after a meeting: its decisions, the actions reviewed at it and the links, when its
minutes or its diagnostic are published.

Decided from the data each time the command runs. Two publications make a meeting's digest:
its minutes (`Meeting.minutes_published_at`) and its diagnostic (`DiagnosticSnapshot`). Each is
a version of the subject "meeting:<id>" in the ledger: `MINUTES` (0) and `DIAGNOSTIC` (1). A
current person of the coalition whose digest setting is `on` gets a mail for what was published
and not yet written to them: the minutes, then the diagnostic make two mails; both published
before the command runs make one, which is written under both versions (the minutes' row is
claimed first, in the same savepoint as the mail), so neither is told again.

People whose setting is `weekly` get one mail a week instead, from the Monday (Europe/Paris) on,
gathering the meetings of their coalitions with a publication in the week before: the subject
"week:<ISO year>-W<ISO week>" of that week, version 0. Nothing is gathered for a week with no
publication.

What is not sent: a publication older than `FRESH_FOR` (14 days) when the command runs, so that
a new install, or a command that did not run for weeks, does not mail the coalition's history;
a week other than the last one (a weekly mail missed for more than a week is not sent late).
Minutes taken back and published again are not told again.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.core import dates
from coalition.core.dates import PARIS
from coalition.core.links import external_url
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.models import ActionReview, Decision, Meeting
from coalition.notices.models import Notice, NoticeKind, NoticePreference, Setting
from coalition.notices.recipients import Recipient, current_people, sent_versions, subject_key
from coalition.notices.service import notify
from coalition.roadmap.models import ACTION_STATUS_LABELS, Action

MINUTES = 0  # the ledger's version of a meeting's digest that tells its minutes
DIAGNOSTIC = 1  # ... and its diagnostic
FRESH_FOR = timedelta(days=14)  # an older publication is not sent
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Reviewed:
    review: ActionReview
    action: Action


@dataclass
class MeetingDigest:
    """A meeting with a publication, what it shows and where to read more."""

    coalition: Coalition
    meeting: Meeting
    minutes_at: datetime | None = None
    diagnostic_at: datetime | None = None
    decisions: list[Decision] = field(default_factory=list)
    reviewed: list[Reviewed] = field(default_factory=list)

    @property
    def minutes_url(self) -> str | None:
        if self.minutes_at is None:
            return None
        return external_url("meetings.page", slug=self.coalition.slug, meeting_id=self.meeting.id)

    @property
    def diagnostic_url(self) -> str | None:
        if self.diagnostic_at is None:
            return None
        return external_url(
            "diagnostic.published", slug=self.coalition.slug, meeting_id=self.meeting.id
        )

    def published_between(self, start: datetime, end: datetime) -> set[int]:
        """The versions (MINUTES, DIAGNOSTIC) published in [start, end)."""
        return {
            version
            for version, at in ((MINUTES, self.minutes_at), (DIAGNOSTIC, self.diagnostic_at))
            if at is not None and start <= at < end
        }


def week_key(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"week:{year}-W{week:02d}"


def last_week(now: datetime) -> tuple[date, datetime, datetime]:
    """The Monday of the week before `now`'s (in Europe/Paris), its start and its end."""
    today = now.astimezone(PARIS).date()
    monday = today - timedelta(days=today.weekday() + 7)
    start = datetime.combine(monday, time(), PARIS)
    return monday, start, datetime.combine(monday + WEEK, time(), PARIS)


def queue_due(session: Session, now: datetime) -> int:
    """Write the digests that are due to the outbox; how many were written."""
    _, week_start, _ = last_week(now)
    digests = _publications(session, since=min(now - FRESH_FOR, week_start), until=now)
    if not digests:
        return 0
    people = current_people(session, {d.coalition.id for d in digests})
    chosen = _settings(session, {r.user.id for rs in people.values() for r in rs})
    return _queue_each(session, now, digests, people, chosen) + _queue_weekly(
        session, now, digests, people, chosen
    )


def _queue_each(
    session: Session,
    now: datetime,
    digests: list[MeetingDigest],
    people: dict[int, list[Recipient]],
    chosen: dict[int, Setting],
) -> int:
    sent = sent_versions(session, NoticeKind.digest, (subject_key(d.meeting) for d in digests))
    written = 0
    for digest in digests:
        fresh = digest.published_between(now - FRESH_FOR, now)
        for recipient in people.get(digest.coalition.id, []):
            user = recipient.user
            if chosen.get(user.id, Setting.on) is not Setting.on:
                continue
            due = fresh - sent.get((user.id, subject_key(digest.meeting)), set())
            if due:
                written += _send(session, digest, user, due)
    return written


def _send(session: Session, digest: MeetingDigest, user: User, due: set[int]) -> bool:
    """One mail telling what is due; with both, the minutes' row is claimed first, in the
    savepoint of the mail: if another run told the minutes meanwhile, this one writes nothing
    (the diagnostic goes alone at the next run)."""
    meeting = digest.meeting
    if due == {MINUTES}:
        subject = _l("Compte rendu : %(title)s", title=meeting.title)
    elif due == {DIAGNOSTIC}:
        subject = _l("Diagnostic publié : %(title)s", title=meeting.title)
    else:
        subject = _l("Compte rendu et diagnostic : %(title)s", title=meeting.title)
    claim = session.begin_nested()
    if len(due) > 1:
        try:
            session.add(
                Notice(
                    user_id=user.id,
                    kind=NoticeKind.digest,
                    subject_key=subject_key(meeting),
                    version=MINUTES,
                    coalition_id=digest.coalition.id,
                )
            )
            session.flush()
        except IntegrityError:
            claim.rollback()
            return False
    written = notify(
        session,
        user=user,
        kind=NoticeKind.digest,
        subject_key=subject_key(meeting),
        version=max(due),
        coalition_id=digest.coalition.id,
        subject=subject,
        template="digest",
        context={
            "coalition": digest.coalition,
            "digest": digest,
            "new_minutes": MINUTES in due,
            "new_diagnostic": DIAGNOSTIC in due,
            "status_labels": ACTION_STATUS_LABELS,
        },
    )
    if written:
        claim.commit()
    else:
        claim.rollback()
    return written


def _queue_weekly(
    session: Session,
    now: datetime,
    digests: list[MeetingDigest],
    people: dict[int, list[Recipient]],
    chosen: dict[int, Setting],
) -> int:
    monday, start, end = last_week(now)
    of_week = [d for d in digests if d.published_between(start, end)]
    if not of_week:
        return 0
    key = week_key(monday)
    sent = sent_versions(session, NoticeKind.digest, [key])
    gathered: dict[int, list[MeetingDigest]] = defaultdict(list)
    users: dict[int, User] = {}
    for digest in of_week:
        for recipient in people.get(digest.coalition.id, []):
            user = recipient.user
            if chosen.get(user.id) is Setting.weekly and not sent.get((user.id, key)):
                gathered[user.id].append(digest)
                users[user.id] = user
    written = 0
    for user_id, items in gathered.items():
        items.sort(key=lambda d: (d.coalition.name, d.meeting.starts_at, d.meeting.id))
        written += notify(
            session,
            user=users[user_id],
            kind=NoticeKind.digest,
            subject_key=key,
            subject=_l(
                "Les comptes rendus de la semaine du %(day)s",
                day=LazyString(dates.date_text, monday),
            ),
            template="digest_weekly",
            context={
                "digests": items,
                "monday": monday,
                "start": start,
                "end": end,
                "minutes": MINUTES,
                "diagnostic": DIAGNOSTIC,
                "status_labels": ACTION_STATUS_LABELS,
            },
        )
    return written


def _settings(session: Session, user_ids: Iterable[int]) -> dict[int, Setting]:
    """Each person's digest setting, for those who chose one (no row means `on`)."""
    rows = session.execute(
        select(NoticePreference.user_id, NoticePreference.setting).where(
            NoticePreference.kind == NoticeKind.digest,
            NoticePreference.user_id.in_(set(user_ids)),
        )
    )
    return {row.user_id: row.setting for row in rows}


def _publications(session: Session, *, since: datetime, until: datetime) -> list[MeetingDigest]:
    """The meetings with minutes or a diagnostic published in [since, until], with what their
    digest shows, loaded up front (the snapshot's data is not read)."""
    diagnosed = (
        select(DiagnosticSnapshot.meeting_id)
        .where(
            DiagnosticSnapshot.published_at >= since,
            DiagnosticSnapshot.published_at <= until,
            DiagnosticSnapshot.meeting_id.is_not(None),
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(Meeting, Coalition)
        .join(Coalition, Coalition.id == Meeting.coalition_id)
        .where(
            or_(
                Meeting.minutes_published_at.between(since, until),
                Meeting.id.in_(diagnosed),
            )
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    if not rows:
        return []
    digests = {
        meeting.id: MeetingDigest(coalition, meeting, minutes_at=meeting.minutes_published_at)
        for meeting, coalition in rows
    }
    ids = list(digests)
    for meeting_id, published_at in session.execute(
        select(DiagnosticSnapshot.meeting_id, DiagnosticSnapshot.published_at).where(
            DiagnosticSnapshot.meeting_id.in_(ids)
        )
    ):
        if meeting_id is not None:  # the query keeps only those of these meetings
            digests[meeting_id].diagnostic_at = published_at
    for decision in session.scalars(
        select(Decision)
        .where(Decision.meeting_id.in_(ids))
        .order_by(Decision.position, Decision.id)
    ):
        digests[decision.meeting_id].decisions.append(decision)
    for review, action in session.execute(
        select(ActionReview, Action)
        .join(Action, Action.id == ActionReview.action_id)
        .where(ActionReview.meeting_id.in_(ids))
        .order_by(Action.title, Action.id)
    ):
        digests[review.meeting_id].reviewed.append(Reviewed(review, action))
    return list(digests.values())
