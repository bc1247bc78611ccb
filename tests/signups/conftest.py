"""Helpers of the sign-up tests: a stall with a working link, sign-ups made by the service,
the rows of the table, a sign-up posted as a browser would."""

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.consultations.models import Consultation, Stall
from coalition.consultations.service_stall import new_link
from coalition.db import utcnow
from coalition.signups.models import SignUp
from coalition.signups.service import sign_up
from tests.conftest import World
from tests.consultations.conftest import make_consultation

TODAY = date(2026, 3, 14)
S = "/c/ma-coalition"
LEA = {"first_name": "Léa", "email": "lea@example.org", "phone": "", "consent": "y"}


def page(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


def make_stall(db: Session, consultation: Consultation, place: str = "Marché de Dié") -> Stall:
    stall = Stall(consultation_id=consultation.id, place=place, held_on=date(2026, 3, 14))
    db.add(stall)
    db.flush()
    return stall


def link_of(db: Session, stall: Stall) -> str:
    secret = new_link(stall, utcnow())
    db.flush()
    return secret


def add_signup(
    app: Flask,
    db: Session,
    coalition: Coalition,
    first_name: str = "Léa",
    email: str | None = "lea@example.org",
    phone: str | None = None,
    today: date = TODAY,
    language: str = "fr",
) -> SignUp:
    with app.test_request_context():
        return sign_up(
            db,
            coalition,
            first_name=first_name,
            email=email,
            phone=phone,
            consent=True,
            language=language,
            today=today,
        )


def stored(db: Session) -> list[tuple[str, str | None, str | None]]:
    """(first name, mail, phone) of every sign-up, in a stable order."""
    db.expire_all()
    rows = db.execute(
        select(SignUp.first_name, SignUp.email, SignUp.phone).order_by(SignUp.first_name)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def signup_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SignUp)) or 0


@pytest.fixture
def consultation(db: Session, world: World) -> Consultation:
    return make_consultation(db, world.coalition)


@pytest.fixture
def stall(db: Session, consultation: Consultation) -> Stall:
    return make_stall(db, consultation)


@pytest.fixture
def secret(db: Session, stall: Stall) -> str:
    return link_of(db, stall)


def signup_form(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields of a sign-up page, as a browser would send them back."""
    import re

    html = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    months = re.search(r'name="months"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="months"', html
    )
    assert csrf and months, html
    return {"csrf_token": csrf.group(1), "months": months.group(1), "website": ""}


@pytest.fixture(autouse=True)
def _coalition(world: World) -> World:
    """Every test here runs in the shared world: `ma-coalition` and one user per role."""
    return world
