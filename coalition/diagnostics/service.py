"""Writes about diagnostics: the written columns of a meeting, and publishing a frozen snapshot."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import check_version
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import Meeting, MeetingStatus

ENTRY_FIELDS = ("column", "text", "position", "version")
MAX_TEXT = 2000


def check_can_prepare(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise ValidationError(_l("Une rencontre annulée ne se prépare pas."))


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(_l("Écrivez l'élément du diagnostic."), field="text")
    if len(text) > MAX_TEXT:
        raise ValidationError(_l("2 000 caractères au plus."), field="text")
    return text


def _log(
    session: Session, entry: DiagnosticEntry, action: str, before: Any, by: User | None
) -> None:
    audit.record_change(
        session,
        "diagnostic_entry",
        entry,
        action,
        by=by,
        coalition_id=entry.coalition_id,
        before=before,
        fields=() if action == "delete" else ENTRY_FIELDS,
    )


def add_entry(
    session: Session, meeting: Meeting, *, column: DiagnosticColumn, text: str, by: User | None
) -> DiagnosticEntry:
    check_can_prepare(meeting)
    last = session.scalar(
        select(func.max(DiagnosticEntry.position)).where(DiagnosticEntry.meeting_id == meeting.id)
    )
    entry = DiagnosticEntry(
        coalition_id=meeting.coalition_id,
        meeting_id=meeting.id,
        column=column,
        text=_text(text),
        position=(last if last is not None else -1) + 1,
    )
    session.add(entry)
    _log(session, entry, "create", None, by)
    return entry


def update_entry(
    session: Session,
    entry: DiagnosticEntry,
    *,
    text: str,
    seen_version: int | None,
    by: User | None,
) -> DiagnosticEntry:
    check_version("diagnostic_entry", entry, seen_version)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.text = _text(text)
    if audit.changed(entry, before, ENTRY_FIELDS):
        _log(session, entry, "update", before, by)
    return entry


def remove_entry(session: Session, entry: DiagnosticEntry, *, by: User | None) -> None:
    before = audit.snapshot(entry, ENTRY_FIELDS)
    session.delete(entry)
    _log(session, entry, "delete", before, by)


def previous_entries(session: Session, meeting: Meeting) -> list[DiagnosticEntry]:
    """The items of the latest earlier meeting that has some, else the starting diagnostic."""
    earlier = session.scalars(
        select(Meeting.id)
        .join(DiagnosticEntry, DiagnosticEntry.meeting_id == Meeting.id)
        .where(Meeting.coalition_id == meeting.coalition_id, Meeting.starts_at < meeting.starts_at)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).first()
    condition = (
        DiagnosticEntry.meeting_id == earlier
        if earlier is not None
        else DiagnosticEntry.meeting_id.is_(None)
    )
    return list(
        session.scalars(
            select(DiagnosticEntry)
            .where(DiagnosticEntry.coalition_id == meeting.coalition_id, condition)
            .order_by(DiagnosticEntry.position, DiagnosticEntry.id)
        )
    )


def start_from_previous(session: Session, meeting: Meeting, *, by: User | None) -> int:
    """Copy the previous items into this meeting's diagnostic, to keep, edit or remove."""
    check_can_prepare(meeting)
    has_items = session.scalar(select(func.count()).where(DiagnosticEntry.meeting_id == meeting.id))
    if has_items:
        raise Conflict(_l("Le diagnostic de cette rencontre a déjà des éléments."))
    copied = previous_entries(session, meeting)
    for position, entry in enumerate(copied):
        copy = DiagnosticEntry(
            coalition_id=meeting.coalition_id,
            meeting_id=meeting.id,
            column=entry.column,
            text=entry.text,
            position=position,
        )
        session.add(copy)
        _log(session, copy, "create", None, by)
    return len(copied)


def publish(
    session: Session, meeting: Meeting, data: dict[str, Any], *, by: User | None
) -> DiagnosticSnapshot:
    """Freeze the diagnostic of a meeting; it never changes afterwards."""
    check_can_prepare(meeting)
    if session.scalar(select(func.count()).where(DiagnosticSnapshot.meeting_id == meeting.id)):
        raise Conflict(_l("Le diagnostic de cette rencontre est déjà publié."))
    snapshot = DiagnosticSnapshot(
        coalition_id=meeting.coalition_id,
        meeting_id=meeting.id,
        published_by_id=by.id if by else None,
        data=data,
    )
    session.add(snapshot)
    session.flush()
    audit.record(
        session,
        entity="diagnostic_snapshot",
        entity_id=snapshot.id,
        action="publish",
        user_id=by.id if by else None,
        coalition_id=meeting.coalition_id,
        after={"meeting_id": meeting.id},
    )
    return snapshot


@dataclass
class EntryEdit:
    """What the column form sends for one written entry: its text and the version it showed."""

    entry_id: int
    text: str
    seen_version: int | None
    remove: bool = False


@dataclass
class ColumnEdit:
    """One save of a column of the prepare page: every entry it showed, and new texts."""

    column: DiagnosticColumn
    entries: list[EntryEdit] = field(default_factory=list)
    new_texts: list[str] = field(default_factory=list)


class EntriesGone(Conflict):
    """Entries the form showed were removed meanwhile; their texts are offered as new entries."""

    def __init__(self, texts: list[str]) -> None:
        super().__init__(
            _l(
                "Des éléments de cette colonne ont été retirés par quelqu'un d'autre pendant que "
                "vous les modifiiez. Rien n'a été enregistré : vos textes sont proposés comme "
                "nouveaux éléments."
            )
        )
        self.texts = texts


def save_column(session: Session, meeting: Meeting, edit: ColumnEdit, *, by: User | None) -> None:
    """Save every entry of one column at once, so that no edit of the column is lost.

    An entry whose text is emptied, or marked to remove, is removed; an entry whose text did not
    change is left alone, even if someone else changed it meanwhile; any other entry that changed
    since the form was shown makes the whole save fail (StaleEdit), as does an entry removed
    meanwhile (EntriesGone): the caller rolls back and shows the user's texts again.
    """
    check_can_prepare(meeting)
    entries = {
        entry.id: entry
        for entry in session.scalars(
            select(DiagnosticEntry).where(
                DiagnosticEntry.meeting_id == meeting.id, DiagnosticEntry.column == edit.column
            )
        )
    }
    gone = [e.text.strip() for e in edit.entries if e.entry_id not in entries and e.text.strip()]
    if gone:
        raise EntriesGone(gone)
    for change in edit.entries:
        entry = entries.get(change.entry_id)
        if entry is None:  # removed meanwhile, and emptied here too: nothing left to do
            continue
        if change.remove or not change.text.strip():
            check_version("diagnostic_entry", entry, change.seen_version)
            remove_entry(session, entry, by=by)
        elif change.text.strip() != entry.text:
            update_entry(session, entry, text=change.text, seen_version=change.seen_version, by=by)
    for text in edit.new_texts:
        if text.strip():
            add_entry(session, meeting, column=edit.column, text=text, by=by)
