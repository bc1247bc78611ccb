"""A workshop sign-up: a first name and a mail or phone number, with the consent agreed to.

Nothing ties a sign-up to the answers its person gave: no consultation, stall or submission is
stored, the id is random (and SQLite keeps the table in id order, not in the order of arrival),
and the only time kept is the day."""

import secrets
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db import Base


def new_signup_id() -> str:
    return secrets.token_hex(16)


class SignUp(Base):
    __tablename__ = "workshop_signups"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_signup_id)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164, +33612345678
    language: Mapped[str] = mapped_column(String(8), default="fr")
    consent: Mapped[str] = mapped_column(Text)  # the sentence the person ticked, as shown
    # the sentence agreeing to be drawn by lot for a citizens' panel, when ticked
    draw_consent: Mapped[str | None] = mapped_column(Text)
    signed_up_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
