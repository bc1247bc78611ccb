"""The review form offers exactly what the service accepts, and shows where the action stands."""

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.meetings import service
from coalition.meetings.models import ActionReview, Meeting
from coalition.roadmap.models import Action, ActionStatus, CommitmentStatus, Role
from tests import factories as f
from tests.actors.test_commit_form import error_of, options, selected
from tests.conftest import World, post_form

C = "/c/ma-coalition"
OCTOBER = datetime(2021, 10, 12, 12, tzinfo=UTC)
NOVEMBER = datetime(2021, 11, 9, 13, tzinfo=UTC)


def review_url(meeting: Meeting, action: Action) -> str:
    return f"{C}/meetings/{meeting.id}/reviews/{action.id}"


def offered(client: FlaskClient, meeting: Meeting, action: Action) -> set[str]:
    response = client.get(review_url(meeting, action))
    assert response.status_code == 200
    return {value for value, _, _ in options(response.get_data(as_text=True), "status") if value}


def accepted(db: Session, meeting: Meeting, action: Action) -> set[str]:
    """The statuses record_review takes for this action at this meeting, each tried alone."""
    statuses = set()
    existing = db.scalars(
        select(ActionReview).where(
            ActionReview.meeting_id == meeting.id, ActionReview.action_id == action.id
        )
    ).one_or_none()
    for status in ActionStatus:
        attempt = db.begin_nested()
        try:
            service.record_review(
                db,
                meeting,
                action,
                status=status,
                progress=10,
                note="",
                next_steps="",
                seen_version=existing.version if existing else None,
                by=None,
            )
            db.flush()
            statuses.add(status.value)
        except ValidationError:
            pass
        finally:
            attempt.rollback()
    return statuses


@pytest.mark.parametrize("current", list(ActionStatus))
def test_a_first_review_offers_exactly_what_the_service_accepts(
    client: FlaskClient, world: World, db: Session, current: ActionStatus
) -> None:
    world.action.status = current
    meeting = f.meeting(db, world.coalition)
    db.flush()
    world.log_in(client, "facilitator")
    shown = offered(client, meeting, world.action)
    assert current.value in shown  # keeping the status is always possible
    assert shown == accepted(db, meeting, world.action)
    assert len(shown) < len(ActionStatus)  # some are always refused


@pytest.mark.parametrize("previous", list(ActionStatus))
def test_after_a_previous_review_the_offer_follows_it(
    client: FlaskClient, world: World, db: Session, previous: ActionStatus
) -> None:
    """The service moves from the previous meeting's review; the form agrees with it."""
    october = f.meeting(db, world.coalition, starts_at=OCTOBER)
    november = f.meeting(db, world.coalition, starts_at=NOVEMBER)
    db.add(ActionReview(meeting_id=october.id, action_id=world.action.id, status=previous))
    world.action.status = previous
    db.flush()
    world.log_in(client, "facilitator")
    shown = offered(client, november, world.action)
    assert shown == accepted(db, november, world.action)


def test_correcting_a_past_review_offers_every_status_the_service_takes(
    client: FlaskClient, world: World, db: Session
) -> None:
    october = f.meeting(db, world.coalition, starts_at=OCTOBER)
    november = f.meeting(db, world.coalition, starts_at=NOVEMBER)
    for meeting, status in ((october, ActionStatus.committed), (november, ActionStatus.done)):
        db.add(ActionReview(meeting_id=meeting.id, action_id=world.action.id, status=status))
    world.action.status = ActionStatus.done
    db.flush()
    world.log_in(client, "facilitator")
    shown = offered(client, october, world.action)
    assert shown == accepted(db, october, world.action) == {s.value for s in ActionStatus}
    assert offered(client, november, world.action) == accepted(db, november, world.action)


def test_the_form_shows_the_commitments_and_the_previous_review(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.action.status = ActionStatus.in_progress
    unlisted = f.actor(db, world.coalition, name="Collectif discret", is_listed=False)
    f.commitment(db, world.other_actor, world.action, role=Role.funder)
    f.commitment(
        db, unlisted, world.action, role=Role.pilot_site, status=CommitmentStatus.withdrawn
    )
    october = f.meeting(db, world.coalition, starts_at=OCTOBER, title="Rencontre d'octobre")
    september = f.meeting(
        db, world.coalition, starts_at=datetime(2021, 9, 14, 12, tzinfo=UTC), title="Septembre"
    )
    november = f.meeting(db, world.coalition, starts_at=NOVEMBER)
    db.add_all(
        [
            ActionReview(
                meeting_id=september.id,
                action_id=world.action.id,
                status=ActionStatus.committed,
                progress=5,
                note="Démarrage",
            ),
            ActionReview(
                meeting_id=october.id,
                action_id=world.action.id,
                status=ActionStatus.in_progress,
                progress=35,
                note="Deux ateliers tenus",
                next_steps="Trouver un lieu",
            ),
        ]
    )
    db.flush()
    world.log_in(client, "facilitator")
    html = client.get(review_url(november, world.action)).get_data(as_text=True)
    commitments = html.split('id="review-commitments"')[1].split("</section>")[0]
    rows = commitments.split("<tr>")[2:]
    assert ["Acteur A" in rows[0], "Contributeur" in rows[0], "Promis" in rows[0]] == [True] * 3
    assert "Acteur B" in rows[1] and "Financeur" in rows[1]
    assert "Collectif discret" in rows[2] and "Site pilote" in rows[2] and "Retiré" in rows[2]
    previous = html.split('id="review-previous"')[1].split("</section>")[0]
    assert "Rencontre d&#39;octobre" in previous and "12 octobre 2021" in previous
    assert "En cours" in previous and "35 %" in previous
    assert "Deux ateliers tenus" in previous and "Trouver un lieu" in previous
    assert "Démarrage" not in previous  # only the latest review before this meeting

    first = client.get(review_url(september, world.action)).get_data(as_text=True)
    assert "n'a pas été revue lors d'une rencontre précédente" in first


def test_a_refused_status_sent_anyway_is_a_clear_400_and_changes_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.action.status = ActionStatus.done
    meeting = f.meeting(db, world.coalition)
    db.flush()
    world.log_in(client, "facilitator")
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    response = post_form(
        client,
        review_url(meeting, world.action),
        {"status": "proposed", "progress": "20", "note": "Pour voir"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_of(html, "status") == "Une action « Réalisée » ne peut pas passer à « Proposée »."
    offered_again = [value for value, _, _ in options(html, "status")]
    assert offered_again == ["", "in_progress", "done"]  # nothing chosen in the user's place
    assert selected(html, "status") in ([], [""])
    assert "Pour voir</textarea>" in html
    assert db.scalar(select(func.count()).select_from(ActionReview)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events
    db.refresh(world.action)
    assert world.action.status == ActionStatus.done

    response = post_form(  # then one of the statuses offered
        client, review_url(meeting, world.action), {"status": "in_progress", "progress": "80"}
    )
    assert response.status_code == 302
    db.refresh(world.action)
    assert world.action.status == ActionStatus.in_progress


def test_the_review_page_issues_the_same_statements_whatever_the_commitments(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "facilitator")
    meeting = f.meeting(db, world.coalition)

    def statements(commitments: int) -> int:
        action = f.action(db, world.coalition)
        for _ in range(commitments):
            f.commitment(db, f.actor(db, world.coalition), action)
        client.get(review_url(meeting, action))  # the session's first read of this action
        with count_queries() as counter:
            assert client.get(review_url(meeting, action)).status_code == 200
        return int(counter.count)

    assert statements(2) == statements(30)
