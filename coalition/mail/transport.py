"""Where a built message goes: an SMTP server named by SMTP_URL, or `.eml` files in MAIL_DIR.

`smtp://[user:pass@]host[:port]` talks plain SMTP (port 25), `smtp+starttls://` upgrades the
connection with STARTTLS (587) and `smtps://` opens it in TLS (465); the user name and password
are percent-decoded. A transport opens its connection on the first message and keeps it for
the pass; `close()` ends it.
"""

import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT = 30  # seconds, for each exchange with the server
SECURITY_BY_SCHEME = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}


class DeliveryError(Exception):
    """A message could not be handed over; it stays in the outbox and is tried again."""


class MessageRefused(DeliveryError):
    """The server refused this message (sender, recipients or content): try the next one."""


class TransportUnavailable(DeliveryError):
    """The server cannot be reached or refused the connection: end the pass."""


class Transport(Protocol):
    def send(self, message: EmailMessage, *, sent_at: datetime, message_id: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """The settings an SMTP_URL names; ValueError when it names none."""
    parts = urlsplit(url)
    security = SECURITY_BY_SCHEME.get(parts.scheme.lower())
    if security is None:
        schemes = ", ".join(f"{scheme}://" for scheme in SECURITY_BY_SCHEME)
        raise ValueError(f"SMTP_URL must start with {schemes}, not {url.split(':', 1)[0]!r}")
    if not parts.hostname:
        raise ValueError("SMTP_URL names no host")
    try:
        port = parts.port or DEFAULT_PORTS[security]
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpSettings(parts.hostname, port, security, username, password)


class SmtpTransport:
    def __init__(self, settings: SmtpSettings, *, timeout: float = SMTP_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=self.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=context)  # refuses, never falls back to plain text
                smtp.ehlo()
            if settings.username is not None:
                smtp.login(settings.username, settings.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, *, sent_at: datetime, message_id: int) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except (
            smtplib.SMTPRecipientsRefused,
            smtplib.SMTPSenderRefused,
            smtplib.SMTPDataError,
        ) as error:
            raise MessageRefused(_describe(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TransportUnavailable(_describe(error)) from error

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


class FileTransport:
    """Each message as `<date>-<id>.eml` in a directory, for development without a server."""

    def __init__(self, directory: str | Path, *, echo: Callable[[str], None] | None = None):
        self.directory = Path(directory)
        self.echo = echo

    def send(self, message: EmailMessage, *, sent_at: datetime, message_id: int) -> None:
        path = self.directory / f"{sent_at:%Y%m%d-%H%M%S}-{message_id}.eml"
        partial = path.with_suffix(".eml.partial")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(message.as_bytes())
            os.replace(partial, path)
        except OSError as error:
            raise TransportUnavailable(_describe(error)) from error
        if self.echo is not None:
            self.echo(f"Mail to {message['To']} written to {_shown(path)}")

    def close(self) -> None:
        pass


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
