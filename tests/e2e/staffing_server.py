"""A live app of its own for the staffing journey: a fresh SQLite database holding only an
admin account, its mails sent through a real SMTP server (aiosmtpd), its links built from the
live server's own address."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from coalition import create_app
from coalition.auth.service import create_user
from coalition.db import Database
from coalition.mail.delivery import send_pass
from tests.mail.smtp_server import SmtpServer

ADMIN_EMAIL, ADMIN_NAME = "admin@example.org", "Alice Admin"
ADMIN_PASSWORD = "vigie-de-la-lagune-2026"  # a test account on a throwaway database


@dataclass
class StaffingServer:
    url: str  # http://127.0.0.1:<port>, also the app's BASE_URL
    app: Flask
    mail: SmtpServer

    def deliver(self) -> int:
        """One `send-mail` pass through the SMTP server; how many messages it sent."""
        report = send_pass(self.app)
        assert report.failed == 0, report.summary()
        return report.sent

    def link(self, address: str, contains: str) -> str:
        """Deliver what waits, then the link (containing `contains`) of the last mail to
        `address`: what its recipient follows."""
        self.deliver()
        link = self.mail.link(address, contains)
        assert link.startswith(self.url + "/"), f"{link} is not on {self.url}"
        return link


@contextmanager
def staffing_server(directory: Path) -> Iterator[StaffingServer]:
    from alembic import command

    from tests.conftest import alembic_config

    url = f"sqlite:///{directory / 'staffing.db'}"
    database = Database(url)
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    mail = SmtpServer()
    mail.start()
    app = create_app(
        {
            "DATABASE": database,
            "DATABASE_URL": url,
            "SMTP_URL": mail.url,
            "MAIL_DIR": str(directory / "mail"),  # never used: SMTP_URL is set
        }
    )
    with app.app_context(), database.transaction() as session:
        create_user(
            session, email=ADMIN_EMAIL, name=ADMIN_NAME, password=ADMIN_PASSWORD, is_admin=True
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield StaffingServer(url=app.config["BASE_URL"], app=app, mail=mail)
    finally:
        server.shutdown()
        mail.stop()
        database.engine.dispose()
