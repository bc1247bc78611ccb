"""`flask --app wsgi purge-expired-signups`: delete the workshop sign-ups whose term has come.

Run it once a day (cron or a systemd timer, beside `send-due-notices`): a sign-up is deleted on
the day its retention ends, with the messages written to it."""

import click
from flask import current_app
from flask.cli import with_appcontext

from coalition.db import get_database
from coalition.signups.service import paris_today, purge_expired


@click.command("purge-expired-signups")
@with_appcontext
def purge_expired_signups_command() -> None:
    """Delete the workshop sign-ups whose retention has ended (every coalition)."""
    with get_database(current_app).transaction() as session:
        deleted = purge_expired(session, paris_today())
    click.echo(f"expired sign-ups deleted: {deleted}")
