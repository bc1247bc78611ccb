"""The attendance report read from the database, whole or over the recorded actors only."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus, Family
from coalition.meetings.models import Attendance, MeetingStatus, Presence
from coalition.meetings.queries import attendance_over_time
from tests import factories as f


def test_recorded_only_keeps_the_families_and_the_absent_of_the_whole_report(db: Session) -> None:
    coalition = f.coalition(db)
    start = datetime(2021, 9, 21, 12, tzinfo=UTC)
    held = [
        f.meeting(db, coalition, starts_at=start + timedelta(weeks=w), status=MeetingStatus.held)
        for w in (0, 4, 8)
    ]
    planned = f.meeting(db, coalition, starts_at=start + timedelta(weeks=12))
    absent = f.actor(db, coalition, name="Absente", family=Family.research)
    present = f.actor(db, coalition, name="Présent", family=Family.supply)
    f.actor(db, coalition, name="Jamais relevé", family=Family.research)
    only_planned = f.actor(db, coalition, name="Relevé à venir", family=Family.use)
    gone = f.actor(db, coalition, name="Partie", family=Family.use, status=ActorStatus.left)
    f.actor(db, f.coalition(db), name="Ailleurs")
    for meeting in held[1:]:
        db.add(Attendance(meeting_id=meeting.id, actor_id=absent.id, presence=Presence.absent))
        db.add(Attendance(meeting_id=meeting.id, actor_id=gone.id, presence=Presence.absent))
    db.add(Attendance(meeting_id=held[0].id, actor_id=present.id, presence=Presence.present))
    db.add(Attendance(meeting_id=planned.id, actor_id=only_planned.id, presence=Presence.present))
    db.flush()

    whole = attendance_over_time(db, coalition)
    recorded = attendance_over_time(db, coalition, recorded_only=True)

    assert [row.actor.name for row in recorded.actors] == ["Absente", "Présent"]
    assert len(whole.actors) == 4  # the one who left is in neither
    assert recorded.meetings == whole.meetings
    assert recorded.families == whole.families
    assert [actor.name for actor in recorded.flagged] == ["Absente"]
    assert recorded.flagged == whole.flagged
