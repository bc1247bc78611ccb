"""Publishing a diagnostic is confirmed on a page that shows what will be frozen."""

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import Meeting, MeetingStatus
from tests import factories as f
from tests.conftest import ROLES, World, post_form

C = "/c/ma-coalition"


@pytest.fixture
def meeting(db: Session, world: World) -> Meeting:
    meeting = f.meeting(db, world.coalition, starts_at=datetime(2021, 10, 12, 12, tzinfo=UTC))
    db.add(
        DiagnosticEntry(
            coalition_id=world.coalition.id,
            meeting_id=meeting.id,
            column=DiagnosticColumn.works,
            text="Des expérimentations",
        )
    )
    db.flush()
    return meeting


def published(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(DiagnosticSnapshot)) or 0


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_the_prepare_page_has_no_one_click_publish(
    client: FlaskClient, world: World, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    html = client.get(f"{C}/meetings/{meeting.id}/prepare").get_data(as_text=True)
    confirm = f"{C}/meetings/{meeting.id}/diagnostic/publish"
    assert f'method="post" action="{confirm}"' not in html
    assert f'href="{confirm}"' in html


def test_the_confirmation_shows_what_will_be_frozen_and_publishes_nothing(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.actor.is_listed = False  # the public does not see it, so the diagnostic does not name it
    db.flush()
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/diagnostic/publish"
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert published(db) == 0
    assert "Des expérimentations" in section(html, "written")
    assert "Action 1" in html and "Acteur A" not in html.split("<main")[1]
    assert "ne changera plus" in html
    assert "compte rendu de la rencontre" in html  # what to do about a mistake found afterwards
    assert f'method="post" action="{url}"' in html
    # confirming publishes exactly the written diagnostic that was shown
    assert post_form(client, url, {}, form_url=url).status_code == 302
    public = client.application.test_client()
    frozen = public.get(f"{C}/meetings/{meeting.id}/diagnostic").get_data(as_text=True)
    assert section(frozen, "written") == section(html, "written")


def test_once_published_the_confirmation_leads_to_the_published_diagnostic(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/meetings/{meeting.id}/diagnostic/publish"
    post_form(client, url, {}, form_url=url)
    again = client.get(url)
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/meetings/{meeting.id}/diagnostic")
    assert published(db) == 1


def test_a_cancelled_meeting_has_nothing_to_confirm(
    client: FlaskClient, world: World, db: Session, meeting: Meeting
) -> None:
    meeting.status = MeetingStatus.cancelled
    db.flush()
    world.log_in(client, "facilitator")
    response = client.get(f"{C}/meetings/{meeting.id}/diagnostic/publish")
    assert response.status_code == 400 and "annulée" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, [302, 403, 403, 200, 403, 200], strict=True))
)
def test_only_the_coalitions_facilitators_see_the_confirmation(
    client: FlaskClient, world: World, meeting: Meeting, role: str, expected: int
) -> None:
    world.log_in(client, role)
    response = client.get(f"{C}/meetings/{meeting.id}/diagnostic/publish")
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_the_confirmation_issues_the_same_statements_whatever_the_entries(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "facilitator")
    meeting = f.meeting(db, world.coalition)
    url = f"/c/ma-coalition/meetings/{meeting.id}/diagnostic/publish"

    def statements(more: int) -> int:
        for n in range(more):
            db.add(
                DiagnosticEntry(
                    coalition_id=world.coalition.id,
                    meeting_id=meeting.id,
                    column=DiagnosticColumn.hard,
                    text=f"Constat {n}",
                )
            )
            f.actor(db, world.coalition)
        db.flush()
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return int(counter.count)

    assert statements(2) == statements(38)
