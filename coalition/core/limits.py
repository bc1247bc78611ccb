"""Counts of attempts (failed logins, reset requests, anonymous answers) shared by every
worker and host: in the database by default, in Redis when REDIS_URL is set.

A key is only ever stored as a keyed hash (HMAC with the app's secret key), so no address or
email is written anywhere; counters expire with their window (expired rows are swept at most
once a minute per process, not at every hit).

Counting uses two fixed windows, the current one and the previous one weighted by how much of
it still overlaps the sliding window: an approximation that never under-counts by more than
the previous window's overlap.

When Redis stops answering, counting goes on in the database (with a warning in the log), so a
login or an answer never fails because of it; counts start again from zero there.

In the database a counter is written in its own short transaction. On SQLite, which has one
writer at a time, call `hit` and `clear` before the request's write session has begun, or after
it has committed or rolled back: else the two transactions would wait for each other, so these
functions refuse (RuntimeError). `count` only reads and may be called at any time.
"""

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import redis
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import BigInteger, String, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from coalition.db import READ_METHODS, Base, Database, UTCDateTime, get_database

EXTENSION = "coalition_limits"
CLEANUP_INTERVAL = 60  # seconds between two sweeps of expired rows, per process
REDIS_PREFIX = "coalition:limits:"
clock: Callable[[], float] = time.time  # tests replace it to stop time
log = logging.getLogger(__name__)


class ThrottleCounter(Base):
    __tablename__ = "throttle_counters"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def hit(name: str, key: str, *, window: int) -> int:
    """Count one attempt; the number of attempts in the sliding window, this one included."""
    now = clock()
    current, previous = _store().hit(_key_hash(name, key), _start(now, window), window)
    return _weighted(current, previous, now, window)


def count(name: str, key: str, *, window: int) -> int:
    """The attempts in the sliding window, without counting one more."""
    now = clock()
    current, previous = _store().counts(_key_hash(name, key), _start(now, window), window)
    return _weighted(current, previous, now, window)


def clear(name: str, key: str) -> None:
    """Forget the attempts of this key (after a successful login, say)."""
    _store().clear(_key_hash(name, key))


def window_left(window: int) -> int:
    """Seconds until the current fixed window ends: a key held back now, whose attempts stop
    being counted meanwhile, is let through again right after that at the latest."""
    return max(1, math.ceil(window - clock() % window))


def init_app(app: Flask, *, redis_client: "redis.Redis | None" = None) -> "Store":
    """The app's counters: Redis when a client is given or REDIS_URL is set, else the
    database. Made once per app, on first use if not before."""
    url = str(app.config.get("REDIS_URL") or "")
    if redis_client is None and url:
        redis_client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    database = DatabaseStore(get_database(app))
    store: Store = database if redis_client is None else RedisStore(redis_client, fallback=database)
    app.extensions[EXTENSION] = store
    return store


def _store() -> "Store":
    store: Store | None = current_app.extensions.get(EXTENSION)
    return store if store is not None else init_app(current_app)


def _key_hash(name: str, key: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{name}\0{key}".encode(), hashlib.sha256).hexdigest()


def _start(now: float, window: int) -> int:
    return int(now // window) * window


def _weighted(current: int, previous: int, now: float, window: int) -> int:
    overlap = 1 - (now % window) / window
    return current + int(previous * overlap)


class Store(Protocol):
    """Counts of the window starting at `start` and of the one before it."""

    def hit(self, key_hash: str, start: int, window: int) -> tuple[int, int]: ...

    def counts(self, key_hash: str, start: int, window: int) -> tuple[int, int]: ...

    def clear(self, key_hash: str) -> None: ...


class DatabaseStore:
    """One row per key and fixed window, upserted (SQLite and PostgreSQL)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.next_cleanup = 0.0

    @property
    def dialect(self) -> str:
        return self.database.engine.dialect.name

    def hit(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        self._refuse_inside_write_transaction()
        insert = (postgresql if self.dialect == "postgresql" else sqlite).insert
        upsert = (
            insert(ThrottleCounter)
            .values(
                key_hash=key_hash,
                window_start=start,
                count=1,
                expires_at=_utc(start + 2 * window),
            )
            .on_conflict_do_update(
                index_elements=["key_hash", "window_start"],
                set_={"count": ThrottleCounter.count + 1},
            )
        )
        with self.database.new_session() as session:
            session.execute(upsert)
            counts = self._read(session, key_hash, start, window)
            session.commit()
        if clock() >= self.next_cleanup:
            self.sweep()
        return counts

    def counts(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        with self.database.new_session(write=False) as session:
            return self._read(session, key_hash, start, window)

    def clear(self, key_hash: str) -> None:
        self._refuse_inside_write_transaction()
        with self.database.new_session() as session:
            session.execute(delete(ThrottleCounter).where(ThrottleCounter.key_hash == key_hash))
            session.commit()

    def sweep(self) -> None:
        """Delete the expired rows (on PostgreSQL, skipping those another sweep holds)."""
        now = clock()
        self.next_cleanup = now + CLEANUP_INTERVAL
        expired = ThrottleCounter.expires_at < _utc(now)
        statement = delete(ThrottleCounter).where(expired)
        if self.dialect == "postgresql":
            keys = (ThrottleCounter.key_hash, ThrottleCounter.window_start)
            locked = select(*keys).where(expired).with_for_update(skip_locked=True)
            statement = delete(ThrottleCounter).where(tuple_(*keys).in_(locked))
        with self.database.new_session() as session:
            session.execute(statement)
            session.commit()

    @staticmethod
    def _read(session: Session, key_hash: str, start: int, window: int) -> tuple[int, int]:
        rows = dict(
            session.execute(
                select(ThrottleCounter.window_start, ThrottleCounter.count).where(
                    ThrottleCounter.key_hash == key_hash,
                    ThrottleCounter.window_start.in_([start, start - window]),
                )
            ).all()
        )
        return rows.get(start, 0), rows.get(start - window, 0)

    def _refuse_inside_write_transaction(self) -> None:
        if self.dialect != "sqlite":
            return
        session: Session | None = g.get("db_session")
        write = not has_request_context() or request.method not in READ_METHODS
        if session is not None and write and session.in_transaction():
            raise RuntimeError(
                "limits.hit/clear inside the request's write transaction would wait for it "
                "on SQLite: call them before it begins, or after commit or rollback"
            )


class RedisStore:
    """One hash per key, a field per fixed window: HINCRBY and EXPIREAT in one transaction;
    the field two windows back is dropped at each hit, so a hash holds two fields at most."""

    def __init__(
        self,
        client: "redis.Redis",
        *,
        prefix: str = REDIS_PREFIX,
        fallback: "Store | None" = None,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.fallback = fallback

    def hit(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        try:
            return self._hit(key_hash, start, window)
        except redis.RedisError as error:
            return self._fall_back(error).hit(key_hash, start, window)

    def counts(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        try:
            return self._counts(key_hash, start, window)
        except redis.RedisError as error:
            return self._fall_back(error).counts(key_hash, start, window)

    def clear(self, key_hash: str) -> None:
        try:
            self.client.delete(self.prefix + key_hash)
        except redis.RedisError as error:
            self._fall_back(error).clear(key_hash)

    def _fall_back(self, error: "redis.RedisError") -> "Store":
        if self.fallback is None:
            raise error
        log.warning("Redis does not answer (%s): attempts are counted in the database", error)
        return self.fallback

    def _hit(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        name = self.prefix + key_hash
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hincrby(name, str(start), 1)
            pipe.hdel(name, str(start - 2 * window))
            pipe.expireat(name, start + 2 * window)
            pipe.hget(name, str(start - window))
            current, _, _, previous = pipe.execute()
        return int(current), int(previous or 0)

    def _counts(self, key_hash: str, start: int, window: int) -> tuple[int, int]:
        current, previous = self.client.hmget(
            self.prefix + key_hash, [str(start), str(start - window)]
        )
        return int(current or 0), int(previous or 0)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
