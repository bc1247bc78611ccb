"""Counts of attempts (failed logins, reset requests, anonymous answers) shared by every
worker and host: in the database by default, in Redis when REDIS_URL is set.

A key is only ever stored as a keyed hash (HMAC with the app's secret key), so no address or
email is written anywhere; counters expire with their window.

Counting uses two fixed windows, the current one and the previous one weighted by how much of
it still overlaps the sliding window: an approximation that never under-counts by more than
the previous window's overlap.

On SQLite a counter is written in its own short transaction: call these functions before the
request's write session has begun, or after it has committed or rolled back, else the two
transactions wait for each other.
"""

import hashlib
import hmac
import time
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import BigInteger, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db import Base, UTCDateTime, get_database


class ThrottleCounter(Base):
    __tablename__ = "throttle_counters"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def _key_hash(name: str, key: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{name}\0{key}".encode(), hashlib.sha256).hexdigest()


def _weighted(current: int, previous: int, now: float, window: int) -> int:
    overlap = 1 - (now % window) / window
    return current + int(previous * overlap)


def hit(name: str, key: str, *, window: int) -> int:
    """Count one attempt; the number of attempts in the sliding window, this one included."""
    key_hash = _key_hash(name, key)
    now = time.time()
    start = int(now // window) * window
    expires = datetime.fromtimestamp(start + 2 * window, UTC)
    database = get_database(current_app)
    with database.new_session() as session:
        dialect = (
            postgresql if session.bind and session.bind.dialect.name == "postgresql" else sqlite
        )
        insert = dialect.insert(ThrottleCounter).values(
            key_hash=key_hash, window_start=start, count=1, expires_at=expires
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["key_hash", "window_start"],
            set_={"count": ThrottleCounter.count + 1},
        ).returning(ThrottleCounter.count)
        current = int(session.execute(upsert).scalar_one())
        previous = session.scalar(
            select(ThrottleCounter.count).where(
                ThrottleCounter.key_hash == key_hash, ThrottleCounter.window_start == start - window
            )
        )
        session.execute(
            delete(ThrottleCounter).where(
                ThrottleCounter.expires_at < datetime.fromtimestamp(now, UTC)
            )
        )
        session.commit()
    return _weighted(current, previous or 0, now, window)


def count(name: str, key: str, *, window: int) -> int:
    """The attempts in the sliding window, without counting one more."""
    key_hash = _key_hash(name, key)
    now = time.time()
    start = int(now // window) * window
    database = get_database(current_app)
    with database.new_session(write=False) as session:
        rows = dict(
            session.execute(
                select(ThrottleCounter.window_start, ThrottleCounter.count).where(
                    ThrottleCounter.key_hash == key_hash,
                    ThrottleCounter.window_start.in_([start, start - window]),
                )
            ).all()
        )
    return _weighted(rows.get(start, 0), rows.get(start - window, 0), now, window)


def clear(name: str, key: str) -> None:
    """Forget the attempts of this key (after a successful login, say)."""
    database = get_database(current_app)
    with database.new_session() as session:
        session.execute(
            delete(ThrottleCounter).where(ThrottleCounter.key_hash == _key_hash(name, key))
        )
        session.commit()
