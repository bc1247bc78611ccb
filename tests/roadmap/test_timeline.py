"""Action reviews laid out across meetings, checked on hand-built rows."""

from datetime import datetime

from coalition.roadmap.timeline import (
    ActionRow,
    MeetingRow,
    ReviewRow,
    TimelineCell,
    build_timeline,
    cell,
)

ACTIONS = [
    ActionRow(20, "Open a shared GPU pool", "in_progress"),
    ActionRow(10, "Write a procurement charter", "committed"),
]
MEETINGS = [
    MeetingRow(2, 2, "February", datetime(2025, 2, 5, 14, 0)),
    MeetingRow(1, 1, "January", datetime(2025, 1, 8, 14, 0)),
    MeetingRow(3, 3, "March", datetime(2025, 3, 5, 14, 0)),
]
REVIEWS = [
    ReviewRow(action_id=20, meeting_id=1, status="committed", progress=10),
    ReviewRow(action_id=20, meeting_id=2, status="in_progress", progress=40),
    ReviewRow(action_id=10, meeting_id=3, status="committed", progress=0),
    ReviewRow(action_id=99, meeting_id=1, status="done", progress=100),
    ReviewRow(action_id=10, meeting_id=99, status="done", progress=100),
]


def test_meetings_in_date_order_and_actions_in_given_order() -> None:
    timeline = build_timeline(ACTIONS, MEETINGS, REVIEWS)

    assert [meeting.id for meeting in timeline.meetings] == [1, 2, 3]
    assert [action.id for action in timeline.actions] == [20, 10]


def test_cells_hold_each_review() -> None:
    timeline = build_timeline(ACTIONS, MEETINGS, REVIEWS)

    assert cell(timeline, 20, 1) == TimelineCell("committed", 10)
    assert cell(timeline, 20, 2) == TimelineCell("in_progress", 40)
    assert cell(timeline, 10, 3) == TimelineCell("committed", 0)


def test_unreviewed_cell_is_none() -> None:
    timeline = build_timeline(ACTIONS, MEETINGS, REVIEWS)

    assert cell(timeline, 10, 1) is None
    assert cell(timeline, 20, 3) is None


def test_reviews_of_unknown_actions_or_meetings_are_ignored() -> None:
    timeline = build_timeline(ACTIONS, MEETINGS, REVIEWS)

    assert set(timeline.cells) == {(20, 1), (20, 2), (10, 3)}


def test_empty_input_gives_an_empty_timeline() -> None:
    timeline = build_timeline([], [], [])

    assert (timeline.meetings, timeline.actions, timeline.cells) == ([], [], {})
