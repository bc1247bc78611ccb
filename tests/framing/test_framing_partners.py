"""The facilitator marks which actors are partners of the coalition."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus
from coalition.core.audit import AuditEvent
from tests import factories as f
from tests.conftest import World, post_form

F = "/c/ma-coalition/framing"


def test_mark_and_unmark_a_partner(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    page = client.get(F).get_data(as_text=True)
    assert 'Marquer partenaire<span class="visually-hidden"> : Acteur A' in page
    url = f"{F}/partners/{world.actor.id}"
    response = post_form(client, url, {"is_partner": "yes", "version": "1"}, form_url=F)
    assert response.status_code == 302 and response.headers["Location"].endswith("#partners")
    db.refresh(world.actor)
    assert world.actor.is_partner and world.actor.version == 2
    home = client.get("/c/ma-coalition/").get_data(as_text=True)
    assert "Partenaires" in home and "<li>Acteur A</li>" in home
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "actor")).one()
    assert event.before and event.after and event.actor_id == world.actor.id
    assert (event.before["is_partner"], event.after["is_partner"]) == (False, True)
    # it shows in the actor's history, as any change of its record
    actor_page = client.get(f"/c/ma-coalition/actors/{world.actor.id}").get_data(as_text=True)
    assert "Partenaire :" in actor_page and "<del>non</del> → <ins>oui</ins>" in actor_page
    page = client.get(F).get_data(as_text=True)
    assert 'Ne plus citer comme partenaire<span class="visually-hidden"> : Acteur A' in page
    undo = post_form(client, url, {"is_partner": "no", "version": "2"}, form_url=F)
    assert undo.status_code == 302
    db.refresh(world.actor)
    assert not world.actor.is_partner
    home = client.get("/c/ma-coalition/").get_data(as_text=True)
    assert "<li>Acteur A</li>" not in home


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"is_partner": "maybe", "version": "1"}, 400, "Choisissez oui ou non."),
        ({"is_partner": "yes", "version": "4"}, 409, "modifiée par quelqu&#39;un d&#39;autre"),
        ({"is_partner": "yes"}, 409, "modifiée par quelqu&#39;un d&#39;autre"),
    ],
)
def test_bad_partner_changes_are_refused_and_change_nothing(
    client: FlaskClient, world: World, db: Session, data: dict[str, str], status: int, message: str
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(client, f"{F}/partners/{world.actor.id}", data, form_url=F)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert message in html
    db.refresh(world.actor)
    assert (world.actor.is_partner, world.actor.version) == (False, 1)
    assert db.scalars(select(AuditEvent).where(AuditEvent.entity == "actor")).all() == []


def test_actors_who_left_are_listed_only_while_partners(
    client: FlaskClient, world: World, db: Session
) -> None:
    f.actor(db, world.coalition, name="Parti sans suite", status=ActorStatus.left)
    f.actor(db, world.coalition, name="Parti partenaire", status=ActorStatus.left, is_partner=True)
    world.log_in(client, "facilitator")
    page = client.get(F).get_data(as_text=True)
    partners = page.split('id="partners"')[1]
    assert "Parti partenaire" in partners and "Parti sans suite" not in partners
