"""The bounds every request meets: ids, NUL bytes, text lengths, where a redirect may go."""

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, Length

import coalition
from coalition.core.errors import ValidationError
from coalition.core.input import MAX_ID, parse_id
from coalition.meetings.models import Meeting
from tests import factories as f
from tests.conftest import World, post_form


def all_forms() -> Iterator[type[FlaskForm]]:
    for module in pkgutil.walk_packages(coalition.__path__, "coalition."):
        importlib.import_module(module.name)
    todo = list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        yield form


def test_every_text_field_of_every_form_has_a_maximum_length() -> None:
    unbounded = []
    for form in all_forms():
        for name in dir(form):
            field = getattr(form, name)
            if getattr(field, "field_class", None) not in (StringField, TextAreaField):
                continue
            validators = list(field.kwargs.get("validators") or [])
            if not any(isinstance(v, Length | AnyOf) for v in validators):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not unbounded, "\n".join(unbounded)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-3", None),
     ("1e3", None), ("١٢", None), ("", None), (None, None), (7, 7), (2**40, None)],
)  # fmt: skip
def test_an_id_from_a_query_string_or_a_form_is_bounded(value: object, expected: int) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), "99999999999999999999999"])
def test_an_id_past_32_bits_in_a_path_is_not_found(
    client: FlaskClient, world: World, value: str
) -> None:
    assert client.get(f"/c/ma-coalition/actors/{value}").status_code == 404
    world.log_in(client, "admin")
    assert client.get(f"/c/ma-coalition/meetings/{value}/edit").status_code == 404


def test_a_nul_byte_anywhere_is_refused_with_a_clear_message(
    client: FlaskClient, world: World
) -> None:
    response = client.get("/c/ma-coalition/actors?family=use%00")
    assert response.status_code == 400
    assert "caractère interdit" in response.get_data(as_text=True)
    assert client.get("/c/ma%00coalition/").status_code == 400


def test_a_nul_byte_in_a_form_changes_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    url = f"/c/ma-coalition/actors/{world.actor.id}/edit"
    data = {"name": "Acteur\x00A", "family": "use", "kind": "other", "status": "member"}
    response = post_form(client, url, {**data, "version": "1"})
    assert response.status_code == 400
    db.expire_all()
    assert world.actor.name == "Acteur A"


def test_a_meeting_title_over_300_characters_is_refused_on_the_form(
    client: FlaskClient, world: World, db: Session
) -> None:
    meeting = f.meeting(db, world.coalition, title="Rencontre")
    world.log_in(client, "facilitator")
    url = f"/c/ma-coalition/meetings/{meeting.id}/edit"
    data = {
        "title": "R" * 301,
        "day": "2030-02-01",
        "start_time": "10:00",
        "end_time": "12:00",
        "status": "planned",
        "version": "1",
    }
    response = post_form(client, url, data)
    assert response.status_code == 400
    assert "300" in response.get_data(as_text=True)
    assert db.scalar(select(Meeting.title).where(Meeting.id == meeting.id)) == "Rencontre"


def test_text_longer_than_its_column_is_refused_at_the_flush(db: Session, world: World) -> None:
    """The net under the forms: SQLite would store it whole, PostgreSQL would fail."""
    world.actor.name = "A" * 1000
    with pytest.raises(ValidationError, match="caractères") as refused:
        db.flush()
    assert refused.value.field == "name"
    db.rollback()


def test_a_nul_byte_is_refused_at_the_flush(db: Session, world: World) -> None:
    world.action.title = "Titre\x00"
    with pytest.raises(ValidationError, match="caractère nul"):
        db.flush()
    db.rollback()


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: x=1", "/c/ma-coalition/\n", "/\\evil.example", "//evil.example"]
)
def test_a_next_address_that_is_not_a_plain_local_path_goes_home(
    app: Flask, client: FlaskClient, world: World, target: str
) -> None:
    user = world.users["member"]
    token_page = client.get("/login")
    assert token_page.status_code == 200
    response = post_form(
        client, "/login", {"email": user.email, "password": f.PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    response = post_form(client, "/language", {"lang": "en", "next": target}, form_url="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
