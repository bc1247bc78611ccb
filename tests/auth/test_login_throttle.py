"""Failed logins are counted per account and per client; past the limit, 429 and a wait."""

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth import service
from coalition.core import limits
from coalition.core.limits import ThrottleCounter
from coalition.models import Base
from tests import factories as f
from tests.conftest import post_form

START = float((int(time.time()) // 3600 + 24) * 3600)  # the start of a 900 s window
HELD_BACK = "Trop de tentatives de connexion ont échoué : réessayez dans 15 minutes."
BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
OTHER_CLIENT = {"REMOTE_ADDR": "198.51.100.9"}


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Time stands still (tests move it by hand)."""
    now = [START]
    monkeypatch.setattr(limits, "clock", lambda: now[0])
    return now


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Limits of 3 failures per account and 5 per client in 900 s."""
    app.config.update(LOGIN_ACCOUNT_LIMIT=3, LOGIN_CLIENT_LIMIT=5, LOGIN_WINDOW=900)
    return app.test_client()


def attempt(client: FlaskClient, email: str, password: str, **environ: str) -> Any:
    token_page = client.get("/login", environ_base=environ)
    token = token_page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')
    data = {"email": email, "password": password, "csrf_token": token[1].split('"')[0]}
    return client.post("/login", data=data, environ_base=environ)


def signed_in(client: FlaskClient) -> bool:
    return "Se déconnecter" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("exists", [True, False], ids=["existing account", "unknown address"])
def test_an_account_is_held_back_after_its_failures_even_with_the_right_password(
    client: FlaskClient, db: Session, exists: bool
) -> None:
    user = f.user(db)
    email = user.email if exists else "personne@inconnue.org"
    for _ in range(3):
        response = attempt(client, email, "mauvais-mot-de-passe")
        assert response.status_code == 400
        assert BAD_CREDENTIALS in response.get_data(as_text=True)
    response = attempt(client, email, f.PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    html = response.get_data(as_text=True)
    assert HELD_BACK in html and BAD_CREDENTIALS not in html
    assert not signed_in(client)
    db.refresh(user)
    assert user.last_login_at is None


def test_held_back_the_password_is_not_checked_and_both_cases_look_alike(
    client: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = f.user(db)
    checked: list[str] = []
    verify = service.verify_password
    monkeypatch.setattr(
        service, "verify_password", lambda *args: checked.append("x") or verify(*args)
    )
    pages = []
    for email, address in ((user.email, "192.0.2.1"), ("personne@inconnue.org", "192.0.2.2")):
        for _ in range(3):
            attempt(client, email, "mauvais-mot-de-passe", REMOTE_ADDR=address)
        assert len(checked) == 3  # one password check per attempt, whether the account exists
        checked.clear()
        response = attempt(client, email, f.PASSWORD, REMOTE_ADDR=address)
        assert response.status_code == 429 and checked == []
        pages.append(response.get_data(as_text=True).split("<main", 1)[1].split("csrf_token")[0])
    assert pages[0] == pages[1]


def test_a_client_is_held_back_after_its_failures_on_any_account(
    client: FlaskClient, db: Session
) -> None:
    users = [f.user(db) for _ in range(3)]
    for n in range(5):  # fewer than 3 per account, 5 from this client
        assert attempt(client, users[n % 2].email, "mauvais-mot-de-passe").status_code == 400
    response = attempt(client, users[2].email, f.PASSWORD)
    assert response.status_code == 429
    assert HELD_BACK in response.get_data(as_text=True)
    other = client.application.test_client()
    assert attempt(other, users[2].email, f.PASSWORD, **OTHER_CLIENT).status_code == 302
    assert signed_in(other) and not signed_in(client)


def test_a_blocked_account_leaves_other_accounts_and_clients_alone(
    client: FlaskClient, db: Session
) -> None:
    blocked, other_user = f.user(db), f.user(db)
    for _ in range(3):
        attempt(client, blocked.email, "mauvais-mot-de-passe")
    assert attempt(client, blocked.email, f.PASSWORD).status_code == 429
    other = client.application.test_client()
    assert attempt(other, other_user.email, f.PASSWORD, **OTHER_CLIENT).status_code == 302
    # the account itself stays held back, from wherever it is tried
    third = client.application.test_client()
    assert attempt(third, blocked.email.upper(), f.PASSWORD, **OTHER_CLIENT).status_code == 429


def test_the_account_is_let_through_once_the_window_has_passed(
    client: FlaskClient, db: Session, small_limits: list[float]
) -> None:
    user = f.user(db)
    for _ in range(3):
        attempt(client, user.email, "mauvais-mot-de-passe")
    small_limits[0] = START + 600
    response = attempt(client, user.email, f.PASSWORD)
    assert response.status_code == 429
    assert "réessayez dans 5 minutes." in response.get_data(as_text=True)
    small_limits[0] = START + 900.1  # just after the window's end
    assert attempt(client, user.email, f.PASSWORD).status_code == 302


def test_a_success_clears_the_accounts_count_but_not_the_clients(
    client: FlaskClient, db: Session
) -> None:
    user = f.user(db)
    for _ in range(2):
        attempt(client, user.email, "mauvais-mot-de-passe")
    assert attempt(client, user.email, f.PASSWORD).status_code == 302
    post_form(client, "/logout", {}, form_url="/")
    for _ in range(2):  # two more failures: the account's count started again
        assert attempt(client, user.email, "mauvais-mot-de-passe").status_code == 400
    assert attempt(client, user.email, f.PASSWORD).status_code == 302
    post_form(client, "/logout", {}, form_url="/")
    # but this client has failed 4 times: one more, and it is held back
    assert attempt(client, "x@example.org", "mauvais-mot-de-passe").status_code == 400
    assert attempt(client, user.email, f.PASSWORD).status_code == 429


def test_the_email_is_counted_as_normalised(client: FlaskClient, db: Session) -> None:
    user = f.user(db)
    for email in (user.email.upper(), f" {user.email} ", user.email):
        attempt(client, email, "mauvais-mot-de-passe")
    assert attempt(client, user.email.title(), f.PASSWORD).status_code == 429


def test_a_signed_in_person_who_fails_on_the_login_page_stays_signed_in(
    client: FlaskClient, db: Session
) -> None:
    user = f.user(db, name="Alice Martin")
    f.log_in(client, user)
    response = attempt(client, user.email, "mauvais-mot-de-passe")
    assert response.status_code == 400
    assert "Alice Martin" in response.get_data(as_text=True)
    assert signed_in(client)


def test_failures_and_refusals_change_nothing_but_the_counters(
    client: FlaskClient, db: Session
) -> None:
    user = f.user(db)
    tables = [table for table in Base.metadata.sorted_tables if table.name != "throttle_counters"]

    def snapshot() -> dict[str, list[Any]]:
        db.expire_all()
        return {t.name: sorted(map(tuple, db.execute(select(t)).all()), key=repr) for t in tables}

    before = snapshot()
    for password in ("mauvais-mot-de-passe", "encore-faux", "toujours-faux", f.PASSWORD):
        attempt(client, user.email, password)
    assert snapshot() == before
    # two counters (the account's, the client's), keyed by a hash, nothing readable
    hashes = db.scalars(select(ThrottleCounter.key_hash)).all()
    assert len(hashes) == 2 and all(user.email not in key for key in hashes)
    assert db.scalar(select(func.sum(ThrottleCounter.count))) == 6


def test_with_its_own_connections_a_failed_login_counts_without_waiting(
    database: Any, database_url: str
) -> None:
    """As in production, each session its own connection (on SQLite, one writer at a time):
    the request's transaction ends before the counters write theirs, so nothing waits."""
    from sqlalchemy import delete

    from coalition import create_app
    from coalition.auth.models import User
    from coalition.db import Database

    app = create_app({"DATABASE": Database(database_url), "DATABASE_URL": database_url})
    app.config.update(LOGIN_ACCOUNT_LIMIT=2, LOGIN_CLIENT_LIMIT=50, LOGIN_WINDOW=900)
    database = app.extensions["coalition_db"]
    with database.transaction() as session:
        user = f.user(session, email=f"own-{time.time_ns()}@example.org")
    client = app.test_client()
    try:
        started = time.monotonic()
        statuses = [attempt(client, user.email, "mauvais-mot-de-passe").status_code]
        statuses.append(attempt(client, user.email, f.PASSWORD).status_code)  # clears
        statuses.append(attempt(client, user.email, "mauvais-mot-de-passe").status_code)
        statuses.append(attempt(client, user.email, "faux-encore").status_code)
        statuses.append(attempt(client, user.email, f.PASSWORD).status_code)
        assert statuses == [400, 302, 400, 400, 429]
        assert time.monotonic() - started < 10  # no lock waited for (the busy timeout is 15 s)
    finally:
        with app.app_context():
            limits.clear("login-account", user.email)
            limits.clear("login-client", "127.0.0.1")
        with database.transaction() as session:
            session.execute(delete(User).where(User.id == user.id))
        database.engine.dispose()


def test_when_redis_stops_answering_logins_are_still_counted_and_held_back(
    client: FlaskClient, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    """REDIS_URL set, nothing listening there: no 500, the counts go to the database."""
    app = client.application
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # the discard port: refused at once
    limits.init_app(app)
    user = f.user(db)
    for _ in range(3):
        response = attempt(client, user.email, "mauvais-mot-de-passe")
        assert response.status_code == 400
        assert BAD_CREDENTIALS in response.get_data(as_text=True)
    response = attempt(client, user.email, f.PASSWORD)
    assert response.status_code == 429
    assert HELD_BACK in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(ThrottleCounter)) > 0
    assert "Redis does not answer" in caplog.text
