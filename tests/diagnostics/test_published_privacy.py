"""A published diagnostic is the public's view of the coalition, frozen: it names no actor who
opted out of the directory or left, shows no resource awaiting moderation and no draft
consultation, and no one's attendance, in any of its public views and exports."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors import service as actors
from coalition.actors.models import Actor, ActorStatus, Family
from coalition.auth.models import User
from coalition.consultations.models import ConsultationStatus
from coalition.meetings.models import Attendance, Meeting, MeetingStatus, Presence
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from coalition.roadmap.models import Role
from tests import factories as f
from tests.conftest import World, post_form
from tests.consultations.conftest import make_consultation

C = "/c/ma-coalition"
NEW_PUBLIC = "Visible Labo"  # joined since the previous meeting, listed
RENAMED = "Nouveau Nom SAS"  # joined as OLD_NAME, renamed since
OLD_NAME = "Ancien Nom SAS"
OPTED_OUT = "Opaque Conseil"  # joined unlisted
UNLISTED_LATER = "Annuaire Retiré SA"  # joined listed, then opted out of the directory
LEFT = "Départ Industries"  # was in the directory, left since the previous meeting
PENDING_RESOURCE = "Guide en attente de modération"
PUBLISHED_RESOURCE = "Guide publié"
DRAFT_CONSULTATION = "Questionnaire brouillon secret"
CLOSED_CONSULTATION = "Consultation close"
HIDDEN = [OLD_NAME, OPTED_OUT, UNLISTED_LATER, LEFT, PENDING_RESOURCE, DRAFT_CONSULTATION]
UNNAMED = "Un acteur non nommé"
COUNTED = {"kind": "unnamed", "id": 0, "label": "", "detail": ""}  # said in the viewer's language


@dataclass
class Published:
    previous: Meeting
    meeting: Meeting
    hidden_actor_ids: list[int]


def _update(db: Session, actor: Actor, by: User, **changes: object) -> None:
    details = _details(actor, **changes)
    actors.update_actor(db, actor, details, seen_version=actor.version, by=by)


def _details(actor: Actor, **changes: object) -> actors.ActorDetails:
    fields = {
        "name": actor.name,
        "family": actor.family,
        "kind": actor.kind,
        "status": actor.status,
        "is_listed": actor.is_listed,
        **changes,
    }
    return actors.ActorDetails(**fields)  # type: ignore[arg-type]


def _join(
    db: Session, world: World, by: User, name: str, *, listed: bool = True, family: Family
) -> Actor:
    """A new actor, recorded in the audit log, holding a lever and committed to an action."""
    details = actors.ActorDetails(name=name, family=family, is_listed=listed)
    actor = actors.create_actor(db, world.coalition, details, by=by)
    actors.add_holding(db, actor, world.other_lever, capacity=3, note="", by=by)
    actors.commit_to_action(db, actor, world.other_action, role=Role.expert, contribution="", by=by)
    return actor


def _arrange(db: Session, world: World) -> Published:
    by = world.users["facilitator"]
    older = f.meeting(db, world.coalition, starts_at=datetime(2020, 1, 7, 13, tzinfo=UTC))
    previous = f.meeting(db, world.coalition, starts_at=datetime(2020, 2, 4, 13, tzinfo=UTC))
    for held in (older, previous):
        held.status = MeetingStatus.held
    meeting = f.meeting(db, world.coalition, starts_at=datetime(2031, 3, 4, 13, tzinfo=UTC))
    left = f.actor(db, world.coalition, name=LEFT, status=ActorStatus.member)
    f.holding(db, left, world.lever)
    left_commitment = f.commitment(db, left, world.action)
    # since the previous meeting
    _join(db, world, by, NEW_PUBLIC, family=Family.research)
    renamed = _join(db, world, by, OLD_NAME, family=Family.research)
    _update(db, renamed, by, name=RENAMED)
    opted_out = _join(db, world, by, OPTED_OUT, listed=False, family=Family.procurement)
    later = _join(db, world, by, UNLISTED_LATER, family=Family.procurement)
    _update(db, later, by, is_listed=False)
    actors.withdraw_commitment(
        db, left, left_commitment, seen_version=left_commitment.version, by=by
    )
    _update(db, left, by, status=ActorStatus.left)
    for held in (older, previous):
        for absent in (opted_out, world.actor):
            db.add(Attendance(meeting_id=held.id, actor_id=absent.id, presence=Presence.absent))
    for n, (title, status) in enumerate(
        [
            (PENDING_RESOURCE, ResourceStatus.submitted),
            (PUBLISHED_RESOURCE, ResourceStatus.published),
        ]
    ):
        db.add(
            Resource(
                coalition_id=world.coalition.id,
                title=title,
                url=f"https://example.org/guide-{n}",
                kind=ResourceKind.guide,
                status=status,
            )
        )
    for title, consultation_status in (
        (DRAFT_CONSULTATION, ConsultationStatus.draft),
        (CLOSED_CONSULTATION, ConsultationStatus.closed),
    ):
        consultation = make_consultation(db, world.coalition, status=consultation_status)
        consultation.title = title
        consultation.closed_at = datetime(2025, 6, 1, tzinfo=UTC)
    db.flush()
    return Published(previous, meeting, [opted_out.id, later.id, left.id])


def _publish(client: FlaskClient, world: World, *meetings: Meeting) -> None:
    world.log_in(client, "facilitator")
    for meeting in meetings:
        response = post_form(
            client, f"{C}/meetings/{meeting.id}/diagnostic/publish", {}, form_url="/"
        )
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def published(client: FlaskClient, world: World, db: Session) -> Published:
    arranged = _arrange(db, world)
    _publish(client, world, arranged.previous, arranged.meeting)
    return arranged


def _public_views(public: FlaskClient, published: Published) -> dict[str, str]:
    base = f"{C}/meetings/{published.meeting.id}/diagnostic"
    compare = f"{C}/diagnostics/compare?a={published.previous.id}&b={published.meeting.id}"
    urls = [base, f"{base}/print", f"{base}.md", f"{base}.json", f"{C}/diagnostics", compare]
    urls.append(f"{C}/meetings/{published.meeting.id}")
    views = {}
    for url in urls:
        response = public.get(url)
        assert response.status_code == 200, url
        views[url] = response.get_data(as_text=True)
    return views


def test_no_public_view_of_a_published_diagnostic_names_what_the_public_may_not_see(
    app: Flask, client: FlaskClient, published: Published
) -> None:
    views = _public_views(app.test_client(), published)
    for url, body in views.items():
        for hidden in HIDDEN:
            assert hidden not in body, (url, hidden)
    diagnostic = f"{C}/meetings/{published.meeting.id}/diagnostic"
    for url in (diagnostic, f"{diagnostic}/print", f"{diagnostic}.md", f"{diagnostic}.json"):
        body = views[url]
        for shown in (NEW_PUBLIC, RENAMED, "Acteur A", PUBLISHED_RESOURCE, CLOSED_CONSULTATION):
            assert shown in body, (url, shown)
    # the facilitators still prepare the meeting with every actor named
    prepare = client.get(f"{C}/meetings/{published.meeting.id}/prepare").get_data(as_text=True)
    new_actors = prepare.split("Nouveaux acteurs")[1].split("</dd>")[0]
    assert OPTED_OUT in new_actors and NEW_PUBLIC in new_actors
    assert LEFT in prepare.split("Acteurs partis")[1].split("</dd>")[0]
    absent = prepare.split("Absents à deux rencontres de suite")[1].split("</dd>")[0]
    assert OPTED_OUT in absent and "Acteur A" in absent


def test_the_frozen_changes_name_the_public_actors_only(app: Flask, published: Published) -> None:
    url = f"{C}/meetings/{published.meeting.id}/diagnostic.json"
    data = json.loads(app.test_client().get(url).get_data())
    changes = data["computed"]["changes"]
    assert [item["label"] for item in changes["new_actors"]] == [NEW_PUBLIC, RENAMED]
    # the public knew the actor who left: it is counted, not named
    assert changes["actors_left"] == [COUNTED]
    page = app.test_client().get(url.removesuffix(".json")).get_data(as_text=True)
    assert UNNAMED in page.split("Acteurs partis")[1].split("</dd>")[0]
    assert {item["detail"] for item in changes["holdings_added"]} == {NEW_PUBLIC, RENAMED}
    assert {item["detail"] for item in changes["new_commitments"]} == {NEW_PUBLIC, RENAMED}
    assert changes["withdrawn_commitments"] == []  # by the actor who left
    assert [item["label"] for item in changes["new_resources"]] == [PUBLISHED_RESOURCE]
    assert [item["title"] for item in data["citizens"]] == [CLOSED_CONSULTATION]
    every_item = [item for items in changes.values() for item in items]
    for section in ("actions", "levers", "actors"):
        every_item += [item for items in data["computed"][section].values() for item in items]
    named = {item["id"] for item in every_item if item["kind"] == "actor"}
    assert named.isdisjoint(published.hidden_actor_ids)


def test_attendance_is_published_without_names_and_without_opted_out_actors(
    app: Flask, published: Published
) -> None:
    url = f"{C}/meetings/{published.meeting.id}/diagnostic.json"
    data = json.loads(app.test_client().get(url).get_data())
    # Acteur A, listed, was absent twice: counted, not named; the opted-out actor not at all
    assert data["computed"]["actors"]["absent_twice"] == [COUNTED]
    rows = {row["family"]: row for row in data["computed"]["attendance"]}
    assert rows["use"]["expected"] == [1, 1]  # Acteur A
    assert rows["procurement"]["expected"] == [0, 0]  # only the opted-out actor was there
