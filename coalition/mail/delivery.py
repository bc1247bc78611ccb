"""Delivering the outbox: `flask --app wsgi send-mail` (built by the mail work)."""

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Deliver the mails waiting in the outbox."""
    raise click.ClickException("not built yet")


def init_mail(app: Flask) -> None:
    """Hooks of the mail delivery into the app (built by the mail work)."""
