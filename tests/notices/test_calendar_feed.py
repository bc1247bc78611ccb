"""A person's calendar feed: a secret URL, shown once, replaceable and revocable, that a
calendar client (read here with vobject, not the library that wrote it) opens without login."""

import re
from datetime import date
from urllib.parse import urlsplit

import vobject
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.meetings.models import MeetingStatus
from coalition.notices import feeds, service
from coalition.roadmap.models import ActionStatus, CommitmentStatus
from tests import factories as f
from tests.conftest import World, post_form

FEED_URL = re.compile(r"https?://[^\s<\"]+/calendar/[A-Za-z0-9_-]+\.ics")


def _create(client: FlaskClient) -> str:
    """Create (or replace) the logged-in person's feed; the path of its URL, shown once."""
    response = post_form(client, "/account/calendar-feed", {})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = FEED_URL.findall(page)
    assert len(found) == 1, page
    assert not FEED_URL.search(client.get("/account/notices").get_data(as_text=True))
    return urlsplit(found[0]).path


def _events(client: FlaskClient, path: str) -> dict[str, vobject.base.Component]:
    client.get("/logout")
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = vobject.readOne(response.get_data(as_text=True))
    return {event.summary.value: event for event in getattr(calendar, "vevent_list", [])}


def test_the_feed_holds_the_meetings_of_all_ones_coalitions_and_the_target_dates(
    client: FlaskClient, db: Session, world: World
) -> None:
    member = world.users["member"]
    f.membership(db, member, world.other_coalition, MembershipRole.facilitator)
    held = f.meeting(db, world.coalition, title="Rencontre tenue")
    cancelled = f.meeting(db, world.coalition, title="Rencontre annulée")
    cancelled.status = MeetingStatus.cancelled
    f.meeting(db, world.other_coalition, title="Rencontre ailleurs")
    lonely = f.coalition(db)
    f.meeting(db, lonely, title="Rencontre d'une coalition dont je ne suis pas")
    world.action.target_date = date(2030, 6, 30)
    dropped = f.action(db, world.coalition, title="Abandonnée", target_date=date(2030, 7, 1))
    dropped.status = ActionStatus.dropped
    f.commitment(db, world.actor, dropped)
    withdrawn = f.action(db, world.coalition, title="Retirée", target_date=date(2030, 7, 2))
    f.commitment(db, world.actor, withdrawn, status=CommitmentStatus.withdrawn)
    theirs = f.action(db, world.coalition, title="La leur", target_date=date(2030, 7, 3))
    f.commitment(db, world.other_actor, theirs)
    db.flush()
    world.log_in(client, "member")

    events = _events(client, _create(client))

    assert set(events) == {
        "Ma coalition – Rencontre tenue",
        "Ma coalition – Rencontre annulée",
        "Autre coalition – Rencontre ailleurs",
        "Ma coalition – échéance : Action 1",
        "Ma coalition – échéance : Abandonnée",
    }
    meeting = events["Ma coalition – Rencontre tenue"]
    assert meeting.uid.value == held.ical_uid
    assert meeting.dtstart.value.utcoffset() is not None  # a time, in Europe/Paris
    assert f"/c/ma-coalition/meetings/{held.id}" in meeting.url.value
    assert events["Ma coalition – Rencontre annulée"].status.value == "CANCELLED"
    assert events["Ma coalition – Rencontre annulée"].uid.value == cancelled.ical_uid
    target = events["Ma coalition – échéance : Action 1"]
    assert target.dtstart.value == date(2030, 6, 30)  # all day: a date, not a time
    assert target.dtend.value == date(2030, 7, 1)
    assert target.status.value == "CONFIRMED"
    assert f"/c/ma-coalition/actions/{world.action.id}" in target.url.value
    assert events["Ma coalition – échéance : Abandonnée"].status.value == "CANCELLED"


def test_a_replaced_or_revoked_link_is_a_plain_404(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "member")
    first = _create(client)
    second = _create(client)
    assert first != second
    assert client.get(second).status_code == 200
    gone = client.get(first)
    assert gone.status_code == 404
    assert gone.mimetype == "text/plain"
    assert "calendrier" in gone.get_data(as_text=True)

    world.log_in(client, "member")
    page = client.get("/account/notices").get_data(as_text=True)
    assert "Révoquer l'adresse" in page
    assert post_form(client, "/account/calendar-feed/revoke", {}).status_code == 302
    assert feeds.feed_of(db, world.users["member"].id) is None
    assert client.get(second).status_code == 404
    assert "Créer l'adresse de mon agenda" in client.get("/account/notices").get_data(as_text=True)
    # revoking again changes nothing and says nothing wrong
    assert post_form(client, "/account/calendar-feed/revoke", {}).status_code == 302


def test_an_unknown_token_is_a_plain_404(client: FlaskClient, world: World) -> None:
    response = client.get("/calendar/" + "A" * 43 + ".ics")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"


def test_someone_who_left_sees_nothing_of_the_coalition(
    client: FlaskClient, db: Session, world: World
) -> None:
    member = world.users["member"]
    f.meeting(db, world.coalition, title="Rencontre")
    world.action.target_date = date(2030, 6, 30)
    secret = service.renew_feed(db, member.id, world.action.created_at)
    for membership in list(member.memberships):
        db.delete(membership)
    db.flush()
    assert _events(client, f"/calendar/{secret}.ics") == {}


def test_an_inactive_account_has_no_feed(client: FlaskClient, db: Session, world: World) -> None:
    member = world.users["member"]
    secret = service.renew_feed(db, member.id, world.action.created_at)
    member.is_active = False
    db.flush()
    assert client.get(f"/calendar/{secret}.ics").status_code == 404


def test_a_client_with_a_current_copy_gets_304(
    client: FlaskClient, db: Session, world: World
) -> None:
    secret = service.renew_feed(db, world.users["member"].id, world.action.created_at)
    first = client.get(f"/calendar/{secret}.ics")
    again = client.get(f"/calendar/{secret}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
