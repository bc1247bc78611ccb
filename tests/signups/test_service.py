"""The rules of a sign-up, without a request: what it needs, how a mail or phone is read, one
sign-up per person and coalition, its term, its withdrawal token, the purge."""

from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy.orm import Session

from coalition.core.errors import ValidationError
from coalition.signups.queries import signups_of
from coalition.signups.service import (
    add_months,
    consent_sentence,
    purge_expired,
    read_withdrawal_token,
    sign_up,
    withdraw,
    withdrawal_token,
)
from tests import factories as f
from tests.conftest import World
from tests.signups.conftest import TODAY, add_signup, signup_count, stored


def _sign_up(app: Flask, db: Session, world: World, **fields: object) -> None:
    values: dict[str, object] = {
        "first_name": "Léa",
        "email": "lea@example.org",
        "phone": "",
        "consent": True,
        "language": "fr",
        "today": TODAY,
        **fields,
    }
    with app.test_request_context():
        sign_up(db, world.coalition, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"consent": False}, "consent", "Cochez la phrase d'accord"),
        ({"first_name": "  "}, "first_name", "Indiquez votre prénom."),
        ({"first_name": "L" * 101}, "first_name", "100 caractères au plus"),
        ({"email": "lea@"}, "email", "Cette adresse e-mail n'est pas valable"),
        ({"email": "lea@exemple"}, "email", "Cette adresse e-mail n'est pas valable"),
        ({"email": "a" * 250 + "@example.org"}, "email", "n'est pas valable"),
        ({"email": "", "phone": "12"}, "phone", "Ce numéro de téléphone n'est pas valable"),
        ({"email": "", "phone": "06 12 34"}, "phone", "n'est pas valable"),
        ({"email": "", "phone": "+33 0 00 00 00 00"}, "phone", "n'est pas valable"),
        ({"email": "", "phone": "n'importe quoi"}, "phone", "n'est pas valable"),
        ({"email": "", "phone": ""}, "email", "Indiquez une adresse e-mail ou un numéro"),
        ({"email": None, "phone": None}, "email", "Indiquez une adresse e-mail ou un numéro"),
        ({"shown_months": 6}, "consent", "La durée de conservation vient de changer"),
    ],
)
def test_a_sign_up_is_refused_with_the_field_and_a_clear_message(
    app: Flask, db: Session, world: World, fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _sign_up(app, db, world, **fields)
    assert refused.value.field == field
    with app.test_request_context():
        assert message in str(refused.value)
    assert signup_count(db) == 0


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_a_phone_number_is_kept_in_e164(
    app: Flask, db: Session, world: World, typed: str, e164: str
) -> None:
    _sign_up(app, db, world, email="", phone=typed)
    assert stored(db) == [("Léa", None, e164)]


def test_the_mail_is_normalised_and_the_name_trimmed(app: Flask, db: Session, world: World) -> None:
    _sign_up(app, db, world, first_name="  Léa   Marie ", email=" Lea.Martin@Example.ORG ")
    assert stored(db) == [("Léa Marie", "lea.martin@example.org", None)]


def test_the_same_mail_or_phone_renews_the_one_sign_up(
    app: Flask, db: Session, world: World
) -> None:
    first = add_signup(app, db, world.coalition, email="lea@example.org", today=date(2025, 1, 10))
    renewed = add_signup(
        app, db, world.coalition, "Léa M.", email="LEA@example.org", phone="0612345678"
    )
    assert renewed.id == first.id
    assert (renewed.signed_up_on, renewed.expires_on) == (TODAY, date(2027, 3, 14))
    assert stored(db) == [("Léa M.", "lea@example.org", "+33612345678")]
    by_phone = add_signup(app, db, world.coalition, "Léa", email=None, phone="+33612345678")
    assert by_phone.id == first.id and signup_count(db) == 1
    assert stored(db) == [("Léa", None, "+33612345678")]  # what the person gave this time


def test_a_mail_and_a_phone_of_two_sign_ups_make_them_one(
    app: Flask, db: Session, world: World
) -> None:
    add_signup(app, db, world.coalition, "Léa", email="lea@example.org")
    add_signup(app, db, world.coalition, "Léa", email=None, phone="0612345678")
    assert signup_count(db) == 2
    add_signup(app, db, world.coalition, "Léa", email="lea@example.org", phone="0612345678")
    assert stored(db) == [("Léa", "lea@example.org", "+33612345678")]


def test_the_same_person_in_two_coalitions_has_two_sign_ups(
    app: Flask, db: Session, world: World
) -> None:
    add_signup(app, db, world.coalition)
    add_signup(app, db, world.other_coalition)
    assert signup_count(db) == 2


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 14), 12, date(2027, 3, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 11, 30), 36, date(2029, 11, 30)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_months_are_added_as_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_the_term_follows_the_coalition_and_the_consent_is_kept_as_shown(
    app: Flask, db: Session, world: World
) -> None:
    world.coalition.signup_retention_months = 6
    signup = add_signup(app, db, world.coalition, language="en")
    assert signup.expires_on == date(2026, 9, 14)
    assert signup.language == "en"
    with app.test_request_context(), force_locale("en"):
        assert signup.consent == consent_sentence(world.coalition)
    with app.test_request_context():
        french = consent_sentence(world.coalition)
    assert "Ma coalition" in french and "6 mois" in french
    assert "retirer mon inscription à tout moment avec le lien présent dans chaque message" in (
        french
    )


def test_the_withdrawal_token_names_its_sign_up_and_cannot_be_forged(
    app: Flask, db: Session, world: World
) -> None:
    signup = add_signup(app, db, world.coalition)
    with app.app_context():
        token = withdrawal_token(signup)
        assert read_withdrawal_token(token) == signup.id
        assert read_withdrawal_token(token[:-2] + "xy") is None
        assert read_withdrawal_token(signup.id) is None
        assert read_withdrawal_token("") is None
    with app.app_context():
        app.config["SECRET_KEY"] = "another-secret"
        assert read_withdrawal_token(token) is None


def test_withdrawing_deletes_that_sign_up_only(app: Flask, db: Session, world: World) -> None:
    lea = add_signup(app, db, world.coalition, "Léa", email="lea@example.org")
    add_signup(app, db, world.coalition, "Marc", email="marc@example.org")
    with app.app_context():
        withdraw(db, lea)
    assert stored(db) == [("Marc", "marc@example.org", None)]


def test_purge_deletes_exactly_the_expired_ones_of_every_coalition(
    app: Flask, db: Session, world: World
) -> None:
    other = f.coalition(db, signup_retention_months=1)
    # terms: 14 Feb 2026, 14 Mar 2026, 15 Mar 2026 (here); 14 Mar 2026 (the other coalition)
    add_signup(app, db, world.coalition, "Ana", "ana@example.org", today=date(2025, 2, 14))
    add_signup(app, db, world.coalition, "Bea", "bea@example.org", today=date(2025, 3, 14))
    add_signup(app, db, world.coalition, "Cyd", "cyd@example.org", today=date(2025, 3, 15))
    add_signup(app, db, other, "Dan", "dan@example.org", today=date(2026, 2, 14))
    add_signup(app, db, other, "Eve", "eve@example.org", today=date(2026, 2, 15))
    assert [s.first_name for s in signups_of(db, world.coalition, TODAY)] == ["Cyd"]
    assert [s.first_name for s in signups_of(db, world.coalition, date(2025, 3, 20))] == [
        "Ana",
        "Bea",
        "Cyd",
    ]
    with app.app_context():
        assert purge_expired(db, TODAY) == 3
        assert purge_expired(db, TODAY) == 0
    assert [row[0] for row in stored(db)] == ["Cyd", "Eve"]
