"""A forgotten password, as a person would get through it: the request, the mail, the link."""

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth import routes_account, service_account
from coalition.auth.models import AccountToken, TokenPurpose, User
from coalition.auth.passwords import verify_password
from coalition.core import limits
from coalition.core.audit import AuditEvent
from coalition.core.tokens import new_token
from coalition.db import utcnow
from coalition.mail.models import OutboxMessage
from tests import factories as f
from tests.auth.outbox import all_mails, link_in, mails_to, path_of, text_of
from tests.conftest import post_form

FORGOT = "/password/forgot"
NEW_PASSWORD = "une-toute-nouvelle-phrase"
SENT = "Si un compte actif utilise l'adresse"
DEAD = "Ce lien ne fonctionne plus"


def ask_reset(client: FlaskClient, email: str) -> Any:
    return post_form(client, FORGOT, {"email": email})


def reset_path(app: Flask, db: Session, user: User) -> str:
    """The link of the last reset mail this user got, as a path."""
    return path_of(app, link_in(mails_to(db, user.email)[-1], "/password/reset/"))


def set_password(client: FlaskClient, path: str, new: str, confirm: str | None = None) -> Any:
    data = {"new_password": new, "confirm_password": new if confirm is None else confirm}
    return post_form(client, path, data)


def tokens(db: Session, user: User) -> list[AccountToken]:
    return list(db.scalars(select(AccountToken).where(AccountToken.user_id == user.id)))


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_the_whole_reset_journey(app: Flask, client: FlaskClient, db: Session) -> None:
    user = f.user(db, name="Alice Martin")
    elsewhere = app.test_client()  # Alice is signed in on another device
    f.log_in(elsewhere, user)

    response = ask_reset(client, "  " + user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert SENT in text_of(client.get("/login"))

    [mail] = mails_to(db, user.email)
    assert mail.subject == "Choisir un nouveau mot de passe"
    assert "Bonjour Alice Martin," in mail.text_body
    link = link_in(mail, "/password/reset/")
    assert link in mail.html_body
    [token] = tokens(db, user)
    assert token.purpose == TokenPurpose.password_reset
    assert token.expires_at - token.created_at == timedelta(hours=1)
    secret = link.rsplit("/", 1)[1]
    assert token.token_hash != secret and secret not in mail.headers.values()  # only the hash

    path = path_of(app, link)
    page = client.get(path)
    assert page.status_code == 200
    assert user.email in text_of(page)
    response = set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "connectez-vous avec le nouveau" in text_of(client.get("/login"))

    refused = post_form(client, "/login", {"email": user.email, "password": f.PASSWORD})
    assert refused.status_code == 400
    f.log_in(client, user, NEW_PASSWORD)
    assert elsewhere.get("/account").status_code == 302  # its session ended
    again = client.get(path)
    assert again.status_code == 404
    assert DEAD in text_of(again)
    db.refresh(token)
    assert token.used_at is not None
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == user.id)).all()
    assert {"request_password_reset", "reset_password"} <= set(actions)


@pytest.mark.parametrize("case", ["unknown address", "deactivated account"])
def test_the_same_answer_when_no_mail_goes(client: FlaskClient, db: Session, case: str) -> None:
    known = f.user(db)
    answer = ask_reset(client, known.email)
    known_page = text_of(client.get("/login"))
    user = f.user(db, is_active=False)
    email = "personne@inconnue.org" if case == "unknown address" else user.email
    before_mails, before_tokens = count(db, OutboxMessage), count(db, AccountToken)

    response = ask_reset(client, email)
    assert (response.status_code, response.headers["Location"]) == (
        answer.status_code,
        answer.headers["Location"],
    )
    page = text_of(client.get("/login"))
    assert page.replace(email, "X") == known_page.replace(known.email, "X")
    assert count(db, OutboxMessage) == before_mails
    assert count(db, AccountToken) == before_tokens


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Indiquez votre adresse e-mail."),
        ("pas-une-adresse", "Adresse e-mail invalide."),
        ("a@" + "b" * 250 + ".org", "Adresse e-mail invalide."),
    ],
)
def test_a_bad_address_is_refused(
    client: FlaskClient, db: Session, email: str, message: str
) -> None:
    f.user(db)
    response = ask_reset(client, email)
    assert response.status_code == 400
    assert message in text_of(response)
    assert all_mails(db) == []


def test_a_newer_request_voids_the_older_link(app: Flask, client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    ask_reset(client, user.email)
    older = reset_path(app, db, user)
    ask_reset(client, user.email)
    newer = reset_path(app, db, user)
    assert older != newer
    assert client.get(older).status_code == 404
    assert set_password(client, older, NEW_PASSWORD).status_code == 404
    assert client.get(newer).status_code == 200


def test_a_password_change_voids_the_link(app: Flask, client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    ask_reset(client, user.email)
    path = reset_path(app, db, user)
    f.log_in(client, user)
    data = {
        "current_password": f.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    assert post_form(client, "/account/password", data).status_code == 302
    assert client.get(path).status_code == 404


def test_the_link_lasts_one_hour(
    app: Flask, client: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = f.user(db)
    ask_reset(client, user.email)
    path = reset_path(app, db, user)
    asked = utcnow()
    monkeypatch.setattr(routes_account, "utcnow", lambda: asked + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(routes_account, "utcnow", lambda: asked + timedelta(minutes=61))
    assert client.get(path).status_code == 404
    assert set_password(client, path, NEW_PASSWORD).status_code == 404
    db.refresh(user)
    assert verify_password(user.password_hash, f.PASSWORD)


def test_the_service_refuses_an_expired_link(app: Flask, db: Session) -> None:
    user = f.user(db)
    now = utcnow()
    with app.test_request_context():
        service_account.request_password_reset(db, user.email, now=now)
    token = link_in(mails_to(db, user.email)[-1], "/password/reset/").rsplit("/", 1)[1]
    purpose = TokenPurpose.password_reset
    assert service_account.find_link(db, token, purpose, now=now + timedelta(minutes=59))
    assert service_account.find_link(db, token, purpose, now=now + timedelta(hours=1)) is None


@pytest.mark.parametrize("case", ["unknown", "email change", "deactivated", "truncated"])
def test_a_link_that_cannot_reset_gets_one_careful_page(
    app: Flask, client: FlaskClient, db: Session, case: str
) -> None:
    user = f.user(db, is_active=case != "deactivated")
    secret, digest = new_token()
    purpose = TokenPurpose.email_change if case == "email change" else TokenPurpose.password_reset
    if case != "unknown":
        db.add(
            AccountToken(
                user_id=user.id,
                purpose=purpose,
                token_hash=digest,
                new_email="nouvelle@example.org",
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        db.flush()
    path = "/password/reset/" + (secret[:20] if case == "truncated" else secret)
    for response in (client.get(path), set_password(client, path, NEW_PASSWORD)):
        assert response.status_code == 404
        html = text_of(response)
        assert DEAD in html and "Demander un nouveau lien" in html
    db.refresh(user)
    assert verify_password(user.password_hash, f.PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("", "", "Choisissez un nouveau mot de passe."),
        ("court", "court", "Le mot de passe doit compter au moins 8 caractères."),
        ("password123", "password123", "Ce mot de passe est trop courant"),
        (NEW_PASSWORD, "autre-chose-encore", "Les deux mots de passe ne sont pas identiques."),
        ("x" * 257, "x" * 257, "256 caractères"),
    ],
)
def test_a_bad_new_password_is_refused_and_the_link_still_works(
    app: Flask, client: FlaskClient, db: Session, new: str, confirm: str, message: str
) -> None:
    user = f.user(db)
    ask_reset(client, user.email)
    path = reset_path(app, db, user)
    response = set_password(client, path, new, confirm)
    assert response.status_code == 400
    assert message in text_of(response)
    db.refresh(user)
    assert verify_password(user.password_hash, f.PASSWORD)
    assert all(token.used_at is None for token in tokens(db, user))
    assert client.get(path).status_code == 200


def test_a_link_works_once_even_when_two_tabs_race(app: Flask, db: Session) -> None:
    user = f.user(db)
    now = utcnow()
    with app.test_request_context():
        service_account.request_password_reset(db, user.email, now=now)
    token = link_in(mails_to(db, user.email)[-1], "/password/reset/").rsplit("/", 1)[1]
    first = service_account.find_link(db, token, TokenPurpose.password_reset, now=now)
    second = service_account.find_link(db, token, TokenPurpose.password_reset, now=now)
    assert first and second
    service_account.reset_password(db, *first, new=NEW_PASSWORD, now=now)
    with pytest.raises(service_account.DeadLink):
        service_account.reset_password(db, *second, new="encore-une-autre-phrase", now=now)


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The counters' clock stands still, a little after a window began: no test straddles two."""
    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0 + 5)


@pytest.mark.usefixtures("stopped_clock")
def test_a_reset_asked_fifty_times_in_a_minute_is_refused(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    statuses = [ask_reset(client, user.email).status_code for _ in range(50)]
    assert statuses == [302] * 5 + [429] * 45  # RESET_ADDRESS_LIMIT = 5
    assert len(mails_to(db, user.email)) == 5
    response = ask_reset(client, user.email)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3595"  # the end of the window (RESET_WINDOW)
    html = text_of(response)
    assert "Trop de demandes de nouveau mot de passe" in html
    assert "aucun message n'a été envoyé. Réessayez dans 60 minutes." in html


@pytest.mark.usefixtures("stopped_clock")
def test_one_client_asking_for_many_addresses_is_held_back(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    app.config["RESET_CLIENT_LIMIT"] = 3
    users = [f.user(db) for _ in range(4)]
    statuses = [ask_reset(client, user.email).status_code for user in users]
    assert statuses == [302, 302, 302, 429]
    assert mails_to(db, users[3].email) == []
    assert tokens(db, users[3]) == []
    other_client = app.test_client()
    other_client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert ask_reset(other_client, users[3].email).status_code == 302


def test_links_come_from_base_url_never_from_the_host_header(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    app.config["BASE_URL"] = "https://coalition.example.org"
    user = f.user(db)
    forged = {"Host": "evil.example"}
    html = client.get(FORGOT, headers=forged).get_data(as_text=True)
    csrf = html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(FORGOT, data={"email": user.email, "csrf_token": csrf}, headers=forged)
    assert response.status_code == 302
    [mail] = mails_to(db, user.email)
    link = link_in(mail, "/password/reset/")
    assert link.startswith("https://coalition.example.org/password/reset/")
    assert "evil.example" not in mail.text_body + mail.html_body


def test_the_mail_comes_in_the_language_of_the_account(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    user = f.user(db, language="en")
    ask_reset(client, user.email)
    [mail] = mails_to(db, user.email)
    assert mail.language == "en"
    with app.test_request_context(), force_locale("en"):
        assert mail.subject == str(_l("Choisir un nouveau mot de passe"))
    assert '<html lang="en">' in mail.html_body


def test_the_login_page_leads_to_the_forgotten_password(client: FlaskClient) -> None:
    html = text_of(client.get("/login"))
    assert f'href="{FORGOT}"' in html
    assert "Mot de passe oublié ?" in html
