"""The column form of the prepare page: every entry of a column, sent and saved at once.

Its fields are named after the entries it shows (``entry-<id>-text``, ``entry-<id>-version``),
so it is read from the request's form by hand; Flask-WTF's CSRFProtect guards it like any form.
"""

import re

from werkzeug.datastructures import MultiDict

from coalition.core.input import parse_id
from coalition.diagnostics.models import DiagnosticColumn
from coalition.diagnostics.service import ColumnEdit, EntryEdit

ENTRY_TEXT = re.compile(r"entry-(\d{1,12})-text")
NEW_TEXT = "new-text"
REMOVE = "remove"


def column_edit(column: DiagnosticColumn, form: MultiDict[str, str]) -> ColumnEdit:
    """What the user asked of one column: its entries' texts and versions, and new texts."""
    removed = parse_id(form.get(REMOVE, ""))
    edits = []
    for name in form:
        match = ENTRY_TEXT.fullmatch(name)
        entry_id = parse_id(match.group(1)) if match else None
        if entry_id is None:
            continue
        edits.append(
            EntryEdit(
                entry_id=entry_id,
                text=form.get(name, ""),
                seen_version=parse_id(form.get(f"entry-{entry_id}-version", "")),
                remove=entry_id == removed,
            )
        )
    return ColumnEdit(column=column, entries=edits, new_texts=form.getlist(NEW_TEXT))
