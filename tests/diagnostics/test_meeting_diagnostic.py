"""Preparing a meeting from the data, writing the three columns, publishing a frozen diagnostic."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import AgendaItem, Meeting, MeetingStatus
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World, post_form

C = "/c/ma-coalition"
DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def meeting(db: Session, world: World) -> Meeting:
    world.action.status = ActionStatus.blocked
    world.action.target_date = date(2020, 1, 1)
    db.add(
        DiagnosticEntry(
            coalition_id=world.coalition.id,
            column=DiagnosticColumn.hard,
            text="Manque de souveraineté",
        )
    )
    f.meeting(
        db,
        world.coalition,
        starts_at=datetime(2021, 9, 21, 12, tzinfo=UTC),
        status=MeetingStatus.held,
    )
    return f.meeting(db, world.coalition, starts_at=datetime(2021, 10, 12, 12, tzinfo=UTC))


def main_of(html: str) -> str:
    return html.split('<main id="contenu" tabindex="-1">')[1].split("</main>")[0]


def test_prepare_shows_what_the_data_says(
    client: FlaskClient, world: World, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    html = client.get(f"{C}/meetings/{meeting.id}/prepare").get_data(as_text=True)
    blocked = html.split("Bloquées")[1].split("</dd>")[0]
    assert "Action 1" in blocked
    overdue = html.split("En retard (échéance passée)")[1].split("</dd>")[0]
    assert "Action 1" in overdue
    unheld = html.split("Leviers que personne ne détient")[1].split("</dd>")[0]
    assert "Levier 2" in unheld and "Levier 1" not in unheld
    suggested = html.split('id="agenda"')[1].split("</section>")[0]
    assert "Action 1" in suggested and "Levier à couvrir : Levier 2" in suggested


def test_written_columns_start_from_the_previous_items(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    base = f"{C}/meetings/{meeting.id}/diagnostic"
    assert post_form(client, f"{base}/start", {}, form_url="/").status_code == 302
    [copied] = db.scalars(select(DiagnosticEntry).where(DiagnosticEntry.meeting_id == meeting.id))
    assert copied.text == "Manque de souveraineté"
    again = post_form(client, f"{base}/start", {}, form_url="/")
    assert again.status_code == 400 and "déjà des éléments" in again.get_data(as_text=True)
    post_form(
        client,
        f"{base}/entries/{copied.id}",
        {"text": "Souveraineté", "version": "1"},
        form_url="/",
    )
    stale = post_form(
        client, f"{base}/entries/{copied.id}", {"text": "Autre", "version": "1"}, form_url="/"
    )
    assert stale.status_code == 409
    empty = post_form(client, f"{base}/entries", {"column": "could", "text": "  "}, form_url="/")
    assert empty.status_code == 400 and "Écrivez" in empty.get_data(as_text=True)
    assert (
        post_form(
            client, f"{base}/entries", {"column": "mars", "text": "x"}, form_url="/"
        ).status_code
        == 400
    )
    assert (
        post_form(
            client, f"{base}/entries", {"column": "could", "text": "Un atelier"}, form_url="/"
        ).status_code
        == 302
    )
    db.expire_all()
    texts = sorted(
        e.text
        for e in db.scalars(select(DiagnosticEntry).where(DiagnosticEntry.meeting_id == meeting.id))
    )
    assert texts == ["Souveraineté", "Un atelier"]
    assert (
        post_form(client, f"{base}/entries/{copied.id}/remove", {}, form_url="/").status_code == 302
    )
    assert count(db, DiagnosticEntry) == 2  # the starting item and the new one


def test_suggestions_go_to_the_agenda_in_one_click(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/diagnostic/suggest"
    post_form(client, url, {"action": str(world.action.id), "title": "Action 1"}, form_url="/")
    post_form(client, url, {"title": "Levier à couvrir : Levier 2"}, form_url="/")
    items = db.scalars(select(AgendaItem).order_by(AgendaItem.position)).all()
    assert [(i.title, i.action_id) for i in items] == [
        ("Action 1", world.action.id),
        ("Levier à couvrir : Levier 2", None),
    ]


def test_publish_freezes_the_diagnostic(
    app: Flask, client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    base = f"{C}/meetings/{meeting.id}/diagnostic"
    post_form(
        client, f"{base}/entries", {"column": "works", "text": "Des expérimentations"}, form_url="/"
    )
    published = post_form(client, f"{base}/publish", {}, form_url="/")
    assert published.status_code == 302
    public = app.test_client()
    first = main_of(public.get(base).get_data(as_text=True))
    assert "Des expérimentations" in first and "Action 1" in first
    # the coalition changes afterwards
    world.action.title = "Action renommée"
    world.action.status = ActionStatus.done
    f.holding(db, world.other_actor, world.other_lever, capacity=3)
    db.add(
        DiagnosticEntry(
            coalition_id=world.coalition.id,
            meeting_id=meeting.id,
            column=DiagnosticColumn.could,
            text="Ajout tardif",
        )
    )
    db.flush()
    assert main_of(public.get(base).get_data(as_text=True)) == first
    again = post_form(client, f"{base}/publish", {}, form_url="/")
    assert again.status_code == 409 and "déjà publié" in again.get_data(as_text=True)
    assert count(db, DiagnosticSnapshot) == 1
    page = public.get(f"{C}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Lire le diagnostic" in page and f"{base}.md" in page


def test_exports(client: FlaskClient, world: World, db: Session, meeting: Meeting) -> None:
    world.log_in(client, "facilitator")
    base = f"{C}/meetings/{meeting.id}/diagnostic"
    post_form(
        client, f"{base}/entries", {"column": "hard", "text": "Former les agents"}, form_url="/"
    )
    post_form(client, f"{base}/publish", {}, form_url="/")
    markdown = client.get(f"{base}.md")
    assert markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Ma coalition") and "- Former les agents" in text
    exported = client.get(f"{base}.json")
    data = json.loads(exported.get_data())
    assert data["columns"]["hard"] == ["Former les agents"]
    assert data["license"]["id"] == "etalab-2.0"  # the coalition's data licence, by default
    assert data["license"]["url"] in exported.headers["Link"]
    assert 'rel="license"' in exported.headers["Link"]
    assert data["computed"]["actions"]["blocked"][0]["label"] == "Action 1"
    printable = client.get(f"{base}/print").get_data(as_text=True)
    assert "print.css" in printable and "<nav" not in printable and "Former les agents" in printable


def test_unpublished_and_foreign_diagnostics_are_not_found(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    assert client.get(f"{C}/meetings/{meeting.id}/diagnostic").status_code == 404
    assert client.get(f"{C}/meetings/{meeting.id}/diagnostic.md").status_code == 404
    foreign = f.meeting(db, world.other_coalition)
    world.log_in(client, "facilitator")
    publish = post_form(client, f"{C}/meetings/{foreign.id}/diagnostic/publish", {}, form_url="/")
    assert publish.status_code == 404
    assert count(db, DiagnosticSnapshot) == 0


def test_a_cancelled_meeting_is_not_prepared(
    client: FlaskClient, world: World, db: Session
) -> None:
    cancelled = f.meeting(db, world.coalition, status=MeetingStatus.cancelled)
    world.log_in(client, "facilitator")
    response = client.get(f"{C}/meetings/{cancelled.id}/prepare")
    assert response.status_code == 400 and "annulée" in response.get_data(as_text=True)
    publish = post_form(client, f"{C}/meetings/{cancelled.id}/diagnostic/publish", {}, form_url="/")
    assert publish.status_code == 409
    assert count(db, DiagnosticSnapshot) == 0


def test_an_empty_coalition_gets_a_diagnostic(client: FlaskClient, db: Session) -> None:
    from coalition.auth.models import MembershipRole

    coalition = f.coalition(db, slug="vide")
    only = f.meeting(db, coalition)
    facilitator = f.user(db)
    f.membership(db, facilitator, coalition, MembershipRole.facilitator)
    f.log_in(client, facilitator)
    assert client.get(f"/c/vide/meetings/{only.id}/prepare").status_code == 200
    assert (
        post_form(
            client, f"/c/vide/meetings/{only.id}/diagnostic/publish", {}, form_url="/"
        ).status_code
        == 302
    )
    assert client.get(f"/c/vide/meetings/{only.id}/diagnostic").status_code == 200


def test_compare_two_published_diagnostics(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    first = db.scalars(
        select(Meeting).where(Meeting.number < meeting.number).order_by(Meeting.starts_at)
    ).first()
    assert first is not None
    post_form(client, f"{C}/meetings/{first.id}/diagnostic/publish", {}, form_url="/")
    f.holding(db, world.other_actor, world.other_lever)  # Levier 2 is held now
    post_form(client, f"{C}/meetings/{meeting.id}/diagnostic/publish", {}, form_url="/")
    html = client.get(f"{C}/diagnostics/compare?a={first.id}&b={meeting.id}").get_data(as_text=True)
    row = html.split("Leviers que personne ne détient")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row and '<td class="num">0</td>' in row and "mieux" in row
    assert client.get(f"{C}/diagnostics/compare?a={first.id}&b=999").status_code == 400
    assert "Comparer" in client.get(f"{C}/diagnostics").get_data(as_text=True)


def test_prepare_page_statements_do_not_grow(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "admin")

    def make(size: int) -> str:
        coalition = f.coalition(db)
        meetings = [f.meeting(db, coalition, status=MeetingStatus.held) for _ in range(24)]
        lever = f.lever(db, coalition)
        for _ in range(size):
            actor = f.actor(db, coalition)
            f.holding(db, actor, lever)
            f.commitment(db, actor, f.action(db, coalition))
        return f"/c/{coalition.slug}/meetings/{meetings[-1].id}/prepare"

    def statements(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    assert statements(make(10)) == statements(make(300))


def test_the_seed_publishes_the_starting_diagnostic_as_the_first_meetings(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    result = app.test_cli_runner().invoke(args=["seed", str(DEMO)])
    assert result.exit_code == 0, result.output
    first = db.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
    assert first is not None and first.starts_at.date().isoformat() == "2021-09-21"
    snapshot = db.scalars(select(DiagnosticSnapshot)).one()
    assert snapshot.meeting_id == first.id
    assert (
        len(snapshot.data["columns"]["hard"]) == 3 and len(snapshot.data["columns"]["could"]) == 3
    )
    html = client.get(f"/c/ia-responsable/meetings/{first.id}/diagnostic").get_data(as_text=True)
    assert "Manque de souveraineté" in html or "souveraineté" in html
    again = app.test_cli_runner().invoke(args=["seed", str(DEMO)])
    assert again.exit_code == 0 and count(db, DiagnosticSnapshot) == 1
