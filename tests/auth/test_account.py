"""The account page: name, language, a new email address confirmed from that address."""

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth import routes_account
from coalition.auth.models import AccountToken, TokenPurpose, User
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from coalition.mail.models import OutboxMessage
from tests import factories as f
from tests.auth.outbox import all_mails, link_in, mails_to, path_of, text_of
from tests.conftest import post_form

NEW = "alice.nouvelle@example.org"


@pytest.fixture
def alice(client: FlaskClient, db: Session) -> User:
    user = f.user(db, name="Alice Martin", email="alice@example.org")
    f.log_in(client, user)
    return user


def save_profile(client: FlaskClient, name: str, language: str = "fr") -> Any:
    return post_form(client, "/account", {"name": name, "language": language})


def ask_email_change(client: FlaskClient, email: str, password: str = f.PASSWORD) -> Any:
    data = {"new_email": email, "current_password": password}
    return post_form(client, "/account/email", data, form_url="/account")


def confirm_path(app: Flask, db: Session, address: str) -> str:
    return path_of(app, link_in(mails_to(db, address)[-1], "/account/email/"))


def audit_actions(db: Session, user: User) -> list[str]:
    query = select(AuditEvent.action).where(
        AuditEvent.entity == "user", AuditEvent.entity_id == user.id
    )
    return list(db.scalars(query.order_by(AuditEvent.id)))


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_the_account_page_shows_the_account(client: FlaskClient, alice: User) -> None:
    response = client.get("/account")
    html = text_of(response)
    assert response.status_code == 200
    assert "alice@example.org" in html
    assert 'value="Alice Martin"' in html
    assert 'checked id="language-0"' in html
    assert 'href="/account/password"' in html
    assert "Changer d'adresse e-mail" in html


def test_name_and_language_are_saved_and_audited(
    client: FlaskClient, db: Session, alice: User
) -> None:
    response = save_profile(client, "  Alice Dupont ", "en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    db.refresh(alice)
    assert (alice.name, alice.language) == ("Alice Dupont", "en")
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.before == {"name": "Alice Martin", "language": "fr"}
    assert event.after == {"name": "Alice Dupont", "language": "en"}
    assert event.user_id == alice.id
    with client.session_transaction() as session:
        assert session["lang"] == "en"  # the interface follows


def test_saving_unchanged_writes_no_audit(client: FlaskClient, db: Session, alice: User) -> None:
    assert save_profile(client, "Alice Martin", "fr").status_code == 302
    assert "update" not in audit_actions(db, alice)


@pytest.mark.parametrize(
    ("name", "language", "message"),
    [
        ("", "fr", "Le nom est obligatoire."),
        ("   ", "fr", "Le nom est obligatoire."),
        ("A" * 201, "fr", "Le nom compte au plus 200 caractères."),
        ("Alice", "de", "Langue inconnue"),
        ("Alice", "", "Choisissez le français ou l'anglais."),
    ],
)
def test_a_bad_profile_is_refused(
    client: FlaskClient, db: Session, alice: User, name: str, language: str, message: str
) -> None:
    response = save_profile(client, name, language)
    assert response.status_code == 400
    assert message in text_of(response)
    db.refresh(alice)
    assert (alice.name, alice.language) == ("Alice Martin", "fr")
    assert "update" not in audit_actions(db, alice)


def test_the_language_chosen_is_the_language_of_the_next_mail(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    save_profile(client, "Alice Martin", "en")
    ask_email_change(client, NEW)
    [mail] = mails_to(db, NEW)
    assert mail.language == "en"
    assert '<html lang="en">' in mail.html_body
    post_form(client, "/logout", {}, form_url="/")
    post_form(client, "/password/forgot", {"email": alice.email})
    [reset] = mails_to(db, alice.email)
    assert reset.language == "en"


def test_a_new_address_is_confirmed_from_that_address(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    response = ask_email_change(client, "  Alice.Nouvelle@Example.org ")
    assert response.status_code == 302
    page = text_of(client.get("/account"))
    assert f"Un lien de confirmation, valable 24 heures, a été envoyé à {NEW}" in page
    assert f"Un lien de confirmation a été envoyé à {NEW}" in page  # pending, until followed
    db.refresh(alice)
    assert alice.email == "alice@example.org"  # nothing changes before the link is followed
    assert mails_to(db, "alice@example.org") == []  # the link goes to the new address only
    [mail] = mails_to(db, NEW)
    assert mail.subject == "Confirmez votre nouvelle adresse e-mail"
    token = db.scalars(select(AccountToken).where(AccountToken.user_id == alice.id)).one()
    assert (token.purpose, token.new_email) == (TokenPurpose.email_change, NEW)
    assert token.expires_at - token.created_at == timedelta(hours=24)

    path = confirm_path(app, db, NEW)
    other = app.test_client()  # followed from the mailbox, signed in or not
    confirm_page = other.get(path)
    assert confirm_page.status_code == 200
    assert NEW in text_of(confirm_page)
    db.refresh(alice)
    assert alice.email == "alice@example.org"  # a GET (a mail scanner, say) changes nothing
    response = post_form(other, path, {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    db.refresh(alice)
    assert alice.email == NEW
    [notice] = mails_to(db, "alice@example.org")
    assert "alice@example.org" in notice.text_body and NEW in notice.text_body
    assert "/account/email/" not in notice.text_body
    assert other.get(path).status_code == 404
    assert audit_actions(db, alice)[-2:] == ["request_email_change", "change_email"]
    f.log_in_with_form(other, alice)  # the new address signs in
    refused = post_form(other, "/login", {"email": "alice@example.org", "password": f.PASSWORD})
    assert refused.status_code == 400


def test_confirming_while_signed_in_goes_back_to_the_account(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    ask_email_change(client, NEW)
    response = post_form(client, confirm_path(app, db, NEW), {})
    assert response.headers["Location"] == "/account"
    assert f"Votre adresse e-mail est maintenant {NEW}." in text_of(client.get("/account"))


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", f.PASSWORD, "Indiquez la nouvelle adresse."),
        ("pas-une-adresse", f.PASSWORD, "Adresse e-mail invalide."),
        ("ALICE@example.org", f.PASSWORD, "C'est déjà l'adresse de votre compte"),
        (NEW, "mauvais-mot-de-passe", "Le mot de passe actuel est incorrect."),
        (NEW, "", "Indiquez votre mot de passe actuel."),
    ],
)
def test_a_bad_email_change_is_refused(
    client: FlaskClient, db: Session, alice: User, email: str, password: str, message: str
) -> None:
    before = count(db, AuditEvent)
    response = ask_email_change(client, email, password)
    assert response.status_code == 400
    assert message in text_of(response)
    assert all_mails(db) == []
    assert count(db, AccountToken) == 0
    assert count(db, AuditEvent) == before


def test_an_address_taken_meanwhile_is_refused_with_409(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    ask_email_change(client, NEW)
    path = confirm_path(app, db, NEW)
    f.user(db, email=NEW)
    response = post_form(client, path, {})
    assert response.status_code == 409
    assert f"Un autre compte utilise désormais l'adresse {NEW}" in text_of(response)
    db.refresh(alice)
    assert alice.email == "alice@example.org"
    assert mails_to(db, "alice@example.org") == []


def test_an_address_that_has_an_account_gets_a_notice_and_no_link(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    owner = f.user(db, email=NEW, language="en")
    response = ask_email_change(client, NEW)
    assert response.status_code == 302  # the same answer as for a free address
    assert f"a été envoyé à {NEW}" in text_of(client.get("/account"))
    [mail] = mails_to(db, owner.email)
    assert mail.language == "en"
    assert "/account/email/" not in mail.text_body
    assert link_in(mail, "/password/forgot").startswith(str(app.config["BASE_URL"]))
    assert count(db, AccountToken) == 0


def test_a_newer_email_request_voids_the_older_link(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    ask_email_change(client, NEW)
    older = confirm_path(app, db, NEW)
    ask_email_change(client, "alice.autre@example.org")
    assert client.get(older).status_code == 404
    assert post_form(client, older, {}).status_code == 404
    db.refresh(alice)
    assert alice.email == "alice@example.org"


def test_an_email_link_lasts_24_hours(
    app: Flask, client: FlaskClient, db: Session, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask_email_change(client, NEW)
    path = confirm_path(app, db, NEW)
    asked = utcnow()
    monkeypatch.setattr(routes_account, "utcnow", lambda: asked + timedelta(hours=23))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(routes_account, "utcnow", lambda: asked + timedelta(hours=24, seconds=1))
    response = client.get(path)
    assert response.status_code == 404
    assert "valable 24 heures" in text_of(response)


def test_a_new_address_voids_the_reset_links_sent_to_the_old_one(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    anonymous = app.test_client()
    post_form(anonymous, "/password/forgot", {"email": alice.email})
    reset = path_of(app, link_in(mails_to(db, alice.email)[-1], "/password/reset/"))
    ask_email_change(client, NEW)
    post_form(client, confirm_path(app, db, NEW), {})
    assert anonymous.get(reset).status_code == 404


def test_a_reset_link_does_not_confirm_an_address(
    app: Flask, client: FlaskClient, db: Session, alice: User
) -> None:
    post_form(app.test_client(), "/password/forgot", {"email": alice.email})
    link = link_in(mails_to(db, alice.email)[-1], "/password/reset/")
    token = link.rsplit("/", 1)[1]
    for response in (
        client.get(f"/account/email/{token}"),
        post_form(client, f"/account/email/{token}", {}, form_url="/"),
    ):
        assert response.status_code == 404
        assert "Ce lien ne fonctionne plus" in text_of(response)
    assert count(db, OutboxMessage) == 1
