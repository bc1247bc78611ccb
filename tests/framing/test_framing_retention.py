"""The facilitator sets how long workshop sign-ups are kept, 1 to 36 months: audited like the
other framing fields; a new sign-up is told the new term and gets it."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.framing.forms import FramingForm
from coalition.framing.service import FramingDetails, update_framing
from tests.conftest import World, post_form

F = "/c/ma-coalition/framing"
RANGE = "De 1 à 36 mois, s'il vous plaît."


def _details(months: int | None) -> FramingDetails:
    return FramingDetails(name="Ma coalition", phase="framing", signup_retention_months=months)


def test_the_retention_is_saved_and_audited(app: Flask, db: Session, world: World) -> None:
    coalition = world.coalition
    assert coalition.signup_retention_months == 12
    with app.test_request_context():
        update_framing(
            db, coalition, _details(6), seen_version=coalition.version, by=world.users["admin"]
        )
    assert coalition.signup_retention_months == 6
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "coalition")).one()
    assert event.before and event.after and event.user_id == world.users["admin"].id
    assert (event.before["signup_retention_months"], event.after["signup_retention_months"]) == (
        12,
        6,
    )
    with app.test_request_context():
        update_framing(db, coalition, _details(None), seen_version=coalition.version, by=None)
    assert coalition.signup_retention_months == 6  # None: left as it was


@pytest.mark.parametrize("months", [0, -1, 37, 10_000])
def test_the_retention_stays_within_bounds(
    app: Flask, db: Session, world: World, months: int
) -> None:
    coalition = world.coalition
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        update_framing(db, coalition, _details(months), seen_version=coalition.version, by=None)
    assert refused.value.field == "signup_retention_months"
    with app.test_request_context():
        assert str(refused.value) == RANGE
    assert coalition.signup_retention_months == 12


@pytest.mark.parametrize(
    ("sent", "valid", "read"),
    [("1", True, 1), ("36", True, 36), ("", True, None), ("0", False, None), ("37", False, None),
     ("douze", False, None)],
)  # fmt: skip
def test_the_form_reads_the_retention(app: Flask, sent: str, valid: bool, read: int | None) -> None:
    data = {"name": "Ma coalition", "phase": "framing", "signup_retention_months": sent}
    with app.test_request_context(method="POST", data=data):
        form = FramingForm(formdata=MultiDict(data), meta={"csrf": False})
        assert form.validate() is valid, form.errors
        if valid:
            assert form.signup_retention_months.data == read
        elif sent != "douze":
            assert form.signup_retention_months.errors == [RANGE]


def test_the_page_shows_the_field_and_refuses_a_bad_retention(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    html = client.get(F).get_data(as_text=True)
    assert "Conservation des inscriptions aux ateliers (en mois)" in html
    assert 'name="signup_retention_months"' in html and 'value="12"' in html
    data = {"name": "Ma coalition", "phase": "framing", "version": "1"}
    response = post_form(client, F, {**data, "signup_retention_months": "48"})
    assert response.status_code == 400
    assert RANGE.replace("'", "&#39;") in response.get_data(as_text=True)
    db.refresh(world.coalition)
    assert world.coalition.signup_retention_months == 12
    assert post_form(client, F, {**data, "signup_retention_months": "24"}).status_code == 302
    db.refresh(world.coalition)
    assert world.coalition.signup_retention_months == 24
