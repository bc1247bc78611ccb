"""Attendance across held meetings, checked on hand-built rows with known answers."""

from datetime import datetime

from coalition.meetings.attendance import (
    FAMILIES,
    ActorRow,
    MeetingRow,
    PresenceRow,
    attendance_report,
)


def meeting(meeting_id: int, day: int, status: str = "held") -> MeetingRow:
    return MeetingRow(
        id=meeting_id,
        number=meeting_id,
        title=f"Meeting {meeting_id}",
        starts_at=datetime(2025, 1, day, 14, 0),
        status=status,
    )


def presences(actor_id: int, by_meeting: dict[int, str]) -> list[PresenceRow]:
    return [
        PresenceRow(meeting_id, actor_id, presence) for meeting_id, presence in by_meeting.items()
    ]


def absent_twice(meetings: list[MeetingRow], by_meeting: dict[int, str]) -> bool:
    actor = ActorRow(1, "Inria", "research")
    report = attendance_report(meetings, [actor], presences(1, by_meeting))
    return report.actors[0].absent_twice


def test_only_held_meetings_count_in_date_order() -> None:
    meetings = [
        meeting(3, 20),
        meeting(1, 6),
        meeting(2, 13, "cancelled"),
        meeting(4, 27, "planned"),
    ]

    report = attendance_report(meetings, [], [])

    assert [m.id for m in report.meetings] == [1, 3]


def test_two_absences_in_a_row_flag_the_actor() -> None:
    meetings = [meeting(1, 6), meeting(2, 13)]

    assert absent_twice(meetings, {1: "absent", 2: "absent"})


def test_an_excused_meeting_breaks_the_run() -> None:
    meetings = [meeting(1, 6), meeting(2, 13), meeting(3, 20)]

    assert not absent_twice(meetings, {1: "absent", 2: "excused", 3: "absent"})


def test_a_missing_record_breaks_the_run() -> None:
    meetings = [meeting(1, 6), meeting(2, 13), meeting(3, 20)]

    assert not absent_twice(meetings, {1: "absent", 3: "absent"})


def test_a_cancelled_meeting_between_two_absences_does_not_break_the_run() -> None:
    meetings = [meeting(1, 6), meeting(2, 13, "cancelled"), meeting(3, 20)]

    assert absent_twice(meetings, {1: "absent", 2: "excused", 3: "absent"})


def test_a_run_late_in_the_sequence_is_found() -> None:
    meetings = [meeting(1, 6), meeting(2, 13), meeting(3, 20), meeting(4, 27)]

    assert absent_twice(meetings, {1: "absent", 2: "present", 3: "absent", 4: "absent"})


def test_cells_and_present_count_per_actor() -> None:
    meetings = [meeting(1, 6), meeting(2, 13), meeting(3, 20)]
    actor = ActorRow(7, "City", "use")
    rows = [*presences(7, {1: "present", 3: "present"}), PresenceRow(99, 7, "absent")]

    report = attendance_report(meetings, [actor], rows)

    assert report.actors[0].cells == ["present", None, "present"]
    assert report.actors[0].present == 2


def test_actors_sorted_by_family_then_name_and_flagged_by_name() -> None:
    meetings = [meeting(1, 6), meeting(2, 13)]
    actors = [
        ActorRow(1, "Zeta buyer", "procurement"),
        ActorRow(2, "Vendor", "supply"),
        ActorRow(3, "CNRS", "research"),
        ActorRow(4, "Amiens", "use"),
        ActorRow(5, "Beta lab", "research"),
    ]
    rows = [
        row for actor_id in (1, 4, 5) for row in presences(actor_id, {1: "absent", 2: "absent"})
    ]

    report = attendance_report(meetings, actors, rows)

    assert [row.actor.name for row in report.actors] == [
        "Beta lab",
        "CNRS",
        "Amiens",
        "Vendor",
        "Zeta buyer",
    ]
    assert [actor.name for actor in report.flagged] == ["Amiens", "Beta lab", "Zeta buyer"]


def test_family_counts_present_and_recorded_actors_per_meeting() -> None:
    meetings = [meeting(1, 6), meeting(2, 13), meeting(3, 20, "cancelled")]
    actors = [
        ActorRow(1, "Inria", "research"),
        ActorRow(2, "CNRS", "research"),
        ActorRow(3, "City", "use"),
    ]
    rows = [
        *presences(1, {1: "present", 2: "present", 3: "present"}),
        *presences(2, {1: "excused"}),
        *presences(3, {2: "absent"}),
    ]

    report = attendance_report(meetings, actors, rows)
    families = {family.family: family for family in report.families}

    assert [family.family for family in report.families] == list(FAMILIES)
    assert families["research"].present == [1, 1]
    assert families["research"].expected == [2, 1]
    assert families["use"].present == [0, 0]
    assert families["use"].expected == [0, 1]
    assert families["procurement"].expected == [0, 0]
