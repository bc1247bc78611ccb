"""The password policy: no name or address in it, nothing zxcvbn guesses easily, on every
page where a password is chosen."""

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.auth.passwords import password_problem, verify_password
from tests import factories as f
from tests.auth.outbox import link_in, mails_to, path_of, text_of
from tests.conftest import World, post_form
from tests.people.conftest import invite

HAS_NAME = "Ce mot de passe reprend votre nom"
HAS_EMAIL = "Ce mot de passe reprend votre adresse e-mail"
GUESSABLE = "Ce mot de passe est trop facile à deviner"
ADVICE = "une phrase de quatre ou cinq mots pris au hasard"
STRONG = "des-pins-et-des-dunes-33"


def problem(
    password: str, email: str = "marie.dupont@example.org", name: str = "Marie Dupont"
) -> str | None:
    return password_problem(password, email=email, name=name)


@pytest.mark.parametrize(
    "password",
    [
        "marie.dupont@example.org",
        "Marie.Dupont@Example.org!",
        "moi-marie.dupont-2026",
    ],
)
def test_a_password_with_the_address_is_refused(password: str) -> None:
    message = problem(password, name="Quelqu'un d'autre")
    assert message is not None and message.startswith(HAS_EMAIL)


@pytest.mark.parametrize(
    ("password", "name"),
    [
        ("Marie Dupont", "Marie Dupont"),
        ("dupont-des-bois-1987", "Marie Dupont"),
        ("helene-aime-les-cerises", "Hélène Lefèvre"),  # accents aside
        ("LES-CERISES-DE-LEFEVRE", "Hélène Lefèvre"),  # case aside
        ("le-jardin-de-jean-pierre", "Jean-Pierre Martin"),  # each word of a compound name
    ],
)
def test_a_password_with_the_name_is_refused(password: str, name: str) -> None:
    message = problem(password, email="quelquun@example.org", name=name)
    assert message is not None and message.startswith(HAS_NAME)


def test_the_words_of_the_address_count_like_the_name() -> None:
    message = problem("dupont-des-bois-1987", email="marie.dupont@example.org", name="M. D.")
    assert message is not None and message.startswith(HAS_EMAIL)


@pytest.mark.parametrize(
    ("email", "name", "accepted", "refused"),
    [
        ("yann@example.org", "Yann Le Guen", "le-vent-se-leve-sur-la-lande", "la-lande-de-guen"),
        ("jo@example.org", "Jo Li", "jolies-cerises-du-jardin", "jo@example.org-2026"),
    ],
)
def test_only_words_of_three_letters_or_more_count(
    email: str, name: str, accepted: str, refused: str
) -> None:
    """ "Le" or "Jo" are in too many good passwords to refuse them."""
    assert password_problem(accepted, email=email, name=name) is None
    assert password_problem(refused, email=email, name=name) is not None


@pytest.mark.parametrize("password", ["Bonjour2024", "ilovecoalition", "a" * 90])
def test_a_password_easy_to_guess_is_refused_with_advice(password: str) -> None:
    message = problem(password)
    assert message is not None
    assert message.startswith(GUESSABLE) and ADVICE in message


def test_zxcvbn_knows_the_name_in_its_disguises() -> None:
    """'Dup0nt2024' is fine for someone else; for Marie Dupont it is her name with a 0."""
    assert problem("Dup0nt2024", email="x.y@example.org", name="Xavier Yon") is None
    message = problem("Dup0nt2024")
    assert message is not None and message.startswith(GUESSABLE)


@pytest.mark.parametrize(
    "password",
    [
        STRONG,
        "la cigogne revient en mars, le merle siffle",
        " ".join(["tilleul orage bouilloire rivage"] * 8)[:256],  # the longest allowed
    ],
)
def test_long_phrases_pass_where_a_word_with_digits_fails(password: str) -> None:
    assert problem(password) is None
    assert problem("Bonjour2024") is not None


def test_the_check_stays_fast_on_the_longest_password() -> None:
    slowest = "ab1" * 85 + "x"  # 256 characters: about a second for zxcvbn on all of them
    started = time.perf_counter()
    message = problem(slowest)
    assert time.perf_counter() - started < 0.5
    assert message is not None and message.startswith(GUESSABLE)


# -- every place where a password is chosen ------------------------------------------------


def test_changing_one_s_password_applies_the_policy(client: FlaskClient, db: Session) -> None:
    user = f.user(db, name="Hélène Lefèvre")
    f.log_in(client, user)
    for new, message in (("helene-aime-les-cerises", HAS_NAME), ("Bonjour2024", GUESSABLE)):
        data = {"current_password": f.PASSWORD, "new_password": new, "confirm_password": new}
        response = post_form(client, "/account/password", data)
        assert response.status_code == 400
        assert message in text_of(response)
    db.refresh(user)
    assert verify_password(user.password_hash, f.PASSWORD)


def test_a_reset_applies_the_policy(app: Flask, client: FlaskClient, db: Session) -> None:
    user = f.user(db, email="marie.dupont@example.org", name="Sacha Bernard")
    post_form(client, "/password/forgot", {"email": user.email})
    path = path_of(app, link_in(mails_to(db, user.email)[-1], "/password/reset/"))
    new = "marie.dupont-2026"
    response = post_form(client, path, {"new_password": new, "confirm_password": new})
    assert response.status_code == 400
    assert HAS_EMAIL in text_of(response)
    db.refresh(user)
    assert verify_password(user.password_hash, f.PASSWORD)
    assert client.get(path).status_code == 200  # the link still works for a better one


@pytest.mark.parametrize(
    ("password", "message"), [("nina-et-les-cerises", HAS_NAME), ("Bonjour2024", GUESSABLE)]
)
def test_joining_by_invitation_applies_the_policy(
    app: Flask,
    client: FlaskClient,
    db: Session,
    world: World,
    password: str,
    message: str,
) -> None:
    path = invite(app, db, world, "nouvelle@example.org")
    data = {"name": "Nina Nouvelle", "password": password, "confirm_password": password}
    response = post_form(client, path, data)
    assert response.status_code == 400
    assert message in text_of(response)
    query = select(User).where(User.email == "nouvelle@example.org")
    assert db.scalars(query).one_or_none() is None


@pytest.mark.parametrize(
    ("password", "message"), [("alice-au-pays", HAS_NAME), ("Bonjour2024", GUESSABLE)]
)
def test_the_create_user_command_applies_the_policy(
    app: Flask, db: Session, password: str, message: str
) -> None:
    args: list[Any] = ["create-user", "alice@example.org", "--name", "Alice Martin"]
    result = app.test_cli_runner().invoke(args=[*args, "--password", password])
    assert result.exit_code != 0
    assert message in result.output
    assert db.scalars(select(User).where(User.email == "alice@example.org")).one_or_none() is None
