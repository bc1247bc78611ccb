"""The admin finds accounts, deactivates and reactivates them."""

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth import service as auth_service
from coalition.auth.models import Membership, MembershipRole
from coalition.core.audit import AuditEvent
from tests import factories as f
from tests.admin.conftest import row_counts
from tests.conftest import World, post_form

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def listing(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/admin/users{query}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def signed_in(client: FlaskClient) -> bool:
    return "Se déconnecter" in client.get("/").get_data(as_text=True)


def test_the_list_shows_accounts_with_their_coalitions_and_roles(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "admin")
    f.membership(db, world.users["member"], world.other_coalition, MembershipRole.facilitator)
    page = listing(client)
    member = world.users["member"]
    row = page[page.index(member.name) : page.index("</tr>", page.index(member.name))]
    assert member.email in row
    assert "Ma coalition</a> : Membre (Acteur A)" in row
    assert "Autre coalition</a> : Animateur ou animatrice" in row
    assert "actif" in row and "Désactiver" in row
    assert "jamais" in row  # never logged in
    own = page[page.index(f'id="u{world.users["admin"].id}"') :].split("</tr>")[0]
    assert "votre compte" in own and "Désactiver" not in own  # no button on one's own row
    assert "<time datetime=" in own  # the admin has just logged in
    assert "5 comptes" in page  # the world's four and the admin


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("élodie", ["Élodie Durand"], ["Eloise Martin"]),
        ("ELODIE", ["Élodie Durand"], ["Eloise Martin"]),
        ("elo", ["Élodie Durand", "Eloise Martin"], ["Anaïs Bœuf"]),
        ("anais boeuf", ["Anaïs Bœuf"], ["Élodie Durand"]),
        ("Durand élodie", ["Élodie Durand"], ["Anaïs Bœuf"]),
        ("ZOÉ@", ["Anaïs Bœuf"], ["Élodie Durand"]),  # by address
        ("a_b", ["Tiret Bas"], ["Sans Tiret"]),  # _ is itself, not any character
        ("100%", ["Cent Pour Cent"], ["Sans Tiret"]),
    ],
)
def test_search_by_name_or_address(
    client: FlaskClient,
    world: World,
    db: Session,
    query: str,
    found: list[str],
    not_found: list[str],
) -> None:
    f.user(db, name="Élodie Durand", email="elodie.durand@example.org")
    f.user(db, name="Eloise Martin", email="eloise@example.org")
    f.user(db, name="Anaïs Bœuf", email="zoe@example.org")
    f.user(db, name="Tiret Bas", email="a_b@example.org")
    f.user(db, name="Sans Tiret", email="axb@example.org")
    f.user(db, name="Cent Pour Cent 100%", email="cent@example.org")
    world.log_in(client, "admin")
    page = listing(client, f"?q={query}")
    assert all(name in page for name in found), page
    assert not any(name in page for name in not_found), page


@pytest.mark.parametrize("query", ["%", "_", "\\", "personne nobody", "zzz"])
def test_a_search_that_matches_nothing_says_so(
    client: FlaskClient, world: World, query: str
) -> None:
    world.log_in(client, "admin")
    page = listing(client, "?" + f"q={query}".replace("%", "%25"))
    assert "Aucun compte ne correspond à cette recherche." in page
    assert "0 compte" in page


def test_the_list_is_paginated(client: FlaskClient, world: World, db: Session) -> None:
    for n in range(60):
        f.user(db, name=f"Zed {n:02d}")
    world.log_in(client, "admin")
    first = listing(client)
    assert "65 comptes" in first and "Page 1 sur 2" in first
    assert "Zed 44" in first and "Zed 45" not in first  # by name: the world's five come first
    second = listing(client, "?page=2")
    assert "Zed 45" in second and "Zed 59" in second and 'rel="prev"' in second
    assert "Page 2 sur 2" in listing(client, "?page=9")  # past the end: the last one
    searched = listing(client, "?q=zed&page=2")
    assert "Page 2 sur 2" in searched and "q=zed&amp;page=1" not in searched
    assert client.get("/admin/users?page=abc").status_code == 400
    assert client.get("/admin/users?page=0").status_code == 400


def test_deactivating_ends_the_sessions_and_keeps_the_history(
    app: Flask, client: FlaskClient, world: World, db: Session
) -> None:
    member = world.users["member"]
    theirs = app.test_client()
    f.log_in(theirs, member)
    manage = f"/c/ma-coalition/actors/{world.actor.id}/manage"
    assert theirs.get(manage).status_code == 200
    world.log_in(client, "admin")
    response = post_form(
        client, f"/admin/users/{member.id}/deactivate", {"q": "pers"}, form_url="/admin/users"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users?q=pers"
    # their open session is over at its very next request
    assert theirs.get(manage).status_code == 302
    assert not signed_in(theirs)
    db.refresh(member)
    assert not member.is_active
    kept = db.scalars(select(Membership).where(Membership.user_id == member.id)).one()
    assert kept.actor_id == world.actor.id
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "deactivate")).one()
    assert (event.entity, event.entity_id, event.user_id) == (
        "user",
        member.id,
        world.users["admin"].id,
    )
    assert event.after == {"is_active": False}
    page = listing(client)
    assert "désactivé : ses sessions sont fermées" in page and "Réactiver" in page
    # and they cannot log in any more, with the message any failed login gets
    refused = post_form(theirs, "/login", {"email": member.email, "password": f.PASSWORD})
    assert refused.status_code == 400
    assert BAD_CREDENTIALS in html.unescape(refused.get_data(as_text=True))
    assert auth_service.authenticate(db, member.email, f.PASSWORD) is None

    back = post_form(client, f"/admin/users/{member.id}/reactivate", {}, form_url="/admin/users")
    assert back.status_code == 302
    db.refresh(member)
    assert member.is_active
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "reactivate")).one()
    f.log_in(theirs, member)
    assert theirs.get(manage).status_code == 200


def test_deactivating_twice_changes_nothing_more(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "admin")
    url = f"/admin/users/{world.users['member'].id}/deactivate"
    assert post_form(client, url, {}, form_url="/admin/users").status_code == 302
    before = row_counts(db)
    assert post_form(client, url, {}, form_url="/admin/users").status_code == 302
    assert row_counts(db) == before
    assert "Ce compte était déjà désactivé." in listing(client)


def test_an_admin_cannot_deactivate_themselves(
    client: FlaskClient, world: World, db: Session
) -> None:
    admin = world.users["admin"]
    world.log_in(client, "admin")
    before = row_counts(db)
    response = post_form(client, f"/admin/users/{admin.id}/deactivate", {}, form_url="/admin/users")
    assert response.status_code == 400
    assert "Vous ne pouvez pas désactiver votre propre compte." in html.unescape(
        response.get_data(as_text=True)
    )
    assert row_counts(db) == before
    db.refresh(admin)
    assert admin.is_active
    assert signed_in(client)


def populate(db: Session, size: int) -> None:
    coalitions = [f.coalition(db) for _ in range(3)]
    actors = [f.actor(db, c) for c in coalitions]
    for n in range(size):
        user = f.user(db, name=f"Membre {n:03d}")
        f.membership(db, user, coalitions[n % 3], MembershipRole.member, actors[n % 3])
        if n % 2:
            f.membership(db, user, coalitions[(n + 1) % 3], MembershipRole.facilitator)


@pytest.mark.parametrize("query", ["", "?q=membre", "?page=2"])
def test_the_list_issues_the_same_statements_at_10_and_60_accounts(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
    query: str,
) -> None:
    world.log_in(client, "admin")

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(f"/admin/users{query}").status_code == 200
        return counter.count

    populate(db, 10)
    small = statements()
    populate(db, 50)  # 60 in all
    assert statements() == small
