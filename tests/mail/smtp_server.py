"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), keeping what it receives."""

import re
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask

from coalition.mail.delivery import PassReport, send_pass
from coalition.mail.transport import SmtpTransport, parse_smtp_url

LINK_RE = re.compile(r"https?://[^\s<>\"')]+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collector:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if address in self.server.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """See the `smtp_server` fixture in tests/conftest.py."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO) of each
        self.refused: set[str] = set()  # recipients answered "550 no such user"
        self.lock = threading.Lock()
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def refuse(self, address: str) -> None:
        """Answer 550 to this recipient from now on."""
        self.refused.add(address)

    def deliver(self, app: Flask, **options: Any) -> PassReport:
        """Run one `send-mail` pass of `app` through this server (options: now, stop)."""
        return send_pass(app, transport=SmtpTransport(parse_smtp_url(self.url)), **options)

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in str(message["To"])]

    def last_to(self, address: str) -> EmailMessage:
        received = self.messages_to(address)
        assert received, f"no mail received for {address} ({len(self.messages)} in all)"
        return received[-1]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the message has no text part"
        return str(part.get_content())

    @staticmethod
    def html(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("html",))
        assert part is not None, "the message has no HTML part"
        return str(part.get_content())

    def links(self, address: str) -> list[str]:
        """The links in the text part of the last mail received for `address`."""
        return LINK_RE.findall(self.text(self.last_to(address)))

    def link(self, address: str, contains: str = "") -> str:
        """The first link of that mail (containing `contains`), as a browser would follow it."""
        links = [link for link in self.links(address) if contains in link]
        assert links, f"no link with {contains!r} in the last mail to {address}"
        return links[0]
