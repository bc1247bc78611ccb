"""Nothing in the database ties a sign-up to the answers of its person, not even the order in
which they came: after passers-by answer and sign up in turns at one stall, the sign-ups' table
names no consultation, stall or submission, keeps no time finer than the day, its ids are random
and (on SQLite, a table WITHOUT ROWID) a read without ORDER BY gives them in id order; signing
up writes nothing else (no history, no mail) that would carry the moment."""

import re

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, Submission
from coalition.core.audit import AuditEvent
from coalition.mail.models import OutboxMessage
from coalition.signups.models import SignUp
from coalition.signups.service import paris_today
from tests.consultations.conftest import Questions, answer_form, valid_answers
from tests.signups.conftest import LEA, signup_form

TURNS = 8  # the chance that 8 random ids come in arrival order is 1 in 40,320


def _answer_and_sign_up_in_turns(
    client: FlaskClient, consultation: Consultation, secret: str
) -> list[str]:
    """The e-mails, in the order the passers-by came."""
    kiosk, signup = f"/stall/{secret}", f"/stall/{secret}/signup"
    arrivals = []
    for n in range(TURNS):
        data = {**answer_form(client, kiosk), **valid_answers(Questions.of(consultation))}
        assert client.post(kiosk, data=data).status_code == 303
        email = f"passant{n}@example.org"
        data = {**signup_form(client, signup), **LEA, "first_name": f"Passant {n}", "email": email}
        assert client.post(signup, data=data).status_code == 303
        arrivals.append(email)
    return arrivals


def test_nothing_ties_a_sign_up_to_a_submission(
    client: FlaskClient,
    db: Session,
    connection: Connection,
    consultation: Consultation,
    secret: str,
) -> None:
    arrivals = _answer_and_sign_up_in_turns(client, consultation, secret)
    assert len(db.scalars(select(Submission)).all()) == TURNS

    inspector = sa.inspect(connection)
    columns = inspector.get_columns("workshop_signups")
    names = {column["name"] for column in columns}
    assert names == {
        "id",
        "coalition_id",
        "first_name",
        "email",
        "phone",
        "language",
        "consent",
        "draw_consent",  # the sentence agreeing to be drawn for a panel, when ticked
        "signed_up_on",
        "expires_on",
    }
    assert not [n for n in names if re.search("consultation|stall|submission|answer|_at$", n)]
    assert not [c["name"] for c in columns if isinstance(c["type"], sa.DateTime)]
    targets = {key["referred_table"] for key in inspector.get_foreign_keys("workshop_signups")}
    assert targets == {"coalitions"}

    by_id = {s.email: s.id for s in db.scalars(select(SignUp))}
    ids_in_arrival_order = [by_id[email] for email in arrivals]
    assert all(re.fullmatch("[0-9a-f]{32}", signup_id) for signup_id in ids_in_arrival_order)
    assert ids_in_arrival_order != sorted(ids_in_arrival_order)
    assert {s.signed_up_on for s in db.scalars(select(SignUp))} == {paris_today()}

    if connection.dialect.name == "sqlite":
        sql = connection.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'workshop_signups'")
        )
        assert "WITHOUT ROWID" in sql.upper()
        unordered = list(connection.scalars(text("SELECT id FROM workshop_signups")))
        assert unordered == sorted(unordered) != ids_in_arrival_order
        unordered_mails = list(connection.scalars(text("SELECT email FROM workshop_signups")))
        assert unordered_mails != arrivals

    assert db.scalars(select(AuditEvent)).all() == []  # no history of who signed up when
    assert db.scalars(select(OutboxMessage)).all() == []  # nor a mail of its own
