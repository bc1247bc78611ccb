"""A column of the prepare page that meets another write at the same instant: 409, the one
wording, nothing saved, and the user's texts shown again to send once more."""

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.diagnostics import service
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
from tests import factories as f
from tests.clashes import SIMULTANEOUS
from tests.conftest import World
from tests.diagnostics.test_prepare_edits import column_form, entries, entry_fields, prepare, send

C = "/c/ma-coalition"


def test_a_column_saved_at_the_same_instant_keeps_the_users_texts(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = f.meeting(db, world.coalition)
    db.add(
        DiagnosticEntry(
            coalition_id=world.coalition.id,
            meeting_id=meeting.id,
            column=DiagnosticColumn.hard,
            text="Premier constat",
            position=0,
        )
    )
    db.flush()
    save_column = service.save_column

    def clash(*args: Any, **kwargs: Any) -> None:
        save_column(*args, **kwargs)
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(service, "save_column", clash)
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    [first] = entry_fields(form)
    refused = send(client, form, {first: "Ma correction", "new-text": "Mon ajout"})
    assert refused.status_code == 409
    assert SIMULTANEOUS in unescape(refused.get_data(as_text=True))
    assert entries(db, meeting)["hard"] == ["Premier constat"]
    again = column_form(refused.get_data(as_text=True), "hard")
    texts = {field.name: field.value for field in again.fields if field.kind == "textarea"}
    assert texts[first] == "Ma correction"
    assert "Mon ajout" in [field.value for field in again.fields if field.name == "new-text"]
