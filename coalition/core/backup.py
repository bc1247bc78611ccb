"""Consistent copies of the SQLite database taken while the app runs, and putting one back.

Both directions go through SQLite's online backup API (`sqlite3.Connection.backup`), in one step:
the copy is one read transaction of the live database, so it holds every transaction committed
before it began, including those still in the write-ahead log (a copy of the file alone misses
them), and none of those that commit meanwhile. A restore writes into the live file through
SQLite too, in one write transaction, so the app's other connections, its `-wal` and `-shm`
files stay consistent. PostgreSQL has its own tools: `pg_dump -Fc` and `pg_restore`.
"""

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from coalition.config import PROJECT_DIR

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_SECONDS = 15  # as the app's own connections: wait for a writer, do not fail


class BackupError(Exception):
    """A backup or a restore refused or failed: the target was left as it was."""


class TargetHoldsData(BackupError):
    """The database to restore into is not empty: replacing it needs a confirmation."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup holds: its schema revision, and whether the code is ahead of it."""

    path: Path
    revision: str
    needs_upgrade: bool


def pg_tools_message(url: URL, action: str) -> str:
    """How to back up or restore a PostgreSQL database: with PostgreSQL's own tools."""
    target = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string()  # libpq's form, without the password
    if action == "backup":
        return (
            "The database is PostgreSQL: back it up with pg_dump (custom format), e.g.\n"
            f"  pg_dump -Fc -f coalition.dump {target}\n"
            "(the password comes from PGPASSWORD or ~/.pgpass)."
        )
    return (
        "The database is PostgreSQL: restore a `pg_dump -Fc` file with pg_restore, e.g.\n"
        f"  pg_restore --clean --if-exists --no-owner --single-transaction -d {target}"
        " coalition.dump\n"
        "then run `alembic upgrade head` (the password comes from PGPASSWORD or ~/.pgpass)."
    )


def sqlite_file(url: URL, action: str) -> Path:
    """The file of the app's SQLite database; a BackupError saying what to use otherwise."""
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupError(pg_tools_message(url, action))
    if backend != "sqlite":
        raise BackupError(f"Only SQLite and PostgreSQL databases are supported, not {backend}.")
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("The SQLite database is not a file: there is nothing to copy.")
    return Path(url.database).resolve()


def _files_of(database: Path) -> set[Path]:
    return {database} | {database.with_name(database.name + end) for end in SQLITE_COMPANIONS}


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection that never creates the file by mistake (mode "ro" or "rw"), or "rwc"."""
    uri = f"file:{quote(str(path))}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def _integrity_errors(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    return [] if rows == [("ok",)] else [str(row[0]) for row in rows[:5]]


def code_revisions() -> tuple[set[str], set[str]]:
    """The migrations this code knows, and the head ones among them."""
    script = ScriptDirectory.from_config(Config(str(PROJECT_DIR / "alembic.ini")))
    known = {revision.revision for revision in script.walk_revisions()}
    return known, set(script.get_heads())


def back_up_sqlite(database: Path, target: Path) -> Path:
    """Copy the live database into `target` (a file, or a directory to put a dated file in);
    the file appears complete or not at all. Returns the file written."""
    if not database.is_file():
        raise BackupError(f"No database at {database}.")
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"coalition-{stamp}.db"
    target = target.resolve()
    if target in _files_of(database):
        raise BackupError(f"{target} is the live database or one of its files.")
    if not target.parent.is_dir():
        raise BackupError(f"No directory {target.parent} to write the backup in.")
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".coalition-backup-", suffix=".db")
    os.close(handle)
    temporary = Path(name)
    try:
        _copy_live_database(database, temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _copy_live_database(database: Path, temporary: Path) -> None:
    source = _connect(database, "ro")
    copy = sqlite3.connect(temporary)
    try:
        source.backup(copy)  # pages=-1: one step, one snapshot
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        errors = _integrity_errors(copy)
        if errors:
            raise BackupError("The copy fails its integrity check: " + "; ".join(errors))
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed: {error}") from None
    finally:
        copy.close()
        source.close()
    with temporary.open("rb") as written:
        os.fsync(written.fileno())


def check_backup(path: Path) -> BackupInfo:
    """Refuse a file that is not a sound Coalition database this code can run on."""
    if not path.is_file():
        raise BackupError(f"No file at {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    try:
        connection = _connect(path.resolve(), "ro")
        try:
            errors = _integrity_errors(connection)
            revision = _revision(connection)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} is corrupt: {error}.") from None
    if errors:
        raise BackupError(f"{path} is corrupt: " + "; ".join(errors))
    if revision is None:
        raise BackupError(f"{path} holds no schema revision: it is not a Coalition database.")
    known, heads = code_revisions()
    if revision not in known:
        raise BackupError(
            f"{path} is at schema revision {revision}, unknown to this code (head: "
            f"{', '.join(sorted(heads))}): restore it with the version of Coalition that made it."
        )
    return BackupInfo(path=path, revision=revision, needs_upgrade=revision not in heads)


def _revision(connection: sqlite3.Connection) -> str | None:
    table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if table is None:
        return None
    rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def holds_data(database: Path) -> bool:
    """The database has a row in a table other than the schema revision's (or cannot be read:
    replacing it then needs a confirmation too)."""
    if not database.exists():
        return False
    try:
        connection = _connect(database, "ro")
        try:
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != 'alembic_version'"
            ).fetchall()
            return any(
                connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()  # noqa: S608
                for (name,) in tables
            )
        finally:
            connection.close()
    except sqlite3.Error:
        return True


def restore_sqlite(backup: Path, database: Path, *, replace: bool = False) -> BackupInfo:
    """Check `backup`, then write it into `database` (the live file, created if missing) in one
    transaction. A database that holds data is replaced only when `replace` is true."""
    info = check_backup(backup)
    database = database.resolve()
    if backup.resolve() in _files_of(database):
        raise BackupError(f"{backup} is the database itself.")
    if not database.parent.is_dir():
        raise BackupError(f"No directory {database.parent} for the database.")
    if not replace and holds_data(database):
        raise TargetHoldsData(f"{database} holds data: restoring {backup} replaces all of it.")
    source = _connect(backup.resolve(), "ro")
    try:
        live = _connect(database, "rwc")
        try:
            source.backup(live)  # one write transaction: readers see all of it or none
        finally:
            live.close()
    except sqlite3.Error as error:
        raise BackupError(f"The restore failed, {database} is unchanged: {error}") from None
    finally:
        source.close()
    return info
