"""Each roadmap action's reviews laid out across meetings, built from plain rows.

Pure functions: no database, no Flask. The caller loads actions, meetings and action reviews
and hands them over as the dataclasses below.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ActionRow:
    id: int
    title: str
    status: str  # current status of the action


@dataclass(frozen=True)
class MeetingRow:
    id: int
    number: int
    title: str
    starts_at: datetime


@dataclass(frozen=True)
class ReviewRow:
    action_id: int
    meeting_id: int
    status: str
    progress: int


@dataclass(frozen=True)
class TimelineCell:
    status: str
    progress: int


@dataclass(frozen=True)
class Timeline:
    meetings: list[MeetingRow]
    actions: list[ActionRow]
    cells: dict[tuple[int, int], TimelineCell]  # (action id, meeting id) -> review


def build_timeline(
    actions: Sequence[ActionRow],
    meetings: Sequence[MeetingRow],
    reviews: Sequence[ReviewRow],
) -> Timeline:
    """Meetings earliest first, actions in the given order; reviews of others are ignored."""
    action_ids = {action.id for action in actions}
    meeting_ids = {meeting.id for meeting in meetings}
    cells = {
        (review.action_id, review.meeting_id): TimelineCell(review.status, review.progress)
        for review in reviews
        if review.action_id in action_ids and review.meeting_id in meeting_ids
    }
    return Timeline(
        meetings=sorted(meetings, key=lambda meeting: (meeting.starts_at, meeting.id)),
        actions=list(actions),
        cells=cells,
    )


def cell(timeline: Timeline, action_id: int, meeting_id: int) -> TimelineCell | None:
    """The review of an action at a meeting, or None when it was not reviewed there."""
    return timeline.cells.get((action_id, meeting_id))
