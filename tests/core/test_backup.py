"""`flask backup` and `flask restore` on real SQLite files, written to while they run.

These tests make their own file databases (migrated to head, with the app's engine settings), so
they run the same whatever TEST_DATABASE_URL says; PostgreSQL only gets its message.
"""

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from click.testing import Result
from flask import Flask
from sqlalchemy import Engine, text

from coalition import create_app
from coalition.core.backup import back_up_sqlite
from coalition.core.backup_commands import register_backup_commands
from coalition.db import make_engine
from tests.conftest import alembic_config

PAYLOAD = "x" * 200
ROWS_AFTER_CHECKPOINT = 400  # one per transaction, as requests commit; 2 pages each


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at the code's head revision, with a table of rows and their tally."""
    path = tmp_path_factory.mktemp("backup") / "template.db"
    engine = make_engine(sqlite_url(path))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        connection.execute(text("CREATE TABLE probe_rows (id INTEGER PRIMARY KEY, payload TEXT)"))
        connection.execute(text("CREATE TABLE probe_tally (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO probe_tally (n) VALUES (0)"))
    engine.dispose()  # the last connection closes: the log is checkpointed into the file
    return path


@pytest.fixture
def live(template: Path, tmp_path: Path) -> Path:
    """A copy of the template, made while nothing has it open (the only safe moment to copy)."""
    path = tmp_path / "live.db"
    shutil.copy(template, path)
    return path


def cli(database: Path) -> Flask:
    app = create_app({"DATABASE_URL": sqlite_url(database)})
    register_backup_commands(app)  # until coalition/cli.py registers them
    return app


def run(database: Path, *args: str, input: str | None = None) -> Result:
    return cli(database).test_cli_runner().invoke(args=list(args), input=input)


def insert_row(engine: Engine) -> None:
    """One committed transaction: a row and the tally that counts it."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO probe_rows (payload) VALUES (:p)"), {"p": PAYLOAD})
        connection.execute(text("UPDATE probe_tally SET n = n + 1"))


def contents(path: Path) -> tuple[list[int], int]:
    """The ids of the rows and the tally, read by a connection of its own."""
    connection = sqlite3.connect(path)
    try:
        ids = [row[0] for row in connection.execute("SELECT id FROM probe_rows ORDER BY id")]
        tally = connection.execute("SELECT n FROM probe_tally").fetchone()[0]
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    return ids, tally


class Writer(threading.Thread):
    """Keeps committing rows, one per transaction, until stopped; counts what it committed."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(sqlite_url(database))  # the app's settings: WAL, IMMEDIATE
        self.committed = 0
        self.errors: list[BaseException] = []
        self.halt = threading.Event()

    def run(self) -> None:
        try:
            while not self.halt.is_set():
                insert_row(self.engine)
                self.committed += 1
        except BaseException as error:  # reported by the test
            self.errors.append(error)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while self.committed < count and not self.errors and time.monotonic() < deadline:
            time.sleep(0.002)
        assert not self.errors, self.errors
        assert self.committed >= count

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=30)
        self.engine.dispose()
        assert not self.errors, self.errors


@pytest.fixture
def old_reader(live: Path) -> Iterator[None]:
    """A read transaction begun before the first row, as a long request may hold one: SQLite
    cannot checkpoint past it, so the rows committed meanwhile live in the WAL only."""
    connection = sqlite3.connect(live, isolation_level=None)
    connection.execute("BEGIN")
    assert connection.execute("SELECT n FROM probe_tally").fetchone() == (0,)
    yield
    connection.execute("ROLLBACK")
    connection.close()


@pytest.fixture
def writer(live: Path, old_reader: None) -> Iterator[Writer]:
    writer = Writer(live)
    writer.start()
    yield writer
    writer.halt.set()
    writer.join(timeout=30)


def test_a_backup_taken_during_writes_holds_exactly_what_was_committed_before_it(
    live: Path, writer: Writer, tmp_path: Path
) -> None:
    runner = cli(live).test_cli_runner()
    writer.wait_for(300)
    before = writer.committed
    backup = runner.invoke(args=["backup", str(tmp_path / "backup.db")])
    after = writer.committed
    writer.wait_for(after + 50)  # rows that commit once the copy is taken
    shutil.copy(live, tmp_path / "copied.db")
    writer.stop()
    assert backup.exit_code == 0, backup.output
    assert not (tmp_path / "backup.db-wal").exists()  # one self-contained file
    assert contents(tmp_path / "copied.db") == ([], 0)  # all of them in the WAL

    fresh = tmp_path / "fresh.db"
    restore = run(fresh, "restore", str(tmp_path / "backup.db"))
    assert restore.exit_code == 0, restore.output
    ids, tally = contents(fresh)
    # one snapshot: whole transactions (each row with its tally), every one committed before
    # the backup began, none of those committed after it ended
    assert ids == list(range(1, tally + 1))
    assert before <= tally <= after
    assert contents(live)[1] == writer.committed > tally


def test_copying_the_live_file_misses_the_rows_still_in_the_wal(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(sqlite_url(live))  # pooled connections stay open, as the app's do
    for _ in range(ROWS_AFTER_CHECKPOINT):
        insert_row(engine)
    assert live.with_name("live.db-wal").stat().st_size > 0

    shutil.copy(live, tmp_path / "copied.db")
    copied, _ = contents(tmp_path / "copied.db")
    backed_up, _ = contents(back_up_sqlite(live, tmp_path / "backup.db"))
    engine.dispose()

    lost = ROWS_AFTER_CHECKPOINT - len(copied)
    with capsys.disabled():
        print(f"\ncopy of the live file: {lost} of {ROWS_AFTER_CHECKPOINT} committed rows lost")
    assert lost > 0
    assert len(backed_up) == ROWS_AFTER_CHECKPOINT


def scripted(path: Path, statements: str) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(statements)
    connection.close()
    return path


def corrupt(path: Path) -> Path:
    """Scribble over the pages after the schema's: the header still says SQLite."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page_size, len(data), page_size):
        data[offset + 8 : offset + 64] = b"\xa5" * 56
    path.write_bytes(bytes(data))
    return path


def damage_an_index(path: Path) -> Path:
    """An index that no longer matches its table: SQLite reads the file, the check fails."""
    return scripted(
        path,
        "INSERT INTO probe_rows (payload) VALUES ('a'), ('b');"
        " CREATE INDEX ix_probe ON probe_rows (payload); PRAGMA writable_schema = ON;"
        " UPDATE sqlite_master SET sql = 'CREATE INDEX ix_probe ON probe_rows (id)'"
        " WHERE name = 'ix_probe'; PRAGMA writable_schema = OFF;",
    )


def with_revision(path: Path, revision: str) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()
    return path


BAD_BACKUPS = {
    "not a database": (
        lambda path: (path.write_text("id;name\n1;Acteur\n"), path)[1],
        "is not a SQLite database",
    ),
    "corrupt": (corrupt, "is corrupt: database disk image is malformed"),
    "damaged index": (damage_an_index, "is corrupt: row 1 missing from index ix_probe"),
    "unknown revision": (lambda path: with_revision(path, "f00d"), "unknown to this code"),
    "not coalition's": (
        lambda path: scripted(path, "DROP TABLE alembic_version"),
        "not a Coalition database",
    ),
}


@pytest.mark.parametrize("case", BAD_BACKUPS)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    live: Path, tmp_path: Path, case: str
) -> None:
    spoil, message = BAD_BACKUPS[case]
    engine = make_engine(sqlite_url(live))
    for _ in range(3):
        insert_row(engine)
    backup = back_up_sqlite(live, tmp_path / "backup.db")
    insert_row(engine)
    kept = contents(live)
    spoil(backup)

    result = run(live, "restore", "--yes", str(backup))

    assert result.exit_code == 1
    assert "Restore refused, nothing was changed" in result.output
    assert message in result.output, result.output
    assert contents(live) == kept == ([1, 2, 3, 4], 4)
    engine.dispose()


def test_restore_asks_before_replacing_a_database_that_holds_data(
    live: Path, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url(live))
    insert_row(engine)
    backup = back_up_sqlite(live, tmp_path / "backup.db")
    insert_row(engine)
    insert_row(engine)

    refused = run(live, "restore", str(backup), input="n\n")
    assert refused.exit_code == 1
    assert "holds data" in refused.output
    assert contents(live) == ([1, 2, 3], 3)

    accepted = run(live, "restore", str(backup), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert contents(live) == ([1], 1)  # seen by the app's pooled connection too:
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM probe_rows")) == 1

    insert_row(engine)
    without_asking = run(live, "restore", "--yes", str(backup))
    assert without_asking.exit_code == 0, without_asking.output
    assert "Go on?" not in without_asking.output
    assert contents(live) == ([1], 1)
    engine.dispose()


def test_restoring_an_older_backup_says_to_upgrade_the_schema(live: Path, tmp_path: Path) -> None:
    backup = with_revision(back_up_sqlite(live, tmp_path / "backup.db"), "0005")
    result = run(tmp_path / "fresh.db", "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "run `alembic upgrade head` now" in result.output


def test_a_backup_into_a_directory_gets_a_dated_name_and_never_replaces_the_database(
    live: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    result = run(live, "backup", str(folder))
    assert result.exit_code == 0, result.output
    (written,) = folder.glob("coalition-*.db")
    assert str(written) in result.output
    assert contents(written) == ([], 0)

    onto_itself = run(live, "backup", str(live))
    assert onto_itself.exit_code == 1
    assert "is the live database" in onto_itself.output
    assert contents(live) == ([], 0)


@pytest.mark.parametrize(
    ("command_name", "tool"), [("backup", "pg_dump -Fc"), ("restore", "pg_restore")]
)
def test_on_postgresql_the_commands_point_to_its_own_tools(
    tmp_path: Path, command_name: str, tool: str
) -> None:
    url = "postgresql+psycopg://coalition:s3cret@db.example.org:5432/coalition"
    app = create_app({"DATABASE_URL": url})
    register_backup_commands(app)
    result = app.test_cli_runner().invoke(args=[command_name, str(tmp_path / "coalition.dump")])
    assert result.exit_code == 1
    assert tool in result.output
    assert "postgresql://coalition@db.example.org:5432/coalition" in result.output
    assert "s3cret" not in result.output
    assert not (tmp_path / "coalition.dump").exists()
