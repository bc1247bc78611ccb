"""Counts of attempts shared by every worker and host: the database by default, Redis when set.

The database store runs on whichever database the suite runs on (SQLite or PostgreSQL); the
Redis store on fakeredis, and on the Redis answering at 127.0.0.1:6379 when there is one.
"""

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
import redis
from flask import Flask
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from coalition import create_app
from coalition.core import limits
from coalition.core.limits import DatabaseStore, RedisStore, ThrottleCounter
from coalition.db import Database, db_session

# tomorrow, at the start of a window of 60, 600, 900 and 3600 seconds (Redis expires keys
# at points in time: they must lie ahead)
START = float((int(time.time()) // 3600 + 24) * 3600)
WINDOW = 600
REAL_REDIS = "redis://127.0.0.1:6379/0"
BACKENDS = ["database", "fakeredis", "redis"]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(limits, "clock", clock)
    return clock


def real_redis() -> "redis.Redis":
    client = redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at 127.0.0.1:6379 ({error})")
    return client


@pytest.fixture
def redis_clients(request: pytest.FixtureRequest) -> Iterator[Any]:
    """`make()` gives a new client to one same Redis (fake or real), each as a new app would
    have its own; keys written on the real one are deleted at the end."""
    kind = request.param
    if kind == "database":
        yield None
        return
    prefix = f"coalition-test:{uuid.uuid4().hex}:"
    if kind == "fakeredis":
        server = fakeredis.FakeServer()
        yield lambda: RedisStore(fakeredis.FakeRedis(server=server), prefix=prefix)
        return
    client = real_redis()
    yield lambda: RedisStore(redis.Redis.from_url(REAL_REDIS), prefix=prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def use(app: Flask, redis_clients: Any) -> Flask:
    if redis_clients is not None:
        app.extensions[limits.EXTENSION] = redis_clients()
    return app


every_backend = pytest.mark.parametrize("redis_clients", BACKENDS, indirect=True)


@every_backend
def test_hits_add_up_and_count_only_reads(app: Flask, redis_clients: Any, clock: Clock) -> None:
    with use(app, redis_clients).app_context():
        assert limits.count("login", "a@example.org", window=WINDOW) == 0
        assert [limits.hit("login", "a@example.org", window=WINDOW) for _ in range(3)] == [1, 2, 3]
        assert limits.count("login", "a@example.org", window=WINDOW) == 3
        assert limits.count("login", "a@example.org", window=WINDOW) == 3


@every_backend
def test_names_and_keys_are_counted_apart_and_cleared_apart(
    app: Flask, redis_clients: Any, clock: Clock
) -> None:
    with use(app, redis_clients).app_context():
        limits.hit("login", "a@example.org", window=WINDOW)
        limits.hit("login", "a@example.org", window=WINDOW)
        limits.hit("login", "b@example.org", window=WINDOW)
        limits.hit("reset", "a@example.org", window=WINDOW)
        limits.clear("login", "a@example.org")
        assert limits.count("login", "a@example.org", window=WINDOW) == 0
        assert limits.count("login", "b@example.org", window=WINDOW) == 1
        assert limits.count("reset", "a@example.org", window=WINDOW) == 1


@every_backend
def test_the_window_slides(app: Flask, redis_clients: Any, clock: Clock) -> None:
    with use(app, redis_clients).app_context():
        for _ in range(10):
            limits.hit("answer", "192.0.2.7", window=WINDOW)
        clock.now = START + WINDOW - 1
        assert limits.count("answer", "192.0.2.7", window=WINDOW) == 10
        clock.now = START + WINDOW * 1.5  # half of the previous window still overlaps
        assert limits.count("answer", "192.0.2.7", window=WINDOW) == 5
        assert limits.hit("answer", "192.0.2.7", window=WINDOW) == 6
        clock.now = START + WINDOW * 2.5
        assert limits.count("answer", "192.0.2.7", window=WINDOW) == 0  # 1 x half, rounded down
        clock.now = START + WINDOW * 3
        assert limits.count("answer", "192.0.2.7", window=WINDOW) == 0


@every_backend
def test_two_apps_over_one_store_share_one_count(
    connection: Connection, database_url: str, redis_clients: Any, clock: Clock
) -> None:
    """Two workers (or hosts): one count, not one per process."""
    from tests.conftest import TestDatabase

    first, second = (
        use(create_app({"DATABASE": TestDatabase(connection), "DATABASE_URL": database_url}), rc)
        for rc in (redis_clients, redis_clients)
    )
    for app in (first, second, first):
        with app.app_context():
            limits.hit("login", "a@example.org", window=WINDOW)
    with second.app_context():
        assert limits.count("login", "a@example.org", window=WINDOW) == 3
        limits.clear("login", "a@example.org")
    with first.app_context():
        assert limits.count("login", "a@example.org", window=WINDOW) == 0


def test_two_apps_with_their_own_connections_share_one_count(
    database: Database, database_url: str
) -> None:
    """Committed by each hit, in its own transaction: seen at once by another engine."""
    apps = [
        create_app({"DATABASE": Database(database_url), "DATABASE_URL": database_url})
        for _ in range(2)
    ]
    name = f"test-{uuid.uuid4().hex}"
    try:
        for app in (*apps, *apps):
            with app.app_context():
                limits.hit(name, "192.0.2.7", window=WINDOW)
        for app in apps:
            with app.app_context():
                assert limits.count(name, "192.0.2.7", window=WINDOW) == 4
    finally:
        with apps[0].app_context():
            limits.clear(name, "192.0.2.7")
        for app in apps:
            app.extensions["coalition_db"].engine.dispose()


def test_keys_are_stored_only_as_a_keyed_hash(
    app: Flask, db: Session, database_url: str, clock: Clock
) -> None:
    with app.app_context():
        limits.hit("login", "alice@example.org", window=WINDOW)
    database = app.extensions["coalition_db"]
    other = create_app(
        {"DATABASE": database, "DATABASE_URL": database_url, "SECRET_KEY": "another"}
    )
    with other.app_context():
        assert limits.count("login", "alice@example.org", window=WINDOW) == 0
        limits.hit("login", "alice@example.org", window=WINDOW)
    rows = db.scalars(select(ThrottleCounter)).all()
    assert len(rows) == 2 and len({row.key_hash for row in rows}) == 2
    assert all("alice" not in row.key_hash and len(row.key_hash) == 64 for row in rows)
    server = fakeredis.FakeServer()
    app.extensions[limits.EXTENSION] = RedisStore(fakeredis.FakeRedis(server=server))
    with app.app_context():
        limits.hit("login", "alice@example.org", window=WINDOW)
    keys = fakeredis.FakeRedis(server=server).keys("*")
    assert len(keys) == 1 and b"alice" not in keys[0]


def test_expired_rows_are_swept_once_a_minute_not_at_every_hit(
    app: Flask, db: Session, clock: Clock
) -> None:
    def windows() -> set[int]:
        db.expire_all()
        return set(db.scalars(select(ThrottleCounter.window_start)))

    def plant_expired_row() -> None:
        expired = datetime.fromtimestamp(clock.now - 1, UTC)
        db.add(ThrottleCounter(key_hash="0" * 64, window_start=0, count=1, expires_at=expired))
        db.flush()

    start = int(START)
    with app.app_context():
        limits.hit("answer", "192.0.2.7", window=WINDOW)  # expires two windows later
        assert windows() == {start}
        clock.now = START + 2 * WINDOW + 1
        limits.hit("answer", "192.0.2.9", window=WINDOW)
        assert windows() == {start + 2 * WINDOW}
        plant_expired_row()
        clock.now += limits.CLEANUP_INTERVAL - 1  # the last sweep is recent: none
        limits.hit("answer", "192.0.2.9", window=WINDOW)
        assert 0 in windows()
        clock.now += 1
        limits.hit("answer", "192.0.2.9", window=WINDOW)
        assert windows() == {start + 2 * WINDOW}


def test_a_redis_key_keeps_two_windows_and_expires_after_them(clock: Clock) -> None:
    client = fakeredis.FakeRedis()
    store = RedisStore(client)
    for step in range(5):
        store.hit("abc", int(START) + step * WINDOW, WINDOW)
        assert len(client.hkeys(limits.REDIS_PREFIX + "abc")) <= 2
    assert client.expiretime(limits.REDIS_PREFIX + "abc") == int(START) + 6 * WINDOW


def test_the_database_by_default_redis_when_redis_url_is_set(app: Flask, database_url: str) -> None:
    with app.app_context():
        assert isinstance(limits._store(), DatabaseStore)
        assert limits._store() is limits._store()  # one per app
    redis_app = create_app(
        {"DATABASE": app.extensions["coalition_db"], "REDIS_URL": "redis://127.0.0.1:6379/3"}
    )
    with redis_app.app_context():
        store = limits._store()
        assert isinstance(store, RedisStore) and store is limits._store()
        assert store.client.connection_pool.connection_kwargs["db"] == 3


def test_against_a_real_redis_through_redis_url(app: Flask, clock: Clock) -> None:
    real_redis()
    apps = [
        create_app({"DATABASE": app.extensions["coalition_db"], "REDIS_URL": REAL_REDIS})
        for _ in range(2)
    ]
    name = f"test-{uuid.uuid4().hex}"
    for each in apps:
        with each.app_context():
            limits.hit(name, "192.0.2.7", window=WINDOW)
    with apps[0].app_context():
        assert limits.count(name, "192.0.2.7", window=WINDOW) == 2
        limits.clear(name, "192.0.2.7")
        assert limits.count(name, "192.0.2.7", window=WINDOW) == 0


def test_on_sqlite_a_hit_inside_the_requests_write_transaction_is_refused(
    app: Flask, clock: Clock
) -> None:
    """It would wait for the request's own lock; reads, and GET requests, are fine."""
    sqlite = app.extensions["coalition_db"].engine.dialect.name == "sqlite"
    with app.test_request_context("/", method="POST"):
        db_session().execute(select(1))
        assert limits.count("login", "a", window=WINDOW) == 0
        if sqlite:
            with pytest.raises(RuntimeError, match="write transaction"):
                limits.hit("login", "a", window=WINDOW)
            with pytest.raises(RuntimeError, match="write transaction"):
                limits.clear("login", "a")
        db_session().rollback()
        assert limits.hit("login", "a", window=WINDOW) == 1
    with app.test_request_context("/", method="GET"):
        db_session().execute(select(1))
        assert limits.hit("login", "a", window=WINDOW) == 2


def test_the_time_left_is_the_rest_of_the_window(clock: Clock) -> None:
    assert limits.window_left(900) == 900
    clock.now = START + 899.2
    assert limits.window_left(900) == 1
    clock.now = START + 300.5
    assert limits.window_left(900) == 600
