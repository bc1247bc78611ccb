"""Following an invitation's link, as the person who got the mail would."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.passwords import verify_password
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from coalition.people import routes_accept
from coalition.people.models import Invitation
from tests import factories as f
from tests.conftest import World, post_form
from tests.people.conftest import PEOPLE, Snapshot, invite, invite_form, last_link

PASSWORD = "une phrase assez longue"
NEWCOMER = {"name": " Nina Nouvelle ", "password": PASSWORD, "confirm_password": PASSWORD}


def the_invitation(db: Session, email: str) -> Invitation:
    db.expire_all()
    return db.scalars(select(Invitation).where(Invitation.email == email)).one()


def membership_of(db: Session, user: User, world: World) -> Membership | None:
    db.expire_all()
    query = select(Membership).where(
        Membership.user_id == user.id, Membership.coalition_id == world.coalition.id
    )
    return db.scalars(query).one_or_none()


def test_a_newcomer_follows_the_link_of_the_mail_and_joins(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    facilitator = app.test_client()
    world.log_in(facilitator, "facilitator")
    data = {"emails": "nina@example.org", "role": "member", "actor": str(world.actor.id)}
    assert invite_form(facilitator, data).status_code == 302
    path = last_link(db, "nina@example.org")

    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rejoindre Ma coalition" in html and "au nom de Acteur A" in html
    assert 'autocomplete="new-password"' in html
    response = post_form(client, path, NEWCOMER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/c/ma-coalition/"
    assert "Bienvenue dans Ma coalition, Nina Nouvelle" in client.get("/c/ma-coalition/").get_data(
        as_text=True
    )

    user = db.scalars(select(User).where(User.email == "nina@example.org")).one()
    assert user.name == "Nina Nouvelle" and user.language == "fr"
    assert verify_password(user.password_hash, PASSWORD)
    membership = membership_of(db, user, world)
    assert membership is not None
    assert (membership.role, membership.actor_id) == (MembershipRole.member, world.actor.id)
    invitation = the_invitation(db, "nina@example.org")
    assert invitation.accepted_at is not None and invitation.accepted_by_id == user.id
    # signed in: the member edits the actor's levers
    assert client.get(f"/c/ma-coalition/actors/{world.actor.id}/manage").status_code == 200
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.entity, e.action) for e in events][-3:] == [
        ("user", "create"),
        ("membership", "create"),
        ("invitation", "accept"),
    ]
    # the facilitator sees them among the people, no longer among the invitations
    listing = facilitator.get(PEOPLE).get_data(as_text=True)
    assert "Nina Nouvelle" in listing
    assert "Aucune invitation en attente." in listing


def test_the_language_of_the_page_becomes_the_language_of_the_mails(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    path = invite(app, db, world, "jo@example.org", role=MembershipRole.facilitator)
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    assert post_form(client, path, NEWCOMER).status_code == 303
    user = db.scalars(select(User).where(User.email == "jo@example.org")).one()
    assert user.language == "en"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**NEWCOMER, "name": "  "}, "Le nom est obligatoire"),
        ({**NEWCOMER, "password": "court", "confirm_password": "court"}, "au moins 8 caractères"),
        ({**NEWCOMER, "password": "password1", "confirm_password": "password1"}, "trop courant"),
        ({**NEWCOMER, "confirm_password": "autre chose encore"}, "pas identiques"),
        ({"name": "Nina"}, "Choisissez un mot de passe"),
    ],
)
def test_a_newcomer_with_bad_input_is_told_and_nothing_changes(
    app: Flask, client: FlaskClient, world: World, db: Session, data: dict[str, str], message: str
) -> None:
    path = invite(app, db, world, "nina@example.org")
    before = Snapshot(db)
    response = post_form(client, path, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert before.unchanged()
    assert the_invitation(db, "nina@example.org").accepted_at is None
    assert client.get(path).status_code == 200  # the link still works


def test_someone_with_an_account_logs_in_then_accepts(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    """One person, two coalitions: the other coalition's facilitator joins this one too."""
    someone = world.users["other_facilitator"]
    path = invite(app, db, world, someone.email.upper(), actor=world.actor)
    page = client.get(path).get_data(as_text=True)
    assert f'href="/login?next={path}"' in page
    assert "Créer mon compte" not in page
    response = post_form(
        client,
        f"/login?next={path}",
        {"email": someone.email, "password": f.PASSWORD, "next": path},
    )
    assert response.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert ">Accepter</button>" in page
    assert membership_of(db, someone, world) is None  # nothing happens before the click
    response = post_form(client, path, {})
    assert response.status_code == 303
    membership = membership_of(db, someone, world)
    assert membership is not None and membership.actor_id == world.actor.id
    db.expire_all()
    roles = {m.coalition_id: m.role for m in db.scalars(
        select(Membership).where(Membership.user_id == someone.id)
    )}  # fmt: skip
    assert roles == {
        world.other_coalition.id: MembershipRole.facilitator,
        world.coalition.id: MembershipRole.member,
    }
    assert client.get(f"/c/ma-coalition/actors/{world.actor.id}/manage").status_code == 200


def test_an_account_holder_who_is_not_signed_in_cannot_accept(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    someone = f.user(db, email="deja@example.org")
    path = invite(app, db, world, "deja@example.org")
    before = Snapshot(db)
    response = post_form(client, path, NEWCOMER)
    assert response.status_code == 409
    assert "Connectez-vous avec cette adresse" in response.get_data(as_text=True)
    assert before.unchanged()
    assert membership_of(db, someone, world) is None


def test_signed_in_with_another_address_nothing_happens(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    f.user(db, email="destinataire@example.org")
    path = invite(app, db, world, "destinataire@example.org")
    world.log_in(client, "other_facilitator")
    before = Snapshot(db)
    for response in (client.get(path), post_form(client, path, {})):
        assert response.status_code == 403
        assert "autre adresse que celle à laquelle" in response.get_data(as_text=True)
    assert before.unchanged()
    assert the_invitation(db, "destinataire@example.org").accepted_at is None


def test_a_link_works_once(app: Flask, client: FlaskClient, world: World, db: Session) -> None:
    path = invite(app, db, world, "nina@example.org")
    assert post_form(client, path, NEWCOMER).status_code == 303
    other = app.test_client()
    for response in (client.get(path), other.get(path), post_form(other, path, NEWCOMER)):
        assert response.status_code == 410
        assert "déjà servi" in response.get_data(as_text=True)
    assert len(db.scalars(select(User).where(User.email == "nina@example.org")).all()) == 1


def test_accepting_when_already_a_member_uses_the_invitation_up(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    member = world.users["member"]
    invitation_path = invite(app, db, world, "futur@example.org")
    the_invitation(db, "futur@example.org").email = member.email  # as if sent to them
    db.flush()
    world.log_in(client, "member")
    response = post_form(client, invitation_path, {})
    assert response.status_code == 303
    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vous faites déjà partie de Ma coalition" in home
    membership = membership_of(db, member, world)
    assert membership is not None and membership.actor_id == world.actor.id  # unchanged
    invitation = the_invitation(db, member.email)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == member.id
    assert client.get(invitation_path).status_code == 410


def test_an_unknown_link_is_not_found(client: FlaskClient, world: World) -> None:
    for response in (client.get("/invitations/pas-un-vrai-jeton"), client.get("/invitations/x")):
        assert response.status_code == 404
        assert "Ce lien d&#39;invitation n&#39;est pas valable" in response.get_data(as_text=True)


def test_a_link_lasts_fourteen_days(
    app: Flask, client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = utcnow()
    path = invite(app, db, world, "nina@example.org", now=sent)
    monkeypatch.setattr(routes_accept, "utcnow", lambda: sent + timedelta(days=13, hours=23))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(routes_accept, "utcnow", lambda: sent + timedelta(days=14, seconds=1))
    before = Snapshot(db)
    for response in (client.get(path), post_form(client, path, NEWCOMER)):
        assert response.status_code == 410
        assert "Cette invitation a expiré" in response.get_data(as_text=True)
    assert before.unchanged()


def test_an_old_invitation_is_expired_and_listed_as_such(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    path = invite(app, db, world, "vieille@example.org", now=utcnow() - timedelta(days=15))
    assert client.get(path).status_code == 410
    world.log_in(client, "facilitator")
    page = client.get(PEOPLE).get_data(as_text=True)
    assert "vieille@example.org" in page and ">expirée</span>" in page


def test_a_revoked_invitation_stops_working(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    path = invite(app, db, world, "nina@example.org")
    facilitator = app.test_client()
    world.log_in(facilitator, "facilitator")
    invitation = the_invitation(db, "nina@example.org")
    response = post_form(
        facilitator, f"{PEOPLE}/invitations/{invitation.id}/revoke", {}, form_url=PEOPLE
    )
    assert response.status_code == 302
    assert "nina@example.org révoquée" in facilitator.get(PEOPLE).get_data(as_text=True)
    assert the_invitation(db, "nina@example.org").revoked_at is not None
    for response in (client.get(path), post_form(client, path, NEWCOMER)):
        assert response.status_code == 410
        assert "a été annulée" in response.get_data(as_text=True)
    assert db.scalars(select(User).where(User.email == "nina@example.org")).all() == []


def test_an_invitation_whose_actor_left_cannot_be_used(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    path = invite(app, db, world, "nina@example.org", actor=world.actor)
    world.actor.status = ActorStatus.left
    db.flush()
    before = Snapshot(db)
    for response in (client.get(path), post_form(client, path, NEWCOMER)):
        assert response.status_code == 409
        assert "Acteur A a quitté la coalition" in response.get_data(as_text=True)
    assert before.unchanged()
