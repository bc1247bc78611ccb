"""A facilitator frames the coalition from the browser: its presentation, axes and levers."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.coalitions.models import Axis, Coalition, Lever, Phase
from coalition.core.audit import AuditEvent
from coalition.db import utcnow
from tests import factories as f
from tests.conftest import World, csrf_token, post_form

F = "/c/ma-coalition/framing"


def html_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def audit_count(db: Session, entity: str) -> int:
    return db.scalar(select(func.count()).where(AuditEvent.entity == entity)) or 0


def framing(**fields: str) -> dict[str, str]:
    return {
        "name": "Coalition IA Drôme",
        "tagline": "Une IA choisie, pas subie",
        "context": "Des **acteurs** du territoire.<script>alert(1)</script>",
        "phase": "diagnostic",
        "version": "1",
        **fields,
    }


# -- the presentation ---------------------------------------------------------------------


def test_facilitator_frames_the_coalition(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    page = html_of(client, F)
    assert 'value="Ma coalition"' in page and "Cadrage de la coalition" in page
    response = post_form(client, F, framing())
    assert response.status_code == 302 and response.headers["Location"].endswith("#presentation")
    db.refresh(world.coalition)
    coalition = world.coalition
    assert (coalition.name, coalition.tagline, coalition.phase) == (
        "Coalition IA Drôme",
        "Une IA choisie, pas subie",
        Phase.diagnostic,
    )
    assert coalition.version == 2
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "coalition")).one()
    assert event.action == "update" and event.user_id == world.users["facilitator"].id
    assert event.before is not None and event.after is not None
    assert (event.before["name"], event.after["name"]) == ("Ma coalition", "Coalition IA Drôme")
    assert (event.before["phase"], event.after["phase"]) == ("framing", "diagnostic")
    home = html_of(client, "/c/ma-coalition/")
    assert "Une IA choisie, pas subie" in home and "Phase : Diagnostic" in home
    assert "<strong>acteurs</strong>" in home and "<script>" not in home


def test_saving_the_same_values_writes_no_audit_row(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    same = framing(name="Ma coalition", tagline="", context="", phase="framing")
    assert post_form(client, F, same).status_code == 302
    assert audit_count(db, "coalition") == 0


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": "  "}, 400, "Le nom est obligatoire."),
        ({"name": "N" * 201}, 400, "200 caractères au plus"),
        ({"tagline": "T" * 301}, 400, "300 caractères au plus"),
        ({"phase": "harvest"}, 400, "Choisissez une phase de la liste."),
        ({"phase": ""}, 400, "Choisissez une phase de la liste."),
        ({"version": ""}, 409, "modifiée par quelqu&#39;un d&#39;autre"),
        ({"version": "7"}, 409, "modifiée par quelqu&#39;un d&#39;autre"),
    ],
)
def test_bad_presentations_are_refused_and_change_nothing(
    client: FlaskClient,
    world: World,
    db: Session,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(client, F, framing(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert message in html
    assert 'role="alert"' in html
    db.refresh(world.coalition)
    assert (world.coalition.name, world.coalition.version) == ("Ma coalition", 1)
    assert audit_count(db, "coalition") == 0


def test_a_stale_presentation_shows_the_current_values(
    app: Any, client: FlaskClient, world: World, db: Session
) -> None:
    """The second to save, from a page that showed version 1, gets 409, sees what is there
    now and who changed it, and keeps their input to send again."""
    colleague = f.user(db, name="Camille Coanimatrice")
    from coalition.auth.models import MembershipRole

    f.membership(db, colleague, world.coalition, MembershipRole.facilitator)
    other = app.test_client()
    world.log_in(client, "facilitator")
    f.log_in(other, colleague)
    token = csrf_token(client, F)
    first = post_form(other, F, framing(tagline="Celle de Camille"))
    assert first.status_code == 302
    second = client.post(F, data={**framing(tagline="La mienne"), "csrf_token": token})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Voici la version actuelle" in html and "Celle de Camille" in html
    assert "Camille Coanimatrice" in html
    assert 'value="La mienne"' in html and 'name="version" type="hidden" value="2"' in html
    db.refresh(world.coalition)
    assert world.coalition.tagline == "Celle de Camille"
    again = client.post(F, data={**framing(tagline="La mienne", version="2"), "csrf_token": token})
    assert again.status_code == 302
    db.refresh(world.coalition)
    assert world.coalition.tagline == "La mienne"


# -- axes and levers ----------------------------------------------------------------------


def names(db: Session, model: type[Axis] | type[Lever], coalition: Coalition) -> list[str]:
    rows = db.scalars(
        select(model.name)
        .where(model.coalition_id == coalition.id, model.retired_at.is_(None))
        .order_by(model.position, model.name)
    )
    return list(rows)


def test_add_axes_and_levers_at_the_end(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    for kind, name in [("axes", "Sobriété"), ("axes", "Souveraineté"), ("levers", "Achat")]:
        data = {f"new-{kind}-name": f"  {name} ", f"new-{kind}-description": "Pourquoi"}
        response = post_form(client, f"{F}/{kind}", data, form_url=F)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"#{kind}")
    assert names(db, Axis, world.coalition) == ["Sobriété", "Souveraineté"]
    assert names(db, Lever, world.coalition)[-1] == "Achat"
    created = db.scalars(select(AuditEvent).where(AuditEvent.action == "create")).all()
    assert {(e.entity, e.after["name"]) for e in created if e.after} == {
        ("axis", "Sobriété"),
        ("axis", "Souveraineté"),
        ("lever", "Achat"),
    }
    page = html_of(client, F)
    assert "Sobriété" in page and "Rien ne s'y rapporte : elle peut être supprimée." in page


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("", 400, "Le nom est obligatoire."),
        ("L" * 201, 400, "200 caractères au plus"),
        ("Levier 1", 409, "Un levier porte déjà ce nom dans la coalition."),
        ("  levier 1 ", 409, "Un levier porte déjà ce nom dans la coalition."),
        ("Ancien levier", 409, "Un levier retiré porte déjà ce nom : restaurez-le"),
    ],
)
def test_bad_levers_are_refused_and_change_nothing(
    client: FlaskClient, world: World, db: Session, name: str, status: int, message: str
) -> None:
    f.lever(db, world.coalition, name="Ancien levier", retired_at=utcnow())
    world.log_in(client, "facilitator")
    before = db.scalar(select(func.count()).select_from(Lever))
    response = post_form(client, f"{F}/levers", {"new-levers-name": name}, form_url=F)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert message in html
    assert db.scalar(select(func.count()).select_from(Lever)) == before
    assert audit_count(db, "lever") == 0


def test_a_duplicate_axis_name_is_refused(client: FlaskClient, world: World, db: Session) -> None:
    f.axis(db, world.coalition, name="Sobriété")
    world.log_in(client, "facilitator")
    response = post_form(client, f"{F}/axes", {"new-axes-name": "SOBRIÉTÉ"}, form_url=F)
    assert response.status_code == 409
    assert "Une approche porte déjà ce nom" in response.get_data(as_text=True)
    assert names(db, Axis, world.coalition) == ["Sobriété"]


def test_edit_a_lever(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    url = f"{F}/levers/{world.lever.id}"
    page = html_of(client, url)
    assert 'value="Levier 1"' in page and "S'y rapportent : 1 acteur." in page
    response = post_form(client, url, {"name": "Commande publique", "version": "1"})
    assert response.status_code == 302
    db.refresh(world.lever)
    assert (world.lever.name, world.lever.version) == ("Commande publique", 2)
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "lever")).one()
    assert event.before and event.after
    assert (event.action, event.before["name"], event.after["name"]) == (
        "update",
        "Levier 1",
        "Commande publique",
    )


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": ""}, 400, "Le nom est obligatoire."),
        ({"name": "x" * 201}, 400, "200 caractères au plus"),
        ({"name": "Levier 2"}, 409, "Un levier porte déjà ce nom"),
        ({"version": "0"}, 409, "Voici la version actuelle"),
        ({"version": ""}, 409, "Voici la version actuelle"),
    ],
)
def test_bad_lever_edits_are_refused_and_change_nothing(
    client: FlaskClient,
    world: World,
    db: Session,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    world.log_in(client, "facilitator")
    url = f"{F}/levers/{world.lever.id}"
    response = post_form(client, url, {"name": "Nouveau nom", "version": "1", **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert message in html
    db.refresh(world.lever)
    assert (world.lever.name, world.lever.version) == ("Levier 1", 1)
    assert audit_count(db, "lever") == 0


def test_reorder_levers(client: FlaskClient, world: World, db: Session) -> None:
    third = f.lever(db, world.coalition, name="Levier 3", position=5)
    world.log_in(client, "facilitator")
    assert names(db, Lever, world.coalition) == ["Levier 1", "Levier 2", "Levier 3"]
    move = f"{F}/levers/{third.id}/move"
    assert post_form(client, move, {"direction": "up"}, form_url=F).status_code == 302
    assert names(db, Lever, world.coalition) == ["Levier 1", "Levier 3", "Levier 2"]
    assert post_form(client, move, {"direction": "up"}, form_url=F).status_code == 302
    assert names(db, Lever, world.coalition) == ["Levier 3", "Levier 1", "Levier 2"]
    # the first one up stays where it is; a bad direction is refused
    assert post_form(client, move, {"direction": "up"}, form_url=F).status_code == 302
    bad = post_form(client, move, {"direction": "sideways"}, form_url=F)
    assert bad.status_code == 400 and "monter ou de descendre" in bad.get_data(as_text=True)
    assert names(db, Lever, world.coalition) == ["Levier 3", "Levier 1", "Levier 2"]
    moves = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "move").order_by(AuditEvent.id)
    ).all()
    assert len(moves) == 2 and moves[-1].after == {
        "order": [third.id, world.lever.id, world.other_lever.id]
    }
    # moving changes no record's version: someone's open edit page is not made stale
    for lever in (third, world.lever, world.other_lever):
        db.refresh(lever)
        assert lever.version == 1
    page = html_of(client, F)
    assert page.index("Levier 3") < page.index("Levier 1") < page.index("Levier 2")


def test_a_lever_in_use_is_retired_and_one_unused_is_deleted(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    page = html_of(client, F)
    used_tools = page.split(f"levers/{world.lever.id}/move")[0].rsplit("<li>", 1)[1]
    assert "S'y rapportent : 1 acteur." in used_tools
    assert f"levers/{world.lever.id}/retire" in page
    assert f"levers/{world.lever.id}/delete" not in page
    assert f"levers/{world.other_lever.id}/delete" in page
    # deleting a lever in use is refused: retire it instead
    refused = post_form(client, f"{F}/levers/{world.lever.id}/delete", {"version": "1"}, form_url=F)
    assert refused.status_code == 409
    assert "ne peut pas être supprimé. Retirez-le" in refused.get_data(as_text=True)
    assert db.get(Lever, world.lever.id) is not None
    retired = post_form(client, f"{F}/levers/{world.lever.id}/retire", {"version": "1"}, form_url=F)
    assert retired.status_code == 302
    db.refresh(world.lever)
    assert world.lever.retired_at is not None
    assert db.get(type(world.holding), world.holding.id) is not None  # its history stays
    lever_id, unused_id = world.lever.id, world.other_lever.id
    deleted = post_form(client, f"{F}/levers/{unused_id}/delete", {"version": "1"}, form_url=F)
    assert deleted.status_code == 302
    db.expire_all()
    assert db.get(Lever, unused_id) is None
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "lever").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.entity_id) for e in events] == [
        ("retire", lever_id),
        ("delete", unused_id),
    ]
    assert events[1].before and events[1].before["name"] == "Levier 2" and events[1].after is None
    page = html_of(client, F)
    assert "Leviers retirés" in page and f"levers/{lever_id}/restore" in page


def test_an_axis_used_by_an_action_is_retired_not_deleted(
    client: FlaskClient, world: World, db: Session
) -> None:
    axis = f.axis(db, world.coalition, name="Sobriété")
    world.action.axis_id = axis.id
    db.flush()
    world.log_in(client, "facilitator")
    refused = post_form(client, f"{F}/axes/{axis.id}/delete", {"version": "1"}, form_url=F)
    assert refused.status_code == 409
    assert "Cette approche est utilisée (1 action)" in refused.get_data(as_text=True)
    assert (
        post_form(client, f"{F}/axes/{axis.id}/retire", {"version": "1"}, form_url=F).status_code
        == 302
    )
    db.refresh(axis)
    assert axis.retired_at is not None
    db.refresh(world.action)
    assert world.action.axis_id == axis.id


def test_retire_restore_and_their_refusals(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    base = f"{F}/levers/{world.lever.id}"
    stale = post_form(client, base + "/retire", {"version": "3"}, form_url=F)
    assert stale.status_code == 409 and "modifiée par quelqu" in stale.get_data(as_text=True)
    db.refresh(world.lever)
    assert world.lever.retired_at is None
    not_retired = post_form(client, base + "/restore", {"version": "1"}, form_url=F)
    assert not_retired.status_code == 409
    assert "Ce levier n&#39;est pas retiré." in not_retired.get_data(as_text=True)
    assert post_form(client, base + "/retire", {"version": "1"}, form_url=F).status_code == 302
    again = post_form(client, base + "/retire", {"version": "2"}, form_url=F)
    assert again.status_code == 409 and "déjà retiré" in again.get_data(as_text=True)
    moved = post_form(client, base + "/move", {"direction": "down"}, form_url=F)
    assert moved.status_code == 400 and "restaurez-le" in moved.get_data(as_text=True)
    assert names(db, Lever, world.coalition) == ["Levier 2"]
    restored = post_form(client, base + "/restore", {"version": "2"}, form_url=F)
    assert restored.status_code == 302
    db.refresh(world.lever)
    assert world.lever.retired_at is None
    assert names(db, Lever, world.coalition) == ["Levier 2", "Levier 1"]  # back at the end
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "lever").order_by(AuditEvent.id)
    ).all()
    assert actions == ["retire", "restore"]


def test_framing_page_issues_the_same_statements_at_10_and_300_actors(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    def make(size: int) -> str:
        coalition = f.coalition(db)
        levers = [f.lever(db, coalition) for _ in range(5)]
        axes = [f.axis(db, coalition) for _ in range(3)]
        for i in range(size):
            actor = f.actor(db, coalition, is_partner=i % 7 == 0)
            f.holding(db, actor, levers[i % 5])
            action = f.action(db, coalition, axis_id=axes[i % 3].id)
            action.levers = [levers[i % 5]]
        db.flush()
        return f"/c/{coalition.slug}/framing"

    admin = f.user(db, is_admin=True)
    small, large = make(10), make(300)
    f.log_in(client, admin)

    def count(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return int(counter.count)

    count(small)  # warm up what a first request loads once
    assert count(small) == count(large)
