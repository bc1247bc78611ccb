"""Delivering the outbox: `flask --app wsgi send-mail` once, or `--loop` as a service.

A sender claims one due message at a time in a short transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; on SQLite writes begin IMMEDIATE, so senders queue): the claim counts the attempt
and moves `next_attempt_at` past a lease, so no other sender takes the message while this one
sends it outside any transaction. Success sets `sent_at`; a failure keeps the message for a
retry after an exponential back-off, and after MAX_ATTEMPTS it is kept but no longer tried.
A sender that dies mid-send leaves the message to be tried again once the lease is over.
"""

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial
from types import FrameType

import click
from flask import Flask, Response, current_app, request
from flask.cli import with_appcontext
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coalition.db import READ_METHODS, Database, get_database, utcnow
from coalition.mail.models import OutboxMessage
from coalition.mail.transport import (
    DeliveryError,
    FileTransport,
    SmtpTransport,
    Transport,
    TransportUnavailable,
    parse_smtp_url,
)

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)  # then doubled after each failure
LONGEST_RETRY = timedelta(hours=6)
WORKER_JOBS = "coalition.worker_jobs"
CLAIM_LEASE = timedelta(minutes=10)  # far longer than a send may take (SMTP_TIMEOUT)
DEFAULT_INTERVAL = 30.0  # seconds between the passes of `send-mail --loop`
ERROR_LENGTH = 2000
MAX_LINE = 998  # bytes in a line of a message (RFC 5322)

logger = logging.getLogger(__name__)


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0  # failed for the last time during this pass
    interrupted: bool = False  # the transport became unavailable: the pass ended early

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed"
        if self.interrupted:
            text += " (the mail server is unavailable: the others wait for the next pass)"
        return text + "."


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.attempts < MAX_ATTEMPTS,
    ]


def _given_up() -> list[ColumnElement[bool]]:
    return [OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS]


def has_due(database: Database, now: datetime | None = None) -> bool:
    """Whether a message waits (one cheap statement on the due index)."""
    with database.new_session(write=False) as session:
        query = select(OutboxMessage.id).where(*_due(now or utcnow())).limit(1)
        return session.scalar(query) is not None


def build_message(row: OutboxMessage, *, mail_from: str, sent_at: datetime) -> EmailMessage:
    """The email of an outbox row: text and HTML alternatives in UTF-8, its stored headers."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(sent_at)
    message["Auto-Submitted"] = "auto-generated"
    for name, value in row.headers.items():
        if name not in message:  # the headers above are the outbox's own
            message[name] = str(value)
    # 8bit keeps long links whole in the text part (quoted-printable would cut them in an .eml
    # file), within the 998 characters a line may have
    long_lines = any(len(line.encode()) > MAX_LINE for line in row.text_body.splitlines())
    message.set_content(row.text_body, charset="utf-8", cte=None if long_lines else "8bit")
    message.add_alternative(row.html_body, subtype="html", charset="utf-8")
    for attachment in row.attachments or []:  # text files: "text/<subtype>; name=value..."
        subtype, *parameters = attachment["content_type"].removeprefix("text/").split(";")
        message.add_attachment(
            attachment["content"],
            subtype=subtype.strip(),
            filename=attachment["filename"],
            params=dict(part.strip().split("=", 1) for part in parameters if "=" in part),
        )
    message["Content-Language"] = row.language  # set_content clears the Content-* headers
    return message


def claim_next(session: Session, now: datetime, *, domain: str) -> OutboxMessage | None:
    """Take the next due message for this sender: count the attempt, hold it for the lease."""
    query = (
        select(OutboxMessage)
        .where(*_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = session.scalars(query).first()
    if row is None:
        return None
    row.attempts += 1
    row.next_attempt_at = now + CLAIM_LEASE
    if "Message-ID" not in row.headers:  # chosen once, so that every retry keeps it
        row.headers = {**row.headers, "Message-ID": make_msgid(domain=domain)}
    session.flush()
    return row


def deliver_due(
    database: Database,
    transport: Transport,
    *,
    mail_from: str,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> PassReport:
    """One pass: send the due messages one by one until none is due (or `stop` is set)."""
    report = PassReport()
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    try:
        while stop is None or not stop.is_set():
            moment = now or utcnow()
            with database.transaction() as session:
                row = claim_next(session, moment, domain=domain)
            if row is None:
                break
            try:
                message = build_message(row, mail_from=mail_from, sent_at=moment)
                transport.send(message, sent_at=moment, message_id=row.id)
            except TransportUnavailable as error:
                _record_failure(database, row, error, moment, report)
                report.interrupted = True
                break
            except Exception as error:  # this message only: kept, tried again
                _record_failure(database, row, error, moment, report)
            else:
                with database.transaction() as session:
                    session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == row.id)
                        .values(sent_at=moment)
                    )
                report.sent += 1
    finally:
        transport.close()
    return report


def _record_failure(
    database: Database, row: OutboxMessage, error: Exception, now: datetime, report: PassReport
) -> None:
    text = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
    with database.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(last_error=text[:ERROR_LENGTH], next_attempt_at=now + retry_delay(row.attempts))
        )
    report.failed += 1
    if row.attempts >= MAX_ATTEMPTS:
        report.given_up += 1
    logger.warning(
        "mail %s to %s, attempt %s failed: %s", row.id, row.to_address, row.attempts, text
    )


def count_given_up(database: Database) -> int:
    with database.new_session(write=False) as session:
        query = select(func.count()).select_from(OutboxMessage).where(*_given_up())
        return int(session.scalar(query) or 0)


def requeue_given_up(database: Database, now: datetime | None = None) -> int:
    """Make the messages given up due again, with a fresh count of attempts."""
    with database.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(*_given_up())
            .values(attempts=0, next_attempt_at=now or utcnow())
        )
        return int(getattr(result, "rowcount", 0))


def app_transport(app: Flask, *, echo: Callable[[str], None] | None = None) -> Transport:
    """SMTP when SMTP_URL is set, else `.eml` files in MAIL_DIR."""
    url = str(app.config["SMTP_URL"])
    if url:
        return SmtpTransport(parse_smtp_url(url))
    return FileTransport(str(app.config["MAIL_DIR"]), echo=echo)


def send_pass(
    app: Flask,
    *,
    transport: Transport | None = None,
    now: datetime | None = None,
    stop: threading.Event | None = None,
    echo: Callable[[str], None] | None = None,
) -> PassReport:
    """One delivery pass with the app's database and settings (or the transport given)."""
    return deliver_due(
        get_database(app),
        transport or app_transport(app, echo=echo),
        mail_from=str(app.config["MAIL_FROM"]),
        now=now,
        stop=stop,
    )


def add_worker_job(app: Flask, job: Callable[[Flask], int]) -> None:
    """Have every pass of `send-mail` run `job` first (the draws of the panels): the mails it
    writes go out in the same pass."""
    app.extensions.setdefault(WORKER_JOBS, []).append(job)


def run_worker_jobs(app: Flask) -> None:
    for job in app.extensions.get(WORKER_JOBS, []):
        try:
            job(app)
        except Exception:  # a failing job never stops the mail
            logger.exception("worker job %s failed", getattr(job, "__name__", job))


def _destination(app: Flask) -> str:
    url = str(app.config["SMTP_URL"])
    if not url:
        return f"files in {app.config['MAIL_DIR']}"
    settings = parse_smtp_url(url)  # never show the password
    return f"{settings.host}:{settings.port} ({settings.security})"


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and Ctrl-C set `stop`: the message being sent is finished first."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, handler) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@click.command("send-mail")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep running, a pass every --interval seconds.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Seconds between two passes with --loop.",
)
@click.option(
    "--retry-given-up",
    is_flag=True,
    help=f"First make the messages given up after {MAX_ATTEMPTS} attempts due again.",
)
def send_mail_command(loop: bool, interval: float, retry_given_up: bool) -> None:
    """Deliver the mails waiting in the outbox (SIGTERM or Ctrl-C stops --loop)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        destination = _destination(app)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if not app.config["SMTP_URL"] and app.config["COALITION_ENV"] == "production":
        click.echo("Warning: SMTP_URL is not set, mails are only written as files.", err=True)
    database = get_database(app)
    if retry_given_up:
        click.echo(f"{requeue_given_up(database)} given-up message(s) will be tried again.")
    if not loop:
        run_worker_jobs(app)
        click.echo(send_pass(app, echo=click.echo).summary())
        _echo_given_up(count_given_up(database))
        return
    stop = threading.Event()
    with _stopped_by_signals(stop):
        click.echo(f"Sending mail to {destination} every {interval:g} s; SIGTERM or Ctrl-C stops.")
        while not stop.is_set():
            try:
                run_worker_jobs(app)
                report = send_pass(app, stop=stop, echo=click.echo)
            except SQLAlchemyError as error:  # the database may be away for a while
                logger.exception("mail delivery pass failed")
                click.echo(f"Delivery pass failed, trying again later: {error}", err=True)
            else:
                if report.sent or report.failed:
                    click.echo(report.summary())
                if report.given_up:
                    _echo_given_up(count_given_up(database))
            stop.wait(interval)
    click.echo("Stopped.")


def _echo_given_up(count: int) -> None:
    if count:
        click.echo(
            f"{count} message(s) given up after {MAX_ATTEMPTS} attempts are kept in "
            "outbox_messages (see last_error); --retry-given-up tries them again.",
            err=True,
        )


def init_mail(app: Flask) -> None:
    """In development without SMTP_URL (`make run` runs no sender), mails appear as `.eml`
    files right after the request that wrote them: a write request's response, once sent,
    checks the outbox (one statement) and delivers what is due."""
    if app.config["COALITION_ENV"] != "development" or app.config["SMTP_URL"]:
        return

    @app.after_request
    def deliver_after_response(response: Response) -> Response:
        if request.method not in READ_METHODS:
            # called once the response is sent, after the request's session is closed
            response.call_on_close(partial(deliver_files_if_due, app))
        return response


def deliver_files_if_due(app: Flask) -> None:
    with app.app_context():
        try:
            run_worker_jobs(app)
            if has_due(get_database(app)):
                send_pass(app, echo=partial(click.echo, err=True))
        except SQLAlchemyError:
            logger.exception("writing the outbox's mails as files failed")
