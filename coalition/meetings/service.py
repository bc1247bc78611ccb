"""Writes about meetings: scheduling, agenda, attendance, minutes, decisions, action reviews."""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.db import utcnow
from coalition.meetings.models import (
    ActionReview,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Presence,
)
from coalition.meetings.queries import review_of
from coalition.meetings.series import follow_number, numbers_by_date
from coalition.roadmap.models import Action, ActionStatus
from coalition.roadmap.service import allowed_statuses, check_transition, set_status_from_review

MEETING_FIELDS = (
    "number",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "status",
    "minutes_published_at",
    "version",
)
REVIEW_FIELDS = ("meeting_id", "action_id", "status", "progress", "note", "next_steps", "version")


def _log(
    session: Session,
    entity: str,
    obj: Any,
    action: str,
    *,
    coalition_id: int,
    before: dict[str, Any] | None,
    fields: Sequence[str],
    by: User | None,
) -> None:
    audit.record_change(
        session,
        entity,
        obj,
        action,
        by=by,
        coalition_id=coalition_id,
        before=before,
        fields=fields,
    )


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(_l("La fin doit venir après le début."), field="ends_at")


def _check_url(url: str | None) -> None:
    if url and not url.startswith(("https://", "http://")):
        raise ValidationError(
            _l("Le lien doit commencer par https:// ou http://."), field="online_url"
        )


def _own_action(action: Action | None, meeting: Meeting) -> Action | None:
    if action is not None and action.coalition_id != meeting.coalition_id:
        raise ValidationError(
            _l("Cette action n'appartient pas à cette coalition."), field="action"
        )
    return action


# -- scheduling ---------------------------------------------------------------------------


def schedule_meetings(
    session: Session,
    coalition: Coalition,
    times: Sequence[tuple[datetime, datetime]],
    *,
    title: str,
    place: str,
    online_url: str | None,
    by: User | None,
) -> list[Meeting]:
    """One meeting or a series, numbered by date among the coalition's meetings (see
    renumber_meetings). `title` may hold "{n}" for the meeting's number."""
    if not times:
        raise ValidationError(_l("Aucune date : rien n'a été créé."), field="dates")
    _check_url(online_url)
    for starts_at, ends_at in times:
        _check_times(starts_at, ends_at)
    _lock_numbers(session, coalition.id)
    last = session.scalar(
        select(func.max(Meeting.number)).where(Meeting.coalition_id == coalition.id)
    )
    template = title.strip() or str(_l("Rencontre n°{n}"))
    meetings = [
        Meeting(
            coalition_id=coalition.id,
            number=(last or 0) + offset,  # provisional: free, until renumbered by date
            title=template,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            online_url=online_url or None,
        )
        for offset, (starts_at, ends_at) in enumerate(sorted(times), start=1)
    ]
    session.add_all(meetings)
    session.flush()
    renumber_meetings(session, coalition.id, by=by, new={meeting.id for meeting in meetings})
    for meeting in meetings:
        meeting.title = template.replace("{n}", str(meeting.number))
        _log(
            session,
            "meeting",
            meeting,
            "create",
            coalition_id=coalition.id,
            before=None,
            fields=MEETING_FIELDS,
            by=by,
        )
    return meetings


def _lock_numbers(session: Session, coalition_id: int) -> None:
    """Renumberings of one coalition's meetings take turns (PostgreSQL; SQLite writers already
    queue), so that each reads the numbers the previous one left."""
    session.execute(select(Coalition.id).where(Coalition.id == coalition_id).with_for_update())


def renumber_meetings(
    session: Session, coalition_id: int, *, by: User | None, new: Collection[int] = ()
) -> None:
    """Number the coalition's meetings by date: n°1 is the earliest (starts_at, then id).

    Called after a meeting is created or moved, so a June meeting created before the February
    one still comes after it. A cancelled meeting keeps its place and its number: it stays in
    calendars under that number, and cancelling one does not change the numbers of the meetings
    already announced after it. A title that shows the number the way the default title does
    ("Rencontre n°4", "Meeting #4") follows it, and calendars get the new title (SEQUENCE + 1);
    a title the facilitator wrote otherwise is kept. Published diagnostics are frozen: they keep
    the number the meeting had when they were published. Meeting URLs use ids, never numbers.

    Each renumbered meeting is audited, but those in `new` (just created, logged by their
    creator). The numbers go through negative values first, so that the unique
    (coalition_id, number) holds after each statement on every database.
    """
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.coalition_id == coalition_id)
        .execution_options(populate_existing=True)  # the numbers another renumbering left
    ).all()
    numbers = numbers_by_date((meeting.id, meeting.starts_at) for meeting in meetings)
    moved = [meeting for meeting in meetings if meeting.number != numbers[meeting.id]]
    if not moved:
        return
    before = {meeting.id: audit.snapshot(meeting, MEETING_FIELDS) for meeting in moved}
    for meeting in moved:
        meeting.number = -numbers[meeting.id]
    session.flush()
    for meeting in moved:
        meeting.number = numbers[meeting.id]
        if meeting.id in new:
            continue
        title = follow_number(meeting.title, before[meeting.id]["number"], meeting.number)
        if title != meeting.title:
            meeting.title = title
            meeting.ical_sequence += 1
    session.flush()
    for meeting in moved:
        if meeting.id not in new:
            _log(
                session,
                "meeting",
                meeting,
                "update",
                coalition_id=coalition_id,
                before=before[meeting.id],
                fields=MEETING_FIELDS,
                by=by,
            )


def update_meeting(
    session: Session,
    meeting: Meeting,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    online_url: str | None,
    status: MeetingStatus,
    seen_version: int | None,
    by: User | None,
) -> Meeting:
    """Edit a meeting; calendars see the same event (UID) with a higher SEQUENCE."""
    check_version("meeting", meeting, seen_version)
    if not title.strip():
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    _check_times(starts_at, ends_at)
    _check_url(online_url)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    moved = starts_at != meeting.starts_at
    if moved:
        _lock_numbers(session, meeting.coalition_id)
    meeting.title, meeting.place = title.strip(), place.strip()
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.online_url, meeting.status = online_url or None, status
    if audit.changed(meeting, before, MEETING_FIELDS):
        meeting.ical_sequence += 1
        _log(
            session,
            "meeting",
            meeting,
            "update",
            coalition_id=meeting.coalition_id,
            before=before,
            fields=MEETING_FIELDS,
            by=by,
        )
    if moved:
        renumber_meetings(session, meeting.coalition_id, by=by)
    return meeting


def cancel_meeting(
    session: Session, meeting: Meeting, *, seen_version: int | None, by: User | None
) -> Meeting:
    return update_meeting(
        session,
        meeting,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        online_url=meeting.online_url,
        status=MeetingStatus.cancelled,
        seen_version=seen_version,
        by=by,
    )


# -- agenda, attendance, minutes, decisions ------------------------------------------------


def add_agenda_item(
    session: Session,
    meeting: Meeting,
    *,
    title: str,
    duration_minutes: int,
    action: Action | None,
    by: User | None,
) -> AgendaItem:
    _own_action(action, meeting)
    title = title.strip() or (action.title if action else "")
    if not title:
        raise ValidationError(_l("Donnez un titre ou choisissez une action."), field="title")
    if not 1 <= duration_minutes <= 480:
        raise ValidationError(_l("La durée va de 1 à 480 minutes."), field="duration_minutes")
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        meeting_id=meeting.id,
        position=(last if last is not None else -1) + 1,
        title=title,
        duration_minutes=duration_minutes,
        action_id=action.id if action else None,
    )
    session.add(item)
    _log(
        session,
        "agenda_item",
        item,
        "create",
        coalition_id=meeting.coalition_id,
        before=None,
        fields=("title", "duration_minutes", "action_id", "position"),
        by=by,
    )
    return item


def remove_agenda_item(
    session: Session, meeting: Meeting, item: AgendaItem, *, by: User | None
) -> None:
    before = audit.snapshot(item, ("title", "duration_minutes", "action_id", "position"))
    session.delete(item)
    _log(
        session,
        "agenda_item",
        item,
        "delete",
        coalition_id=meeting.coalition_id,
        before=before,
        fields=(),
        by=by,
    )


def move_agenda_item(
    session: Session, meeting: Meeting, item: AgendaItem, *, up: bool, by: User | None
) -> None:
    """Swap the item with its neighbour above or below."""
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    index = items.index(item)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position
    _log(
        session,
        "agenda_item",
        item,
        "move",
        coalition_id=meeting.coalition_id,
        before=None,
        fields=("position",),
        by=by,
    )


def record_attendance(
    session: Session,
    meeting: Meeting,
    presences: Mapping[int, Presence | None],
    *,
    by: User | None,
) -> None:
    """Set each actor's presence (None removes it), in one go."""
    actor_ids = set(
        session.scalars(select(Actor.id).where(Actor.coalition_id == meeting.coalition_id))
    )
    if not set(presences) <= actor_ids:
        raise ValidationError(_l("Un de ces acteurs n'appartient pas à cette coalition."))
    existing = {
        a.actor_id: a
        for a in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    before = {str(k): a.presence.value for k, a in existing.items()}
    for actor_id, presence in presences.items():
        row = existing.get(actor_id)
        if presence is None and row is not None:
            session.delete(row)
        elif presence is not None and row is None:
            session.add(Attendance(meeting_id=meeting.id, actor_id=actor_id, presence=presence))
        elif presence is not None and row is not None:
            row.presence = presence
    after = {**before}
    for actor_id, presence in presences.items():
        if presence is None:
            after.pop(str(actor_id), None)
        else:
            after[str(actor_id)] = presence.value
    if after != before:
        session.flush()
        audit.record(
            session,
            entity="attendance",
            entity_id=meeting.id,
            action="update",
            user_id=by.id if by else None,
            coalition_id=meeting.coalition_id,
            before=before,
            after=after,
        )


def save_minutes(
    session: Session,
    meeting: Meeting,
    *,
    minutes: str,
    publish: bool,
    seen_version: int | None,
    by: User | None,
) -> Meeting:
    check_version("meeting", meeting, seen_version)
    before = audit.snapshot(meeting, ("minutes", "minutes_published_at", "version"))
    meeting.minutes = minutes.strip()
    if publish and meeting.minutes_published_at is None:
        meeting.minutes_published_at = utcnow()
    elif not publish:
        meeting.minutes_published_at = None
    if audit.changed(meeting, before, ("minutes", "minutes_published_at")):
        _log(
            session,
            "minutes",
            meeting,
            "update",
            coalition_id=meeting.coalition_id,
            before=before,
            fields=("minutes", "minutes_published_at", "version"),
            by=by,
        )
    return meeting


def add_decision(
    session: Session, meeting: Meeting, *, text: str, action: Action | None, by: User | None
) -> Decision:
    _own_action(action, meeting)
    if not text.strip():
        raise ValidationError(_l("Écrivez la décision."), field="text")
    last = session.scalar(
        select(func.max(Decision.position)).where(Decision.meeting_id == meeting.id)
    )
    decision = Decision(
        meeting_id=meeting.id,
        position=(last if last is not None else -1) + 1,
        text=text.strip(),
        action_id=action.id if action else None,
    )
    session.add(decision)
    _log(
        session,
        "decision",
        decision,
        "create",
        coalition_id=meeting.coalition_id,
        before=None,
        fields=("text", "action_id"),
        by=by,
    )
    return decision


def remove_decision(
    session: Session, meeting: Meeting, decision: Decision, *, by: User | None
) -> None:
    before = audit.snapshot(decision, ("text", "action_id"))
    session.delete(decision)
    _log(
        session,
        "decision",
        decision,
        "delete",
        coalition_id=meeting.coalition_id,
        before=before,
        fields=(),
        by=by,
    )


# -- reviews ------------------------------------------------------------------------------


def record_review(
    session: Session,
    meeting: Meeting,
    action: Action,
    *,
    status: ActionStatus,
    progress: int | None,
    note: str,
    next_steps: str,
    seen_version: int | None,
    by: User | None,
) -> ActionReview:
    """Record or correct the review of an action at a meeting; the latest review sets the
    action's status (checked against the allowed transitions)."""
    if meeting.status == MeetingStatus.cancelled:
        raise ValidationError(_l("Une rencontre annulée ne reçoit pas de revue."), field="status")
    if _own_action(action, meeting) is None:
        raise ValidationError(_l("Choisissez une action."), field="action")
    if progress is None or not 0 <= progress <= 100:
        raise ValidationError(_l("L'avancement va de 0 à 100."), field="progress")
    review = review_of(session, meeting, action)
    start = _review_start(session, meeting, action, review)
    if start is not None:
        check_transition(start, status)
    values = {
        "status": status,
        "progress": progress,
        "note": note.strip(),
        "next_steps": next_steps.strip(),
    }
    if review is None:
        review = ActionReview(
            meeting_id=meeting.id, action_id=action.id, reviewed_by_id=by and by.id, **values
        )
        session.add(review)
        _log(
            session,
            "review",
            review,
            "create",
            coalition_id=meeting.coalition_id,
            before=None,
            fields=REVIEW_FIELDS,
            by=by,
        )
    else:
        check_version("review", review, seen_version)
        before = audit.snapshot(review, REVIEW_FIELDS)
        for key, value in values.items():
            setattr(review, key, value)
        if audit.changed(review, before, REVIEW_FIELDS):
            _log(
                session,
                "review",
                review,
                "update",
                coalition_id=meeting.coalition_id,
                before=before,
                fields=REVIEW_FIELDS,
                by=by,
            )
    if start is not None:
        set_status_from_review(session, action, status, by=by)
    return review


def review_statuses(session: Session, meeting: Meeting, action: Action) -> list[ActionStatus]:
    """The statuses `record_review` accepts for this action at this meeting, for the form."""
    start = _review_start(session, meeting, action, review_of(session, meeting, action))
    return list(ActionStatus) if start is None else allowed_statuses(start)


def _review_start(
    session: Session, meeting: Meeting, action: Action, review: ActionReview | None
) -> ActionStatus | None:
    """The status a review at this meeting moves the action from, which bounds the statuses
    it may record; None when a later meeting has reviewed the action already: correcting a
    past review changes neither the action's status nor what it may record."""
    latest = _latest_meeting_reviewed(session, action)
    if latest is not None and latest.starts_at > meeting.starts_at:
        return None
    return _status_before(session, action, meeting, review)


def _latest_meeting_reviewed(session: Session, action: Action) -> Meeting | None:
    return session.scalars(
        select(Meeting)
        .join(ActionReview, ActionReview.meeting_id == Meeting.id)
        .where(ActionReview.action_id == action.id)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).first()


def _status_before(
    session: Session, action: Action, meeting: Meeting, review: ActionReview | None
) -> ActionStatus:
    """The status this review moves from: the previous meeting's review, else the action's."""
    previous = session.scalars(
        select(ActionReview.status)
        .join(Meeting, Meeting.id == ActionReview.meeting_id)
        .where(ActionReview.action_id == action.id, Meeting.starts_at < meeting.starts_at)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).first()
    if previous is not None:
        return previous
    if review is not None:  # correcting the first review: its own status was the start
        return review.status
    return action.status
