"""Flask commands: `flask --app wsgi backup PATH` and `flask --app wsgi restore PATH`."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from coalition.core.backup import (
    BackupError,
    BackupInfo,
    TargetHoldsData,
    back_up_sqlite,
    restore_sqlite,
    sqlite_file,
)
from coalition.db import get_database


def register_backup_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _database_file(action: str) -> Path:
    try:
        return sqlite_file(get_database(current_app).engine.url, action)
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (a file, or a directory for a
    dated file) while the app runs. For PostgreSQL, it says how to use pg_dump."""
    database = _database_file("backup")
    try:
        written = back_up_sqlite(database, path)
    except BackupError as error:
        raise click.ClickException(f"Backup refused, nothing was written:\n{error}") from None
    click.echo(f"Backup of {database} written to {written} ({written.stat().st_size} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that holds data without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Put the backup PATH back as the SQLite database, once checked (a SQLite file, intact,
    at a schema revision this code knows). For PostgreSQL, it says how to use pg_restore."""
    database = _database_file("restore")
    try:
        info = _restore(path, database, replace=yes)
    except BackupError as error:
        raise click.ClickException(f"Restore refused, nothing was changed:\n{error}") from None
    click.echo(f"{path} restored into {database} (schema revision {info.revision}).")
    if info.needs_upgrade:
        click.echo(
            "The backup's schema is older than this code's: run `alembic upgrade head` now,"
            " before the app serves it."
        )


def _restore(path: Path, database: Path, *, replace: bool) -> BackupInfo:
    try:
        return restore_sqlite(path, database, replace=replace)
    except TargetHoldsData as error:
        click.confirm(f"{error} Go on?", default=False, abort=True)
    return restore_sqlite(path, database, replace=True)
