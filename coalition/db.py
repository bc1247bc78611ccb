"""Engine, one session per request, the declarative Base and its column types."""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from coalition.core.folding import SQLITE_FOLD, fold

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_MMAP_BYTES = 1 << 30  # an upper bound: only the pages read are mapped


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored as naive UTC on every database, read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a point in time is expected")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
        _tune_sqlite(engine)
        return engine
    # Index scans cost little more than sequential reads when the data is cached.
    options = {"options": "-c random_page_cost=1.1"}
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=options)


def _tune_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, a busy timeout, memory-mapped reads; writes begin IMMEDIATE so
    concurrent writers queue."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Reads through the OS page cache without a copy per page (building the search index and
        # the consultation exports read whole tables); sorts and temporary tables stay in memory.
        cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()
        # SQLite has no translate(): searches without accents call Python's fold
        dbapi_connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("coalition_write", True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """The app's engine and session factories (one for reads, one for writes)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.engine = make_engine(url, echo=echo)
        self.write_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            bind=self.engine.execution_options(coalition_write=False), expire_on_commit=False
        )

    def new_session(self, *, write: bool = True) -> Session:
        return (self.write_sessions if write else self.read_sessions)()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session outside a request (CLI): commit on success, roll back on error."""
        with self.new_session() as session, session.begin():
            yield session


def init_app(app: Flask, database: Database | None = None) -> Database:
    database = database or Database(str(app.config["DATABASE_URL"]), echo=app.config["SQL_ECHO"])
    app.extensions["coalition_db"] = database

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return database


def get_database(app: Flask) -> Database:
    database: Database = app.extensions["coalition_db"]
    return database


def db_session() -> Session:
    """The session of the current request (or app context), created on first use."""
    from flask import current_app

    if "db_session" not in g:
        write = not has_request_context() or request.method not in READ_METHODS
        g.db_session = get_database(current_app).new_session(write=write)
    session: Session = g.db_session
    return session


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A string column limited to the enum's values by a CHECK constraint on every database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic locking: an UPDATE from a stale copy matches no row and raises StaleDataError."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
