"""Reminders a few days before a meeting (`Coalition.reminder_days`, 0 for none).

Decided from the data each time the command runs: for every planned meeting that starts within
its coalition's delay, each current member gets the agenda and what their organisation (the
actor they speak for) committed to that may be reviewed there; each current facilitator is
reminded to prepare the meeting's diagnostic. Once per version of the meeting: a meeting moved
(a higher `ical_sequence`) is reminded again.

What may be reviewed at a meeting: every action still open (neither done nor dropped) can be
reviewed at any meeting, so a member is shown the open actions their organisation holds a live
(not withdrawn) commitment to, those on the agenda marked as such. The mail says so.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor
from coalition.auth.models import MembershipRole
from coalition.coalitions.models import Coalition
from coalition.core.links import external_url
from coalition.framing.service import MAX_REMINDER_DAYS
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.notices.models import NoticeKind
from coalition.notices.recipients import (
    Recipient,
    current_people,
    meeting_day,
    sent_versions,
    subject_key,
    turned_off,
)
from coalition.notices.service import notify
from coalition.roadmap.models import (
    CLOSED_ACTIONS,
    ROLE_LABELS,
    Action,
    Commitment,
    CommitmentStatus,
)


@dataclass(frozen=True)
class CommittedAction:
    action: Action
    commitment: Commitment
    on_agenda: bool


def queue_due(session: Session, now: datetime) -> int:
    """Write the reminders that are due to the outbox; how many were written."""
    rows = session.execute(
        select(Meeting, Coalition)
        .join(Coalition, Coalition.id == Meeting.coalition_id)
        .where(
            Meeting.status == MeetingStatus.planned,
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(days=MAX_REMINDER_DAYS),
            Coalition.reminder_days > 0,
        )
        .options(selectinload(Meeting.agenda_items))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    due = [
        (meeting, coalition)
        for meeting, coalition in rows
        if meeting.starts_at <= now + timedelta(days=coalition.reminder_days)
    ]
    if not due:
        return 0
    coalition_ids = {coalition.id for _, coalition in due}
    people = current_people(session, coalition_ids)
    sent = sent_versions(session, NoticeKind.reminder, (subject_key(m) for m, _ in due))
    off = turned_off(session, NoticeKind.reminder)
    actor_ids = {
        r.membership.actor_id for rs in people.values() for r in rs if r.membership.actor_id
    }
    actors = {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_(actor_ids)))}
    committed = _open_commitments(session, coalition_ids, actor_ids)
    written = 0
    for meeting, coalition in due:
        for recipient in people.get(coalition.id, []):
            user = recipient.user
            if user.id in off or meeting.ical_sequence in sent.get(
                (user.id, subject_key(meeting)), set()
            ):
                continue
            written += _remind(session, meeting, coalition, recipient, actors, committed)
    return written


def _open_commitments(
    session: Session, coalition_ids: set[int], actor_ids: set[int]
) -> dict[int, list[tuple[Commitment, Action]]]:
    """The live commitments of these actors to open actions, by actor id, by action title."""
    rows = session.execute(
        select(Commitment, Action)
        .join(Action, Action.id == Commitment.action_id)
        .where(
            Action.coalition_id.in_(coalition_ids),
            Action.status.not_in(CLOSED_ACTIONS),
            Commitment.actor_id.in_(actor_ids),
            Commitment.status != CommitmentStatus.withdrawn,
        )
        .order_by(Action.title, Action.id)
    ).all()
    by_actor: dict[int, list[tuple[Commitment, Action]]] = defaultdict(list)
    for commitment, action in rows:
        by_actor[commitment.actor_id].append((commitment, action))
    return by_actor


def _remind(
    session: Session,
    meeting: Meeting,
    coalition: Coalition,
    recipient: Recipient,
    actors: dict[int, Actor],
    committed: dict[int, list[tuple[Commitment, Action]]],
) -> bool:
    membership, user = recipient.membership, recipient.user
    agenda = list(meeting.agenda_items)
    context = {
        "coalition": coalition,
        "meeting": meeting,
        "agenda": agenda,
        "meeting_url": external_url("meetings.page", slug=coalition.slug, meeting_id=meeting.id),
    }
    if membership.role is MembershipRole.facilitator:
        template = "reminder_facilitator"
        subject = _l(
            "À préparer : %(title)s, le %(day)s", title=meeting.title, day=meeting_day(meeting)
        )
        context["prepare_url"] = external_url(
            "diagnostic.prepare", slug=coalition.slug, meeting_id=meeting.id
        )
    else:
        template = "reminder"
        subject = _l(
            "Rappel : %(title)s, le %(day)s", title=meeting.title, day=meeting_day(meeting)
        )
        on_agenda = {item.action_id for item in agenda if item.action_id is not None}
        actor_id = membership.actor_id
        context["actor"] = actors.get(actor_id) if actor_id else None
        context["role_labels"] = ROLE_LABELS
        context["committed"] = [
            CommittedAction(action, commitment, action.id in on_agenda)
            for commitment, action in committed.get(actor_id or 0, [])
            if action.coalition_id == coalition.id
        ]
    return notify(
        session,
        user=user,
        kind=NoticeKind.reminder,
        subject_key=subject_key(meeting),
        version=meeting.ical_sequence,
        coalition_id=coalition.id,
        subject=subject,
        template=template,
        context=context,
    )
