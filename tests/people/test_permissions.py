"""Every route of the "Personnes" page and of invitations, for every role."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, MembershipRole
from coalition.people.models import Invitation
from tests import factories as f
from tests.conftest import ROLES, World, check_access, post_form
from tests.people.conftest import invite

FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # a facilitator's write redirects
# an invitation link: anyone may follow it, but only with the invited address (here, nobody's
# yet); someone signed in with another address is refused
INVITED = [200, 403, 403, 403, 403, 403]
JOINED = [303, 403, 403, 403, 403, 403]
P = "/c/ma-coalition/people"
PASSWORD = "une phrase assez longue"
NEWCOMER = {"name": "Nina Nouvelle", "password": PASSWORD, "confirm_password": PASSWORD}
INVITE = {"emails": "nouvelle@example.org", "role": "facilitator"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", P, None, FACILITATORS),
    ("POST", P + "/invitations", INVITE, MANAGERS),
    ("POST", P + "/invitations/{invitation}/resend", {}, MANAGERS),
    ("POST", P + "/invitations/{invitation}/revoke", {}, MANAGERS),
    ("GET", P + "/{membership}", None, FACILITATORS),
    ("POST", P + "/{membership}", {"role": "member", "actor": "{actor}"}, MANAGERS),
    ("POST", P + "/{membership}/remove", {}, MANAGERS),
    ("GET", "/invitations/{token}", None, INVITED),
    ("POST", "/invitations/{token}", NEWCOMER, JOINED),
]  # fmt: skip

RULES: set[str] = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{invitation}", "<int:invitation_id>")
    .replace("{membership}", "<int:membership_id>")
    .replace("{token}", "<token>")
    for _, url, _, _ in ROUTES
}


@pytest.fixture
def places(app: Flask, db: Session, world: World) -> dict[str, Any]:
    path = invite(app, db, world, "invitee@example.org")
    invite(app, db, world, "attente@example.org", role=MembershipRole.facilitator)
    invitation = db.scalars(
        select(Invitation).where(Invitation.email == "attente@example.org")
    ).one()
    # a second facilitator, so that the world's one may be changed or removed by anyone
    f.membership(db, f.user(db), world.coalition, MembershipRole.facilitator)
    membership = db.scalars(
        select(Membership).where(Membership.user_id == world.users["other_member"].id)
    ).one()
    return {
        "invitation": invitation.id,
        "membership": membership.id,
        "actor": world.actor.id,
        "token": path.rsplit("/", 1)[1],
    }


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient,
    world: World,
    places: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=places)


def test_a_person_of_another_coalition_is_not_found(
    client: FlaskClient, db: Session, world: World, app: Flask
) -> None:
    stranger = db.scalars(
        select(Membership).where(Membership.user_id == world.users["other_facilitator"].id)
    ).one()
    world.log_in(client, "facilitator")
    assert client.get(f"{P}/{stranger.id}").status_code == 404
    invite(app, db, world, "ailleurs@example.org")
    invitation = db.scalars(select(Invitation)).one()
    invitation.coalition_id = world.other_coalition.id
    db.flush()
    world.log_in(client, "admin")
    response = post_form(client, f"{P}/invitations/{invitation.id}/revoke", {}, form_url=P)
    assert response.status_code == 404
