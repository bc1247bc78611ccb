"""`flask --app wsgi send-due-notices`: decide what is due and write it to the outbox.

Run it every few minutes (cron or a systemd timer, see the README); `send-mail` delivers what it
wrote. Running it twice, or on two hosts at once, writes nothing twice (notices.service).
"""

from collections.abc import Callable
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from coalition.db import get_database, utcnow
from coalition.notices import commitments, digests, invitations, reminders

DUE: list[tuple[str, Callable[[Session, datetime], int]]] = [
    ("invitations", invitations.queue_due),
    ("reminders", reminders.queue_due),
    ("digests", digests.queue_due),
    ("commitments", commitments.queue_due),
]


def queue_due_notices(now: datetime | None = None) -> dict[str, int]:
    """Each kind of notice in its own transaction; how many of each were written."""
    database = get_database(current_app)
    moment = now or utcnow()
    written = {}
    for name, queue_due in DUE:
        with database.transaction() as session:
            written[name] = queue_due(session, moment)
    return written


@click.command("send-due-notices")
@with_appcontext
def send_due_notices_command() -> None:
    """Write the notices that are due (invitations, reminders, digests, commitments)."""
    written = queue_due_notices()
    click.echo(", ".join(f"{name}: {count}" for name, count in written.items()))
