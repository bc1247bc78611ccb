"""Facilitators' writes on consultations and stalls go through one helper: a write that meets
another at the same instant answers 409 and says so, and saves nothing; a stale edit's form
comes back with the current version, so that sending it again, once read, replaces it."""

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations import routes_stall
from coalition.consultations import service_questionnaire as questionnaire
from coalition.consultations.models import Consultation, Stall
from coalition.consultations.service_stall import create_stall, new_link
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from tests.clashes import SIMULTANEOUS, clashing, count, text_of
from tests.conftest import World, post_form
from tests.consultations.conftest import make_consultation

C = "/c/ma-coalition/consultations"
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def test_a_consultation_created_at_the_same_instant_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = clashing(questionnaire.create_consultation)
    monkeypatch.setattr(questionnaire, "create_consultation", create)
    world.log_in(client, "facilitator")
    data = {"title": "Au même instant", "channel": "online"}
    response = post_form(client, f"{C}/new", data)
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response) and "Au même instant" in text_of(response)
    assert count(db, Consultation) == 0


def test_a_stale_edit_offers_the_current_version_to_send_again(
    client: FlaskClient, world: World, db: Session
) -> None:
    consultation = make_consultation(db, world.coalition)
    world.log_in(client, "facilitator")
    edit = f"{C}/{consultation.id}/edit"
    data = {"title": "Mon titre", "channel": "online", "version": str(consultation.version + 5)}
    stale = post_form(client, edit, data)
    assert stale.status_code == 409
    [found] = VERSION_RE.findall(stale.get_data(as_text=True))
    assert int(found[0] or found[1]) == consultation.version
    again = post_form(client, edit, {**data, "version": str(consultation.version)})
    assert again.status_code == 302
    db.refresh(consultation)
    assert consultation.title == "Mon titre"


def test_a_stall_created_at_the_same_instant_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultation = make_consultation(db, world.coalition)
    monkeypatch.setattr(routes_stall, "create_stall", clashing(create_stall))
    world.log_in(client, "facilitator")
    url = f"{C}/{consultation.id}/stalls"
    response = post_form(client, url, {"place": "Marché de Paimpol", "held_on": "2025-08-02"})
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response) and "Marché de Paimpol" in text_of(response)
    assert count(db, Stall) == 0
    assert "/stall/" not in text_of(client.get(url))  # no link kept to show


def test_a_link_renewed_at_the_same_instant_keeps_the_old_one(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultation = make_consultation(db, world.coalition)
    stall = Stall(consultation_id=consultation.id, place="Marché de Dié", held_on=utcnow().date())
    db.add(stall)
    db.flush()
    secret = new_link(stall, utcnow())
    db.flush()
    events = count(db, AuditEvent)
    change = clashing(routes_stall._record_link_change)
    monkeypatch.setattr(routes_stall, "_record_link_change", change)
    world.log_in(client, "facilitator")
    stalls = f"{C}/{consultation.id}/stalls"
    response = post_form(client, f"{stalls}/{stall.id}/renew", {}, form_url=stalls)
    assert response.status_code == 409 and SIMULTANEOUS in text_of(response)
    assert count(db, AuditEvent) == events
    assert re.findall(r"/stall/([A-Za-z0-9_-]{40,})", text_of(client.get(stalls))) == []
    assert client.get(f"/stall/{secret}").status_code == 200  # the old link still works
