"""Inviting people from the "Personnes" page: one or several addresses, all or nothing."""

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorStatus, Family
from coalition.auth.models import MembershipRole
from coalition.core.audit import AuditEvent
from coalition.mail.models import OutboxMessage
from coalition.people.models import Invitation
from tests import factories as f
from tests.conftest import World
from tests.people.conftest import PEOPLE, Snapshot, invite, invite_form, mails_to


def invitations(db: Session) -> list[Invitation]:
    db.expire_all()
    return list(db.scalars(select(Invitation).order_by(Invitation.id)))


def test_a_facilitator_invites_one_member_for_an_actor(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    data = {"emails": " Louise@Example.org ", "role": "member", "actor": str(world.actor.id)}
    response = invite_form(client, data)
    assert response.status_code == 302
    assert response.headers["Location"] == PEOPLE
    (invitation,) = invitations(db)
    assert (invitation.email, invitation.role, invitation.actor_id) == (
        "louise@example.org",
        MembershipRole.member,
        world.actor.id,
    )
    assert invitation.invited_by_id == world.users["facilitator"].id
    assert (invitation.expires_at - invitation.last_sent_at).days == 14
    (mail,) = mails_to(db, "louise@example.org")
    assert "Ma coalition" in mail.subject
    assert "http://localhost/invitations/" in mail.text_body
    assert "Acteur A" in mail.text_body and "Acteur A" in mail.html_body
    assert invitation.token_hash not in mail.text_body  # only the hash is stored
    page = client.get(PEOPLE).get_data(as_text=True)
    assert "1 invitation envoyée." in page
    assert "louise@example.org" in page
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "invitation")).all()
    assert [e.action for e in events] == ["create"]


def test_several_addresses_each_get_their_own_link(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    emails = (
        "un@example.org, deux@example.org;trois@example.org\nquatre@example.org  un@example.org"
    )
    response = invite_form(client, {"emails": emails, "role": "facilitator"})
    assert response.status_code == 302
    sent = [i.email for i in invitations(db)]
    assert sent == ["un@example.org", "deux@example.org", "trois@example.org", "quatre@example.org"]
    assert all(i.role == MembershipRole.facilitator and i.actor_id is None for i in invitations(db))
    links = set()
    for address in sent:
        (mail,) = mails_to(db, address)
        links.add(mail.text_body.split("/invitations/")[1].split()[0])
    assert len(links) == 4
    assert "4 invitations envoyées." in client.get(PEOPLE).get_data(as_text=True)


def test_a_member_for_a_new_actor_created_on_the_spot(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    data = {
        "emails": "a@example.org b@example.org",
        "role": "member",
        "actor": "new",
        "new_actor_name": "  Tiers-lieu du Diois ",
        "new_actor_family": "supply",
    }
    assert invite_form(client, data).status_code == 302
    actor = db.scalars(select(Actor).where(Actor.name == "Tiers-lieu du Diois")).one()
    assert (actor.coalition_id, actor.family) == (world.coalition.id, Family.supply)
    assert [i.actor_id for i in invitations(db)] == [actor.id, actor.id]
    assert "Tiers-lieu du Diois" in mails_to(db, "a@example.org")[0].text_body
    created = db.scalars(select(AuditEvent).where(AuditEvent.entity == "actor")).all()
    assert [(e.action, e.entity_id) for e in created] == [("create", actor.id)]


def test_typing_a_new_actor_name_without_choosing_it_creates_it(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    data = {
        "emails": "a@example.org",
        "role": "member",
        "actor": "",
        "new_actor_name": "Mairie de Die",
        "new_actor_family": "procurement",
    }
    assert invite_form(client, data).status_code == 302
    assert db.scalars(select(Actor).where(Actor.name == "Mairie de Die")).one()


def test_a_facilitator_invitation_ignores_the_actor(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    data = {"emails": "anim@example.org", "role": "facilitator", "actor": str(world.actor.id)}
    assert invite_form(client, data).status_code == 302
    assert invitations(db)[0].actor_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emails": "", "role": "member", "actor": "{actor}"}, "Indiquez au moins une adresse"),
        ({"emails": " ,; \n", "role": "member", "actor": "{actor}"}, "Indiquez au moins une"),
        (
            {"emails": "bon@example.org, pas-une-adresse", "role": "member", "actor": "{actor}"},
            "Adresse e-mail invalide : pas-une-adresse",
        ),
        (
            {"emails": "bon@example.org {member_email}", "role": "member", "actor": "{actor}"},
            "{member_email} fait déjà partie de cette coalition",
        ),
        (
            {"emails": "attente@example.org", "role": "facilitator"},
            "attente@example.org a déjà une invitation en attente",
        ),
        ({"emails": "x@example.org", "role": "member", "actor": ""}, "Un membre représente"),
        ({"emails": "x@example.org", "role": "member"}, "Un membre représente un acteur"),
        (
            {"emails": "x@example.org", "role": "member", "actor": "{foreign_actor}"},
            "Cet acteur n&#39;appartient pas à cette coalition",
        ),
        (
            {"emails": "x@example.org", "role": "member", "actor": "{left_actor}"},
            "Parti a quitté la coalition",
        ),
        ({"emails": "x@example.org", "role": "member", "actor": "999999"}, "n&#39;existe pas"),
        ({"emails": "x@example.org", "role": "chef", "actor": "{actor}"}, "Choisissez un rôle"),
        ({"emails": "x@example.org", "actor": "{actor}"}, "Choisissez un rôle"),
        (
            {
                "emails": "x@example.org",
                "role": "member",
                "actor": "new",
                "new_actor_family": "use",
            },
            "Le nom est obligatoire",
        ),
        (
            {"emails": "x@example.org", "role": "member", "actor": "new", "new_actor_name": "N"},
            "Choisissez la famille du nouvel acteur",
        ),
        (
            {
                "emails": "x@example.org",
                "role": "member",
                "actor": "new",
                "new_actor_name": "Acteur A",
                "new_actor_family": "use",
            },
            "Un acteur porte déjà ce nom",
        ),
        (
            {
                "emails": "x@example.org",
                "role": "member",
                "actor": "{actor}",
                "new_actor_name": "Nouveau",
                "new_actor_family": "use",
            },
            "pas les deux",
        ),
    ],
)
def test_bad_invitations_are_refused_whole_and_change_nothing(
    app: Flask, client: FlaskClient, world: World, db: Session, data: dict[str, str], message: str
) -> None:
    invite(app, db, world, "attente@example.org", role=MembershipRole.facilitator)
    foreign = f.actor(db, world.other_coalition)
    left = f.actor(db, world.coalition, name="Parti", status=ActorStatus.left)
    places = {
        "actor": str(world.actor.id),
        "foreign_actor": str(foreign.id),
        "left_actor": str(left.id),
        "member_email": world.users["member"].email,
    }
    world.log_in(client, "facilitator")
    before = Snapshot(db)
    response = invite_form(client, {k: v.format(**places) for k, v in data.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message.format(**places) in html
    assert "Le formulaire n'a pas été enregistré" in html
    assert before.unchanged()


def test_one_bad_address_names_every_refused_one(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    emails = f"ok@example.org, faux@, {world.users['facilitator'].email}, aussi@faux"
    before = Snapshot(db)
    response = invite_form(client, {"emails": emails, "role": "facilitator"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Adresse e-mail invalide : faux@" in html
    assert "Adresse e-mail invalide : aussi@faux" in html
    assert f"{world.users['facilitator'].email} fait déjà partie" in html
    assert "ok@example.org, faux@, " in html  # the list typed is kept
    assert before.unchanged()


def test_the_page_never_tells_whether_an_address_has_an_account(
    client: FlaskClient, world: World, db: Session
) -> None:
    """Inviting someone who has an account elsewhere, or nobody known: the same answer."""
    f.user(db, email="connue@example.org", name="Connue Ailleurs")
    world.log_in(client, "facilitator")
    pages = []
    for address in ("connue@example.org", "inconnue@example.org"):
        response = invite_form(client, {"emails": address, "role": "facilitator"})
        assert response.status_code == 302
        page = client.get(PEOPLE).get_data(as_text=True)
        pages.append(page.replace(address, "ADDRESS"))
    assert "Connue Ailleurs" not in pages[0]
    assert pages[0].count("1 invitation envoyée.") == 1
    # the pages differ only by the list of invitations, where both addresses now show
    first_flash = pages[0].split('<div class="flashes"')[1].split("</div>")[0]
    second_flash = pages[1].split('<div class="flashes"')[1].split("</div>")[0]
    assert first_flash == second_flash
    # the same mail either way, bar the link
    known, unknown = mails_to(db, "connue@example.org")[0], mails_to(db, "inconnue@example.org")[0]
    strip = lambda text: text.split("/invitations/")[0]  # noqa: E731
    assert strip(known.text_body) == strip(unknown.text_body)


def test_the_page_lists_people_and_invitations(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    invite(app, db, world, "attente@example.org")
    world.log_in(client, "facilitator")
    page = client.get(PEOPLE).get_data(as_text=True)
    for user in ("member", "other_member", "facilitator"):
        assert world.users[user].name in page
        assert world.users[user].email in page
    assert world.users["other_facilitator"].name not in page  # another coalition's
    assert "Animateur ou animatrice" in page and "Acteur B" in page
    assert "attente@example.org" in page and "Renvoyer" in page and "Révoquer" in page
    assert 'class="table-scroll"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(ids)


def test_the_page_costs_the_same_whatever_the_number_of_people(
    app: Flask, client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    world.log_in(client, "facilitator")

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(PEOPLE).status_code == 200
        return counter.count

    few = statements()
    for n in range(15):
        f.membership(db, f.user(db), world.coalition, MembershipRole.member, world.actor)
        invite(app, db, world, f"invite{n}@example.org")
    assert statements() == few


def test_mails_are_written_only_when_the_invitation_is(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    invite_form(client, {"emails": "a@example.org, mauvaise", "role": "facilitator"})
    assert db.scalars(select(OutboxMessage)).all() == []
