"""The outbox: every mail the app sends, written with the change that causes it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # extra headers (Message-ID is chosen when the message is written, so a retry keeps it)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # files joined to the mail: [{"filename", "content_type", "content" (text)}], e.g. an
    # iCalendar invitation ("text/calendar; method=REQUEST")
    attachments: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # attempts begun: counted when a sender takes the message, which also moves
    # next_attempt_at past a lease so that no other sender takes it meanwhile (mail.delivery)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
