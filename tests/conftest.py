"""Test fixtures: one database and one app per run (per pytest-xdist worker), one rolled-back
transaction per test.

SQLite by default; set TEST_DATABASE_URL to run the same suite on PostgreSQL (each xdist worker
then creates its own database beside the one named, `<name>_gw0`, `<name>_gw1`..., and drops it
at the end). Every session the app opens joins the test's connection through a SAVEPOINT
("joining a session into an external transaction"), so routes can commit while the test still
rolls everything back. The app's sessions raise on lazy loading, so that a hidden N+1 fails a
test. The app is built once: each test gets it with its connection, and its config, extensions
and template environment are put back as they were after the test.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ["COALITION_ENV"] = "test"

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Connection, create_engine, event, make_url, text
from sqlalchemy.orm import ORMExecuteState, Session, raiseload

from coalition import create_app
from coalition.coalitions.freshness import keep_versions
from coalition.db import Database

PROJECT_DIR = Path(__file__).resolve().parent.parent

keep_versions()  # sessions made by tests raise the data versions too, with or without an app


def alembic_config(connection: Connection) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """pytest-xdist's worker ("gw0", "gw1"...), or "master" without xdist."""
    workerinput = getattr(request.config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "master"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:  # tmp_path_factory's folders are per worker already
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if worker_id == "master":
        yield url
        return
    with _worker_database(url, worker_id) as worker_url:
        yield worker_url


@contextmanager
def _worker_database(url: str, worker_id: str) -> Iterator[str]:
    """A fresh database for this xdist worker, on the server of TEST_DATABASE_URL."""
    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    yield database
    database.engine.dispose()


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def _raise_on_lazy_load(state: ORMExecuteState) -> None:
    if state.is_select and not state.is_relationship_load and not state.is_column_load:
        state.statement = state.statement.options(raiseload("*"))


class TestDatabase(Database):
    """Hands out sessions joined to the test's connection (`use` gives it another one)."""

    __test__ = False  # not a test class, when a test module imports it

    def __init__(self, connection: Connection) -> None:
        self.use(connection)

    def use(self, connection: Connection) -> None:
        self.engine = connection.engine
        self.connection = connection

    def new_session(self, *, write: bool = True) -> Session:
        session = Session(
            bind=self.connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        event.listen(session, "do_orm_execute", _raise_on_lazy_load)
        return session


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """The test's own session, for arranging data and checking the database."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()


class BufferedClient(FlaskClient):
    """Reads a streamed body to its end inside its request, as a server does: a stream left
    unread would be closed later, out of order with the next request's context."""

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> Any:
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture(scope="session")
def session_app(database: Database, database_url: str) -> Iterator[Flask]:
    """The app every test shares: URL rules and templates are compiled once per run."""
    with database.engine.connect() as connection:
        app = create_app(
            {
                "DATABASE": TestDatabase(connection),
                "DATABASE_URL": database_url,
                "PAGE_CACHE": False,
            }
        )
    app.test_client_class = BufferedClient
    yield app


@pytest.fixture
def app(session_app: Flask, connection: Connection) -> Iterator[Flask]:
    """The shared app on this test's connection; what the test changed in its config, its
    extensions (the attempt counters' store...) or its templates' environment is undone."""
    app = session_app
    test_database = app.extensions["coalition_db"]
    assert isinstance(test_database, TestDatabase)
    test_database.use(connection)
    config, extensions = dict(app.config), dict(app.extensions)
    jinja = app.jinja_env
    loader, jinja_globals, filters = jinja.loader, dict(jinja.globals), dict(jinja.filters)
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)
        jinja.loader = loader
        jinja.globals.clear()
        jinja.globals.update(jinja_globals)
        jinja.filters.clear()
        jinja.filters.update(filters)


@pytest.fixture
def own_app(connection: Connection, database_url: str) -> Flask:
    """A new app of the test's own, on its connection: for a test that adds routes (the shared
    app has handled requests already, and Flask refuses new routes after that)."""
    app = create_app(
        {"DATABASE": TestDatabase(connection), "DATABASE_URL": database_url, "PAGE_CACHE": False}
    )
    app.test_client_class = BufferedClient
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def session_csrf_token(client: FlaskClient) -> str:
    """The CSRF token a page would show this client: Flask-WTF's own, signed from the one its
    session holds (put there first if it holds none), without requesting a page."""
    app = client.application
    with client.session_transaction() as stored, app.test_request_context():
        if "csrf_token" in stored:
            session["csrf_token"] = stored["csrf_token"]
        token = generate_csrf()
        stored["csrf_token"] = session["csrf_token"]
    return token


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None
) -> Any:
    """Post a form as a browser would, with the CSRF token of the client's session (what the
    form's page would show; `form_url` names that page, which need not be requested again)."""
    return client.post(url, data={**data, "csrf_token": session_csrf_token(client)})


def check_access(
    client: FlaskClient,
    method: str,
    url: str,
    data: dict[str, str] | None,
    role: str,
    expected: list[int],
    *,
    places: dict[str, Any] | None = None,
) -> None:
    """Request a route as `role` (already logged in) and check the status the table expects;
    the public is sent to log in, and never back to a form by a GET. `places` fill the
    `{name}` fields of the URL and of the form's keys and values."""
    if places is not None:
        url = url.format(**places)
        data = {k.format(**places): v.format(**places) for k, v in (data or {}).items()}
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(client, url, data or {}, form_url="/")
    assert response.status_code == expected[ROLES.index(role)], response.get_data(as_text=True)
    if role == "anonymous" and response.status_code == 302:
        location = response.headers["Location"]
        assert location.startswith("/login"), location
        if method == "POST":
            assert "next=" not in location


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(connection: Connection) -> Iterator[Any]:
    """`with count_queries() as counter: ...` then `counter.count`."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(connection, "after_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(connection, "after_cursor_execute", counter)

    return counting


ROLES = ["anonymous", "member", "other_member", "facilitator", "other_facilitator", "admin"]


class World:
    """A coalition with two actors, another coalition, and one user per role."""

    def __init__(self, db: Session) -> None:
        from coalition.auth.models import MembershipRole
        from tests import factories as f

        self.coalition = f.coalition(db, slug="ma-coalition", name="Ma coalition")
        self.other_coalition = f.coalition(db, slug="autre-coalition", name="Autre coalition")
        self.actor = f.actor(db, self.coalition, name="Acteur A")
        self.other_actor = f.actor(db, self.coalition, name="Acteur B")
        self.lever = f.lever(db, self.coalition, name="Levier 1")
        self.other_lever = f.lever(db, self.coalition, name="Levier 2")
        self.holding = f.holding(db, self.actor, self.lever)
        self.action = f.action(db, self.coalition, title="Action 1")
        self.other_action = f.action(db, self.coalition, title="Action 2")
        self.commitment = f.commitment(db, self.actor, self.action)
        self.objective = f.objective(db, self.coalition, title="Objectif 1")
        self.users: dict[str, Any] = {"anonymous": None}
        for role in ROLES[1:]:
            self.users[role] = f.user(db, is_admin=role == "admin")
        f.membership(db, self.users["member"], self.coalition, MembershipRole.member, self.actor)
        f.membership(
            db, self.users["other_member"], self.coalition, MembershipRole.member, self.other_actor
        )
        f.membership(db, self.users["facilitator"], self.coalition, MembershipRole.facilitator)
        f.membership(
            db, self.users["other_facilitator"], self.other_coalition, MembershipRole.facilitator
        )

    def log_in(self, client: FlaskClient, role: str) -> None:
        from tests.factories import log_in

        if self.users[role] is not None:
            log_in(client, self.users[role])


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, stopped after the test.

    `smtp_server.url` is its `smtp://127.0.0.1:<port>` address (for SMTP_URL);
    `smtp_server.deliver(app)` runs one `send-mail` pass of the app through it;
    `smtp_server.messages` holds what it received, parsed (`email.policy.default`);
    `smtp_server.last_to(address)`, `.text(message)`, `.html(message)`;
    `smtp_server.refuse(address)` makes it answer 550 to that recipient;
    `smtp_server.link(address, contains="/invitations/")`: the first link in the text of the last
    mail to that address, to follow with the client, e.g.
    `client.get(urlsplit(smtp_server.link(email)).path)`.
    """
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()
