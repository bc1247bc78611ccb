"""Changing a person's role or actor, and removing them from the coalition."""

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus
from coalition.auth.models import Membership, MembershipRole, User
from coalition.core.audit import AuditEvent
from tests import factories as f
from tests.conftest import World, post_form
from tests.people.conftest import PEOPLE, Snapshot

LAST = "C&#39;est la dernière personne qui anime cette coalition"


def membership(db: Session, world: World, role: str) -> Membership:
    user = world.users[role]
    query = select(Membership).where(
        Membership.user_id == user.id, Membership.coalition_id == world.coalition.id
    )
    return db.scalars(query).one()


def change(client: FlaskClient, m: Membership, data: dict[str, str]) -> Any:
    return post_form(client, f"{PEOPLE}/{m.id}", data, form_url=PEOPLE)


def remove(client: FlaskClient, m: Membership) -> Any:
    return post_form(client, f"{PEOPLE}/{m.id}/remove", {}, form_url=PEOPLE)


def test_a_member_is_given_another_actor(client: FlaskClient, world: World, db: Session) -> None:
    m = membership(db, world, "member")
    world.log_in(client, "facilitator")
    page = client.get(f"{PEOPLE}/{m.id}").get_data(as_text=True)
    assert world.users["member"].email in page and "Retirer" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(ids)
    response = change(client, m, {"role": "member", "actor": str(world.other_actor.id)})
    assert response.status_code == 302 and response.headers["Location"] == PEOPLE
    db.expire_all()
    assert (m.role, m.actor_id) == (MembershipRole.member, world.other_actor.id)
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "membership")).one()
    assert event.action == "update"
    assert event.before == {"role": "member", "actor_id": world.actor.id, "user_id": m.user_id}
    assert event.after == {"role": "member", "actor_id": world.other_actor.id}
    # the member now edits the other actor, no longer the first
    member = FlaskClient(client.application)
    world.log_in(member, "member")
    assert member.get(f"/c/ma-coalition/actors/{world.other_actor.id}/manage").status_code == 200
    assert member.get(f"/c/ma-coalition/actors/{world.actor.id}/manage").status_code == 403


def test_a_member_becomes_facilitator_and_back(
    client: FlaskClient, world: World, db: Session
) -> None:
    m = membership(db, world, "member")
    world.log_in(client, "facilitator")
    assert change(client, m, {"role": "facilitator", "actor": ""}).status_code == 302
    db.expire_all()
    assert (m.role, m.actor_id) == (MembershipRole.facilitator, None)
    assert change(client, m, {"role": "member", "actor": str(world.actor.id)}).status_code == 302
    db.expire_all()
    assert (m.role, m.actor_id) == (MembershipRole.member, world.actor.id)
    unchanged = change(client, m, {"role": "member", "actor": str(world.actor.id)})
    assert "Rien n&#39;a changé" in client.get(unchanged.headers["Location"]).get_data(as_text=True)
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "membership")).all()
    assert len(events) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "member", "actor": ""}, "Un membre représente un acteur"),
        ({"role": "member", "actor": "{foreign}"}, "n&#39;appartient pas à cette coalition"),
        ({"role": "member", "actor": "{left}"}, "Partie a quitté la coalition"),
        ({"role": "member", "actor": "999999"}, "Cet acteur n&#39;existe pas"),
        ({"role": "member", "actor": "abc"}, "Cet acteur n&#39;existe pas"),
        ({"role": "chef", "actor": "{actor}"}, "Choisissez un rôle"),
        ({"actor": "{actor}"}, "Choisissez un rôle"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    client: FlaskClient, world: World, db: Session, data: dict[str, str], message: str
) -> None:
    places = {
        "actor": str(world.actor.id),
        "foreign": str(f.actor(db, world.other_coalition).id),
        "left": str(f.actor(db, world.coalition, name="Partie", status=ActorStatus.left).id),
    }
    m = membership(db, world, "member")
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = change(client, m, {k: v.format(**places) for k, v in data.items()})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert before.unchanged()
    assert (m.role, m.actor_id) == (MembershipRole.member, world.actor.id)


def test_a_removed_person_loses_access_at_their_next_request(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    member = app.test_client()
    world.log_in(member, "member")
    manage = f"/c/ma-coalition/actors/{world.actor.id}/manage"
    assert member.get(manage).status_code == 200
    m = membership(db, world, "member")
    m_id, user_id, actor_id = m.id, m.user_id, world.actor.id
    world.log_in(client, "facilitator")
    response = remove(client, m)
    assert response.status_code == 302 and response.headers["Location"] == PEOPLE
    assert "ne fait plus partie de la coalition" in client.get(PEOPLE).get_data(as_text=True)
    assert member.get(manage).status_code == 403  # the very next request
    assert member.get("/c/ma-coalition/my-organisation").status_code == 403
    assert member.get("/c/ma-coalition/").status_code == 200  # public pages stay
    db.expunge(m)
    assert db.get(Membership, m_id) is None
    assert db.get(User, user_id) is not None  # the account stays
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "membership")).one()
    assert (event.action, event.entity_id, event.before) == (
        "delete",
        m_id,
        {"user_id": user_id, "role": "member", "actor_id": actor_id},
    )


def test_removal_is_per_coalition(client: FlaskClient, world: World, db: Session) -> None:
    both = world.users["other_facilitator"]
    m = f.membership(db, both, world.coalition, MembershipRole.member, world.actor)
    world.log_in(client, "facilitator")
    assert remove(client, m).status_code == 302
    db.expire_all()
    left = db.scalars(select(Membership).where(Membership.user_id == both.id)).all()
    assert [x.coalition_id for x in left] == [world.other_coalition.id]


def test_the_last_facilitator_can_be_neither_removed_nor_demoted(
    client: FlaskClient, world: World, db: Session
) -> None:
    m = membership(db, world, "facilitator")
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    demoted = change(client, m, {"role": "member", "actor": str(world.actor.id)})
    assert demoted.status_code == 409
    assert LAST in demoted.get_data(as_text=True)
    removed = remove(client, m)
    assert removed.status_code == 409
    assert LAST in removed.get_data(as_text=True)
    assert before.unchanged()
    db.expire_all()
    assert db.get(Membership, m.id).role == MembershipRole.facilitator  # type: ignore[union-attr]


def test_a_deactivated_facilitator_does_not_count(
    client: FlaskClient, world: World, db: Session
) -> None:
    f.membership(db, f.user(db, is_active=False), world.coalition, MembershipRole.facilitator)
    world.log_in(client, "facilitator")
    assert remove(client, membership(db, world, "facilitator")).status_code == 409


def test_with_a_second_facilitator_one_may_step_down(
    client: FlaskClient, world: World, db: Session
) -> None:
    f.membership(db, f.user(db), world.coalition, MembershipRole.facilitator)
    m = membership(db, world, "facilitator")
    world.log_in(client, "facilitator")
    response = change(client, m, {"role": "member", "actor": str(world.actor.id)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/c/ma-coalition/"  # no longer on the people page
    assert client.get(PEOPLE).status_code == 403


def test_a_facilitator_who_removes_themselves_goes_home(
    client: FlaskClient, world: World, db: Session
) -> None:
    f.membership(db, f.user(db), world.coalition, MembershipRole.facilitator)
    world.log_in(client, "facilitator")
    response = remove(client, membership(db, world, "facilitator"))
    assert response.headers["Location"] == "/c/ma-coalition/"
    assert client.get(PEOPLE).status_code == 403


def test_an_admin_may_remove_the_last_facilitator(
    client: FlaskClient, world: World, db: Session
) -> None:
    """Admins run every coalition: they may leave it without a facilitator for a while."""
    m = membership(db, world, "facilitator")
    world.log_in(client, "admin")
    assert change(client, m, {"role": "member", "actor": str(world.actor.id)}).status_code == 302
    db.expire_all()
    assert m.role == MembershipRole.member
    assert remove(client, m).status_code == 302
