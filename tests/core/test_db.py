import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from coalition.coalitions.models import Coalition
from coalition.db import SQLITE_MMAP_BYTES, Database, utcnow
from coalition.meetings.models import Meeting
from tests import factories as f


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    from coalition.models import Base

    database = Database(f"sqlite:///{tmp_path / 'concurrency.db'}")
    Base.metadata.create_all(database.engine)
    return database


def test_sqlite_connections_are_tuned(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == SQLITE_MMAP_BYTES
        assert connection.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # memory


def test_postgresql_connections_are_tuned(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"


def test_writes_begin_immediate_and_reads_do_not(sqlite_db: Database) -> None:
    seen: list[str] = []
    event.listen(sqlite_db.engine, "before_cursor_execute", lambda c, cu, s, *a: seen.append(s))
    with sqlite_db.new_session(write=False) as session:
        session.execute(select(Coalition)).all()
    with sqlite_db.new_session(write=True) as session:
        session.execute(select(Coalition)).all()
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]


def test_two_writers_wait_for_each_other_instead_of_failing(sqlite_db: Database) -> None:
    """The second writer blocks until the first commits, then succeeds."""
    first = sqlite_db.new_session()
    first.add(Coalition(slug="un", name="Un"))
    first.flush()  # holds the write lock
    finished_at: list[float] = []

    def second_writer() -> None:
        with sqlite_db.new_session() as session:
            session.add(Coalition(slug="deux", name="Deux"))
            session.commit()
            finished_at.append(time.monotonic())

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert finished_at == []  # still waiting for the lock
    first.commit()
    committed_at = time.monotonic()
    first.close()
    thread.join(timeout=10)
    assert finished_at and finished_at[0] >= committed_at
    with sqlite_db.new_session(write=False) as session:
        assert sorted(session.scalars(select(Coalition.slug))) == ["deux", "un"]


def test_points_in_time_come_back_aware_in_utc(db) -> None:  # type: ignore[no-untyped-def]
    coalition = f.coalition(db)
    paris_summer = timezone(timedelta(hours=2))
    meeting = f.meeting(db, coalition, starts_at=datetime(2021, 9, 21, 14, 0, tzinfo=paris_summer))
    db.expire_all()
    reloaded = db.get(Meeting, meeting.id)
    assert reloaded is not None
    assert reloaded.starts_at == datetime(2021, 9, 21, 12, 0, tzinfo=UTC)
    assert reloaded.starts_at.tzinfo is UTC
    raw = db.execute(text("SELECT starts_at FROM meetings WHERE id = :id"), {"id": meeting.id})
    assert str(raw.scalar()).startswith("2021-09-21 12:00")


def test_naive_datetimes_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    coalition = f.coalition(db)
    with pytest.raises(Exception, match="naive datetime"):
        f.meeting(db, coalition, starts_at=datetime(2021, 9, 21, 14, 0))


def test_utcnow_is_aware() -> None:
    assert utcnow().tzinfo is UTC
