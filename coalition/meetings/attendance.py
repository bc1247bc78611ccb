"""Attendance across held meetings, per actor and per family, built from plain rows.

Pure functions: no database, no Flask. The caller loads meetings, actors and attendance
records and hands them over as the dataclasses below. Only held meetings count: planned and
cancelled ones are left out, so absences on either side of a cancelled meeting are consecutive.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

FAMILIES = ("research", "use", "supply", "procurement")
HELD = "held"
PRESENT = "present"
ABSENT = "absent"


@dataclass(frozen=True)
class MeetingRow:
    id: int
    number: int
    title: str
    starts_at: datetime
    status: str  # planned / held / cancelled


@dataclass(frozen=True)
class ActorRow:
    id: int
    name: str
    family: str


@dataclass(frozen=True)
class PresenceRow:
    meeting_id: int
    actor_id: int
    presence: str  # present / excused / absent


@dataclass(frozen=True)
class ActorAttendance:
    actor: ActorRow
    cells: list[str | None]  # presence at each held meeting, None when not recorded
    present: int
    absent_twice: bool


@dataclass(frozen=True)
class FamilyAttendance:
    family: str
    present: list[int]  # per held meeting: actors of the family present
    expected: list[int]  # per held meeting: actors of the family with a record


@dataclass(frozen=True)
class AttendanceReport:
    meetings: list[MeetingRow]
    actors: list[ActorAttendance]
    families: list[FamilyAttendance]
    flagged: list[ActorRow]


def held_meetings(meetings: Sequence[MeetingRow]) -> list[MeetingRow]:
    """The held meetings, earliest first."""
    return sorted((m for m in meetings if m.status == HELD), key=lambda m: (m.starts_at, m.id))


def _family_order(actor: ActorRow) -> tuple[int, str, int]:
    rank = FAMILIES.index(actor.family) if actor.family in FAMILIES else len(FAMILIES)
    return (rank, actor.name, actor.id)


def _absent_twice(cells: Sequence[str | None]) -> bool:
    return any(a == ABSENT and b == ABSENT for a, b in pairwise(cells))


def _actor_attendance(
    actor: ActorRow, meetings: Sequence[MeetingRow], records: dict[tuple[int, int], str]
) -> ActorAttendance:
    cells = [records.get((meeting.id, actor.id)) for meeting in meetings]
    return ActorAttendance(
        actor=actor,
        cells=cells,
        present=cells.count(PRESENT),
        absent_twice=_absent_twice(cells),
    )


def _family_attendance(family: str, rows: Sequence[ActorAttendance], size: int) -> FamilyAttendance:
    members = [row for row in rows if row.actor.family == family]
    return FamilyAttendance(
        family=family,
        present=[sum(row.cells[i] == PRESENT for row in members) for i in range(size)],
        expected=[sum(row.cells[i] is not None for row in members) for i in range(size)],
    )


def attendance_report(
    meetings: Sequence[MeetingRow],
    actors: Sequence[ActorRow],
    presences: Sequence[PresenceRow],
) -> AttendanceReport:
    """Who came to which held meeting; actors absent twice in a row are flagged."""
    held = held_meetings(meetings)
    records = {(row.meeting_id, row.actor_id): row.presence for row in presences}
    rows = [_actor_attendance(actor, held, records) for actor in sorted(actors, key=_family_order)]
    return AttendanceReport(
        meetings=held,
        actors=rows,
        families=[_family_attendance(family, rows, len(held)) for family in FAMILIES],
        flagged=sorted(
            (row.actor for row in rows if row.absent_twice), key=lambda a: (a.name, a.id)
        ),
    )
