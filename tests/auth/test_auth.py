"""Login, logout and password change, as a person would use them."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth import service
from coalition.auth.models import User
from coalition.auth.passwords import password_problem, verify_password
from coalition.auth.routes import safe_next
from coalition.core.errors import Conflict, ValidationError
from coalition.people.service_memberships import add_membership
from tests import factories as f
from tests.conftest import post_form

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def signed_in_name(client: FlaskClient) -> str | None:
    html = client.get("/").get_data(as_text=True)
    if "Se déconnecter" not in html:
        return None
    return html.split('class="who">', 1)[1].split("<", 1)[0]


def test_login_with_the_right_password(client: FlaskClient, db: Session) -> None:
    user = f.user(db, name="Alice Martin")
    response = post_form(client, "/login", {"email": user.email.upper(), "password": f.PASSWORD})
    assert response.status_code == 302
    assert signed_in_name(client) == "Alice Martin"
    db.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "inactive account"])
def test_failed_logins_get_one_same_message(client: FlaskClient, db: Session, case: str) -> None:
    user = f.user(db, is_active=case != "inactive account")
    email = "personne@inconnue.org" if case == "unknown email" else user.email
    password = "mauvais-mot-de-passe" if case == "wrong password" else f.PASSWORD
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 400
    assert BAD_CREDENTIALS in response.get_data(as_text=True)
    assert signed_in_name(client) is None


def test_login_with_empty_fields_says_what_is_missing(client: FlaskClient) -> None:
    response = post_form(client, "/login", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Indiquez votre adresse e-mail." in html
    assert "Indiquez votre mot de passe." in html


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    response = client.post("/login", data={"email": user.email, "password": f.PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert signed_in_name(client) is None


def test_login_starts_a_new_session(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    f.log_in_with_form(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_login_goes_back_to_next_but_never_elsewhere(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    response = post_form(
        client, "/login", {"email": user.email, "password": f.PASSWORD, "next": "/c/x/actors"}
    )
    assert response.headers["Location"] == "/c/x/actors"
    assert safe_next("https://evil.example/") is None
    assert safe_next("//evil.example/") is None
    assert safe_next("javascript:alert(1)") is None
    assert safe_next("/c/x/actors?family=use") == "/c/x/actors?family=use"


def test_logout_ends_the_session_on_the_server(
    client: FlaskClient, app: Flask, db: Session
) -> None:
    user = f.user(db)
    f.log_in(client, user)
    copied_cookie = client.get_cookie("session")
    assert copied_cookie is not None
    response = post_form(client, "/logout", {}, form_url="/")
    assert response.status_code == 302
    assert signed_in_name(client) is None
    thief = app.test_client()
    thief.set_cookie("session", copied_cookie.value)
    assert signed_in_name(thief) is None


def test_logout_needs_post_and_csrf(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    f.log_in(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert signed_in_name(client) == user.name


def test_password_change_ends_other_sessions(client: FlaskClient, app: Flask, db: Session) -> None:
    user = f.user(db)
    f.log_in(client, user)
    other_device = app.test_client()
    f.log_in(other_device, user)
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": f.PASSWORD,
            "new_password": "un-nouveau-secret-2026",
            "confirm_password": "un-nouveau-secret-2026",
        },
    )
    assert response.status_code == 302
    assert signed_in_name(client) == user.name  # this session goes on
    assert signed_in_name(other_device) is None  # the other one has ended
    db.refresh(user)
    assert verify_password(user.password_hash, "un-nouveau-secret-2026")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (f.PASSWORD, "court", "court", "au moins 8 caractères"),
        (f.PASSWORD, "password123", "password123", "trop courant"),
        (f.PASSWORD, "azertyuiop", "azertyuiop", "trop courant"),
        ("pas-le-bon", "un-nouveau-secret-2026", "un-nouveau-secret-2026", "actuel est incorrect"),
        (f.PASSWORD, "un-nouveau-secret-2026", "autre-chose-2026", "pas identiques"),
    ],
)
def test_a_refused_password_change_changes_nothing(
    client: FlaskClient, db: Session, current: str, new: str, confirm: str, message: str
) -> None:
    user = f.user(db)
    f.log_in(client, user)
    hash_before, token_before = user.password_hash, user.session_token
    response = post_form(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": confirm},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.refresh(user)
    assert (user.password_hash, user.session_token) == (hash_before, token_before)
    assert signed_in_name(client) == user.name


def test_passwords_are_hashed_with_argon2id(db: Session) -> None:
    user = service.create_user(db, email="Zoe@Example.org", name="Zoé", password="tres-long-secret")
    assert user.email == "zoe@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert "tres-long-secret" not in user.password_hash


def test_create_user_refuses_bad_input(db: Session) -> None:
    service.create_user(db, email="a@example.org", name="A", password="tres-long-secret")
    with pytest.raises(Conflict):
        service.create_user(db, email="A@example.org", name="A", password="tres-long-secret")
    with pytest.raises(ValidationError):
        service.create_user(db, email="pas-une-adresse", name="A", password="tres-long-secret")
    with pytest.raises(ValidationError):
        service.create_user(db, email="b@example.org", name="B", password="12345678")
    assert len(db.scalars(select(User)).all()) == 1


def test_password_policy() -> None:
    assert password_problem("1234567") is not None
    assert password_problem("motdepasse") is not None
    assert password_problem("x" * 300) is not None
    assert password_problem("une phrase de passe") is None


def test_a_member_must_speak_for_an_actor_of_the_coalition(db: Session) -> None:
    from coalition.auth.models import MembershipRole

    coalition, other = f.coalition(db), f.coalition(db)
    user = f.user(db)
    with pytest.raises(ValidationError):
        add_membership(db, user=user, coalition=coalition, role=MembershipRole.member)
    with pytest.raises(ValidationError):
        add_membership(
            db, user=user, coalition=coalition, role=MembershipRole.member, actor=f.actor(db, other)
        )
    add_membership(db, user=user, coalition=coalition, role=MembershipRole.facilitator)
    with pytest.raises(Conflict):
        add_membership(db, user=user, coalition=coalition, role=MembershipRole.facilitator)


def test_cli_creates_users_and_memberships(app: Flask, db: Session) -> None:
    coalition = f.coalition(db, slug="cli")
    actor = f.actor(db, coalition, name="Acteur CLI")
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "cli@example.org", "--name", "Cli", "--password", "une-phrase-longue"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["add-membership", "cli@example.org", "cli", "--role", "member", "--actor", actor.name]
    )
    assert result.exit_code == 0, result.output
    refused = runner.invoke(
        args=["create-user", "bad@example.org", "--name", "Bad", "--password", "azerty"]
    )
    assert refused.exit_code != 0
    assert "8 caractères" in refused.output


def test_the_chosen_language_survives_login_and_logout(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    f.log_in_with_form(client, user)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    post_form(client, "/logout", {}, form_url="/")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_login_takes_the_account_language_unless_one_was_chosen(
    client: FlaskClient, app: Flask, db: Session
) -> None:
    user = f.user(db, language="en")
    f.log_in_with_form(client, user)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    chooser = app.test_client()
    post_form(chooser, "/language", {"lang": "fr", "next": "/"}, form_url="/")
    f.log_in_with_form(chooser, user)
    assert '<html lang="fr">' in chooser.get("/").get_data(as_text=True)
