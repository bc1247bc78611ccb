"""Reading the mails the app wrote to the outbox, and the links they carry."""

import html
import re
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.mail.models import OutboxMessage

LINK_RE = re.compile(r"https?://\S+")


def mails_to(db: Session, address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def all_mails(db: Session) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage)))


def link_in(message: OutboxMessage, contains: str) -> str:
    """The first link of the text body whose address contains `contains`."""
    links = [link for link in LINK_RE.findall(message.text_body) if contains in link]
    assert links, message.text_body
    return links[0]


def path_of(app: Flask, link: str) -> str:
    """The link as a path to request with the test client (it starts with BASE_URL)."""
    base = str(app.config["BASE_URL"])
    assert link.startswith(base + "/"), link
    return link.removeprefix(base)


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def text_of(response: Any) -> str:
    """The page as a reader sees it: entities such as &#39; turned back into characters, and
    CSRF tokens (signed with the current second) left out so that two pages compare."""
    page = html.unescape(response.get_data(as_text=True))
    return CSRF_VALUE.sub(r'\1"', page)
