"""The facilitator sets how many days before a meeting its people are reminded (0: never)."""

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


def _details(days: int | None) -> FramingDetails:
    return FramingDetails(name="Ma coalition", phase="framing", reminder_days=days)


def test_the_delay_is_saved_and_audited(app: Flask, db: Session, world: World) -> None:
    coalition = world.coalition
    assert coalition.reminder_days == 3
    with app.test_request_context():
        update_framing(
            db,
            coalition,
            _details(7),
            seen_version=coalition.version,
            by=world.users["facilitator"],
        )
    assert coalition.reminder_days == 7
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "coalition")).one()
    assert event.before and event.after
    assert (event.before["reminder_days"], event.after["reminder_days"]) == (3, 7)
    with app.test_request_context():
        update_framing(db, coalition, _details(0), seen_version=coalition.version, by=None)
        update_framing(db, coalition, _details(None), seen_version=coalition.version, by=None)
    assert coalition.reminder_days == 0  # 0: no reminders; None: left as it was


@pytest.mark.parametrize("days", [-1, 31, 10_000])
def test_the_delay_stays_within_bounds(app: Flask, db: Session, world: World, days: int) -> None:
    coalition = world.coalition
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        update_framing(db, coalition, _details(days), seen_version=coalition.version, by=None)
    assert refused.value.field == "reminder_days"
    assert coalition.reminder_days == 3


@pytest.mark.parametrize(
    ("sent", "valid", "read"),
    [("0", True, 0), ("30", True, 30), ("", True, None), ("31", False, None), ("-2", False, None)],
)
def test_the_form_reads_the_delay(app: Flask, sent: str, valid: bool, read: int | None) -> None:
    data = {"name": "Ma coalition", "phase": "framing", "reminder_days": sent}
    with app.test_request_context(method="POST", data=data):
        form = FramingForm(formdata=MultiDict(data), meta={"csrf": False})
        assert form.validate() is valid, form.errors
        if valid:
            assert form.reminder_days.data == read
        else:
            assert form.reminder_days.errors == ["De 0 à 30 jours, s'il vous plaît."]


def test_the_page_shows_the_field_and_refuses_a_bad_delay(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    page = client.get(F).get_data(as_text=True)
    assert "Rappel avant une rencontre (en jours)" in page
    assert 'name="reminder_days"' in page and 'value="3"' in page
    data = {"name": "Ma coalition", "phase": "framing", "version": "1", "reminder_days": "45"}
    response = post_form(client, F, data)
    assert response.status_code == 400
    assert "De 0 à 30 jours, s&#39;il vous plaît." in response.get_data(as_text=True)
    db.refresh(world.coalition)
    assert world.coalition.reminder_days == 3


def test_the_page_saves_the_delay(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    data = {"name": "Ma coalition", "phase": "framing", "version": "1", "reminder_days": "10"}
    assert post_form(client, F, data).status_code == 302
    db.refresh(world.coalition)
    assert world.coalition.reminder_days == 10
