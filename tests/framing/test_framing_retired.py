"""A retired axis or lever: offered in no form, refused when posted anyway, still shown (marked)
where it is referred to, and out of the diagnostic."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Holding
from coalition.coalitions.models import Axis, Lever
from coalition.db import utcnow
from coalition.diagnostics.queries import graph_data
from coalition.resources.models import Resource
from coalition.roadmap.models import Action
from tests import factories as f
from tests.conftest import World, post_form

C = "/c/ma-coalition"


@dataclass
class Retired:
    lever: Lever
    axis: Axis
    axis_in_use: Axis


@pytest.fixture
def retired(db: Session, world: World) -> Retired:
    return Retired(
        lever=f.lever(db, world.coalition, name="Levier ancien", retired_at=utcnow()),
        axis=f.axis(db, world.coalition, name="Approche ancienne", retired_at=utcnow()),
        axis_in_use=f.axis(db, world.coalition, name="Approche vive"),
    )


def html_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def offered(html: str, name: str) -> list[str]:
    """The values a select or the checkboxes called `name` offer."""
    values = re.findall(rf'name="{name}"[^>]*value="(\d+)"', html)
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        values += re.findall(r'value="(\d+)"', select.group(1))
    return values


def count(db: Session, model: Any) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


# -- the levers an actor holds ------------------------------------------------------------


def test_a_retired_lever_is_not_offered_to_hold_and_is_refused(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    world.log_in(client, "member")
    manage = f"{C}/actors/{world.actor.id}/manage"
    choices = offered(html_of(client, manage), "add-lever")
    assert str(world.other_lever.id) in choices and str(retired.lever.id) not in choices
    holdings = count(db, Holding)
    url = f"{C}/actors/{world.actor.id}/holdings"
    response = post_form(
        client, url, {"add-lever": str(retired.lever.id), "add-capacity": "2"}, form_url=manage
    )
    assert response.status_code == 400
    assert "Ce levier est retiré du cadrage" in response.get_data(as_text=True)
    assert count(db, Holding) == holdings


def test_a_holding_of_a_retired_lever_stays_and_is_marked(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.lever.retired_at = utcnow()
    db.flush()
    world.log_in(client, "member")
    page = html_of(client, f"{C}/actors/{world.actor.id}")
    assert 'Levier 1 <span class="meta">(retiré)</span>' in page
    manage = html_of(client, f"{C}/actors/{world.actor.id}/manage")
    assert 'Levier 1 <span class="meta">(retiré)</span>' in manage
    assert str(world.lever.id) not in offered(manage, "add-lever")
    # its capacity may still be told, as history goes on
    h = world.holding.id
    response = post_form(
        client,
        f"{C}/actors/{world.actor.id}/holdings/{h}",
        {f"h{h}-capacity": "3", f"h{h}-version": "1"},
        form_url=f"{C}/actors/{world.actor.id}/manage",
    )
    assert response.status_code == 302


# -- actions ------------------------------------------------------------------------------


def action_data(**changes: Any) -> dict[str, Any]:
    return {"title": "Un guide", "horizon": "short", "status": "committed", **changes}


def test_the_action_form_offers_no_retired_lever_or_axis_and_refuses_them(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    world.log_in(client, "facilitator")
    form = html_of(client, f"{C}/actions/new")
    assert str(retired.lever.id) not in offered(form, "levers")
    assert str(world.lever.id) in offered(form, "levers")
    assert str(retired.axis.id) not in offered(form, "axis")
    assert str(retired.axis_in_use.id) in offered(form, "axis")
    actions = count(db, Action)
    for data, message in [
        (action_data(levers=[str(retired.lever.id)]), "Un levier choisi est retiré du cadrage"),
        (action_data(axis=str(retired.axis.id)), "Cette approche est retirée du cadrage"),
    ]:
        response = post_form(client, f"{C}/actions/new", data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert count(db, Action) == actions


def test_an_action_keeps_its_retired_lever_and_axis_when_edited(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    action = world.action
    action.levers = [retired.lever, world.lever]
    action.axis_id = retired.axis.id
    db.flush()
    world.log_in(client, "facilitator")
    page = html_of(client, f"{C}/actions/{action.id}")
    assert 'Approche ancienne <span class="meta">(retirée)</span>' in page
    assert 'Levier ancien <span class="meta">(retiré)</span>' in page
    url = f"{C}/actions/{action.id}/edit"
    form = html_of(client, url)
    assert re.search(
        rf'<input checked id="levers-\d" name="levers" [^>]*value="{retired.lever.id}"', form
    )
    assert "Levier ancien (retiré)" in form and "Approche ancienne (retirée)" in form
    assert str(world.other_lever.id) in offered(form, "levers")
    kept = {
        "title": "Titre revu",
        "horizon": "short",
        "status": action.status.value,
        "axis": str(retired.axis.id),
        "levers": [str(world.lever.id), str(retired.lever.id)],
        "version": str(action.version),
    }
    assert post_form(client, url, kept).status_code == 302
    db.refresh(action)
    assert action.title == "Titre revu" and action.axis_id == retired.axis.id
    assert {lever.id for lever in action.levers} == {world.lever.id, retired.lever.id}
    another = f.lever(db, world.coalition, name="Autre ancien", retired_at=utcnow())
    refused = post_form(
        client,
        url,
        {**kept, "levers": [str(another.id)], "version": str(action.version)},
    )
    assert refused.status_code == 400
    assert "Un levier choisi est retiré" in refused.get_data(as_text=True)
    db.refresh(action)
    assert another not in action.levers


def test_the_board_by_axis_keeps_a_retired_axis_while_actions_have_it(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    empty_retired = f.axis(db, world.coalition, name="Approche oubliée", retired_at=utcnow())
    world.action.axis_id = retired.axis.id
    db.flush()
    board = html_of(client, f"{C}/roadmap?view=axis")
    assert "Approche ancienne (retirée)" in board and "Approche vive" in board
    assert empty_retired.name not in board


# -- resources ----------------------------------------------------------------------------


def resource_data(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Charte",
        "url": "https://example.org/charte",
        "kind": "charter",
        "language": "fr",
        **fields,
    }


def test_the_resource_form_offers_no_retired_lever_or_axis_and_refuses_them(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    world.log_in(client, "member")
    form = html_of(client, f"{C}/resources/new")
    assert str(retired.lever.id) not in offered(form, "levers")
    assert str(world.lever.id) in offered(form, "levers")
    assert str(retired.axis.id) not in offered(form, "axis")
    assert str(retired.axis_in_use.id) in offered(form, "axis")
    for data, message in [
        (resource_data(levers=[str(retired.lever.id)]), "Un levier choisi est retiré du cadrage"),
        (resource_data(axis=str(retired.axis.id)), "Cette approche est retirée du cadrage"),
    ]:
        response = post_form(client, f"{C}/resources/new", data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert count(db, Resource) == 0
    accepted = post_form(client, f"{C}/resources/new", resource_data(levers=[str(world.lever.id)]))
    assert accepted.status_code == 302


def test_a_resource_page_marks_its_retired_lever_and_axis(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    world.log_in(client, "member")
    data = resource_data(levers=[str(world.lever.id)], axis=str(retired.axis_in_use.id))
    response = post_form(client, f"{C}/resources/new", data)
    assert response.status_code == 302
    world.lever.retired_at = retired.axis_in_use.retired_at = utcnow()
    db.flush()
    page = html_of(client, response.headers["Location"])
    assert "Levier 1 (retiré)" in page and "Approche vive (retirée)" in page


# -- the diagnostic and the home page -----------------------------------------------------


def test_the_diagnostic_leaves_retired_levers_out(
    client: FlaskClient, world: World, db: Session, retired: Retired
) -> None:
    f.holding(db, world.other_actor, retired.lever)  # held, yet retired
    unheld_retired = f.lever(db, world.coalition, name="Jamais tenu", retired_at=utcnow())
    data = graph_data(db, world.coalition, None)
    assert {lever.name for lever in data.levers} == {"Levier 1", "Levier 2"}
    assert {axis.name for axis in data.axes} == {"Approche vive"}
    coverage = html_of(client, f"{C}/levers")
    assert "Levier 2" in coverage  # nobody holds it: a gap
    assert retired.lever.name not in coverage and unheld_retired.name not in coverage
    network = html_of(client, f"{C}/graph")
    assert retired.lever.name not in network


def test_the_home_page_shows_current_axes_and_counts_current_levers(
    client: FlaskClient, world: World, retired: Retired
) -> None:
    home = html_of(client, f"{C}/")
    assert "Approche vive" in home and retired.axis.name not in home
    assert "Voir les 2 leviers" in home
