"""The prepare page saves a whole column at once: no edit of a written entry is lost."""

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.diagnostics import service
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
from coalition.meetings.models import Meeting, MeetingStatus
from tests import factories as f
from tests.conftest import World, post_form
from tests.core.crawl import Form, PageParser

C = "/c/ma-coalition"


@pytest.fixture
def meeting(db: Session, world: World) -> Meeting:
    meeting = f.meeting(db, world.coalition)
    for position, text in enumerate(("Premier constat", "Second constat")):
        db.add(
            DiagnosticEntry(
                coalition_id=world.coalition.id,
                meeting_id=meeting.id,
                column=DiagnosticColumn.hard,
                text=text,
                position=position,
            )
        )
    db.add(
        DiagnosticEntry(
            coalition_id=world.coalition.id,
            meeting_id=meeting.id,
            column=DiagnosticColumn.works,
            text="Ailleurs",
            position=2,
        )
    )
    db.flush()
    return meeting


def entries(db: Session, meeting: Meeting) -> dict[str, list[str]]:
    db.expire_all()
    rows = db.scalars(
        select(DiagnosticEntry)
        .where(DiagnosticEntry.meeting_id == meeting.id)
        .order_by(DiagnosticEntry.position)
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.column.value, []).append(row.text)
    return found


def by_text(db: Session, text: str) -> DiagnosticEntry:
    return db.scalars(select(DiagnosticEntry).where(DiagnosticEntry.text == text)).one()


def column_form(html: str, column: str) -> Form:
    """The form of one column on the prepare page, as a browser would send it."""
    parser = PageParser()
    parser.feed(html)
    [form] = [
        form
        for form in parser.forms
        if form.action.endswith("/diagnostic/columns") and form.values().get("column") == column
    ]
    return form


def entry_fields(form: Form) -> list[str]:
    return [
        field.name
        for field in form.fields
        if field.name.startswith("entry-") and field.name.endswith("-text")
    ]


def send(client: FlaskClient, form: Form, changes: dict[str, Any]) -> Any:
    data: dict[str, Any] = {**form.values(), **changes}
    return client.post(form.action, data=data)


def prepare(client: FlaskClient, meeting: Meeting) -> str:
    response = client.get(f"{C}/meetings/{meeting.id}/prepare")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_one_save_keeps_every_edit_of_the_column(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)  # both entries are in the one form of the column
    response = send(
        client,
        form,
        {first: "Premier, corrigé", second: "Second, corrigé", "new-text": "Un troisième"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#column-hard")
    assert entries(db, meeting) == {
        "hard": ["Premier, corrigé", "Second, corrigé", "Un troisième"],
        "works": ["Ailleurs"],
    }
    assert "Colonne enregistrée" in prepare(client, meeting)


def test_removing_an_entry_keeps_the_other_edits(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    first_id = first.split("-")[1]
    response = send(client, form, {second: "Second, corrigé", "remove": first_id})
    assert response.status_code == 302
    assert entries(db, meeting)["hard"] == ["Second, corrigé"]


def test_an_emptied_entry_is_removed(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    assert send(client, form, {first: "  ", second: "Seul"}).status_code == 302
    assert entries(db, meeting)["hard"] == ["Seul"]


def test_a_stale_save_changes_nothing_and_shows_the_users_texts_again(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    # someone else saves the second entry meanwhile
    other = db.scalars(
        select(DiagnosticEntry).where(DiagnosticEntry.text == "Second constat")
    ).one()
    service.update_entry(db, other, text="Changé ailleurs", seen_version=other.version, by=None)
    db.flush()
    refused = send(
        client, form, {first: "Ma correction", second: "Mon second", "new-text": "Mon ajout"}
    )
    assert refused.status_code == 409
    html = unescape(refused.get_data(as_text=True))
    assert "modifiée par quelqu'un d'autre" in html
    assert entries(db, meeting)["hard"] == ["Premier constat", "Changé ailleurs"]
    again = column_form(refused.get_data(as_text=True), "hard")
    texts = {field.name: field.value for field in again.fields if field.kind == "textarea"}
    assert texts[first] == "Ma correction" and texts[second] == "Mon second"
    assert [field.value for field in again.fields if field.name == "new-text"] == ["Mon ajout", ""]
    assert "Texte enregistré entre-temps : Changé ailleurs" in html
    # sending the form shown again, after reading the notice, saves the user's texts
    data = {field.name: field.value for field in again.fields if field.name != "new-text"}
    resent = client.post(again.action, data={**data, "new-text": ["Mon ajout", ""]})
    assert resent.status_code == 302
    assert entries(db, meeting)["hard"] == ["Ma correction", "Mon second", "Mon ajout"]


def test_an_entry_nobody_touched_here_is_not_a_conflict(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, _second = entry_fields(form)
    other = db.scalars(
        select(DiagnosticEntry).where(DiagnosticEntry.text == "Second constat")
    ).one()
    service.update_entry(db, other, text="Changé ailleurs", seen_version=other.version, by=None)
    db.flush()
    # the user changed the first entry only, but the form still sends the old second text
    response = send(client, form, {first: "Ma correction"})
    assert response.status_code == 409  # saving would put "Second constat" back: refused
    form = column_form(prepare(client, meeting), "hard")
    assert send(client, form, {first: "Ma correction"}).status_code == 302
    assert entries(db, meeting)["hard"] == ["Ma correction", "Changé ailleurs"]


def test_an_entry_removed_meanwhile_comes_back_as_a_new_text(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    gone = db.scalars(
        select(DiagnosticEntry).where(DiagnosticEntry.text == "Premier constat")
    ).one()
    service.remove_entry(db, gone, by=None)
    db.flush()
    refused = send(client, form, {first: "Ma correction", second: "Mon second"})
    assert refused.status_code == 409
    assert entries(db, meeting)["hard"] == ["Second constat"]
    again = column_form(refused.get_data(as_text=True), "hard")
    assert [field.value for field in again.fields if field.name == "new-text"] == [
        "Ma correction",
        "",
    ]
    assert {f.name: f.value for f in again.fields}[second] == "Mon second"


def test_a_refused_text_keeps_every_text_of_the_column(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    refused = send(client, form, {first: "x" * 2001, second: "Mon second"})
    assert refused.status_code == 400
    assert "2 000 caractères au plus" in refused.get_data(as_text=True)
    assert entries(db, meeting)["hard"] == ["Premier constat", "Second constat"]
    again = column_form(refused.get_data(as_text=True), "hard")
    assert {f.name: f.value for f in again.fields}[second] == "Mon second"


def test_a_column_that_does_not_exist_or_a_cancelled_meeting_is_refused(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/diagnostic/columns"
    assert post_form(client, url, {"column": "mars"}, form_url="/").status_code == 400
    meeting.status = MeetingStatus.cancelled
    db.flush()
    cancelled = post_form(client, url, {"column": "hard", "new-text": "x"}, form_url="/")
    assert cancelled.status_code == 400
    assert entries(db, meeting)["hard"] == ["Premier constat", "Second constat"]


def test_entries_of_another_column_are_not_touched(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    works = by_text(db, "Ailleurs")
    url = f"{C}/meetings/{meeting.id}/diagnostic/columns"
    data = {
        "column": "hard",
        f"entry-{works.id}-text": "Détourné",
        f"entry-{works.id}-version": "1",
    }
    response = post_form(client, url, data, form_url="/")
    assert response.status_code == 409  # not an entry of this column: treated as gone
    assert entries(db, meeting)["works"] == ["Ailleurs"]


def test_an_entry_removed_meanwhile_that_the_user_emptied_too_is_simply_gone(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    form = column_form(prepare(client, meeting), "hard")
    first, second = entry_fields(form)
    service.remove_entry(db, by_text(db, "Premier constat"), by=None)
    db.flush()
    saved = send(client, form, {first: "", second: "Mon second"})
    assert saved.status_code == 302
    assert entries(db, meeting)["hard"] == ["Mon second"]
