"""The to-do page, where login lands, and the menu's count."""

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World, post_form
from tests.web import things as t

TODO = "/c/ma-coalition/todo"


def main(html: str) -> str:
    return html.split('<main id="contenu"', 1)[1].split("</main>", 1)[0]


def nav(html: str) -> str:
    return html.split('class="coalition-nav"', 1)[1].split("</nav>", 1)[0]


def decided(db: Session, world: World) -> None:
    """The World's two actions were proposed: decide them, so that the coalition starts empty."""
    world.action.status = world.other_action.status = ActionStatus.committed
    db.flush()


def test_everything_empty_says_there_is_nothing_to_do(
    client: FlaskClient, world: World, db: Session
) -> None:
    decided(db, world)
    world.log_in(client, "facilitator")

    html = client.get(TODO).get_data(as_text=True)

    assert "<h1>À faire</h1>" in html
    assert "Rien à faire" in main(html)
    assert "<h2" not in main(html)  # no empty section
    assert ">À faire (0)</a>" in nav(html)


def test_each_thing_links_to_where_it_is_done(
    client: FlaskClient, world: World, db: Session
) -> None:
    decided(db, world)
    c = world.coalition
    action = t.proposed(db, c, "Un atelier de médiation")
    resource = t.resource(db, c, "Guide à relire")
    consultation = t.consultation(db, c, "Votre avis sur l'IA")
    t.free_text(db, consultation, "Un avis")
    t.free_text(db, consultation, "Un autre")
    held = t.held_without_minutes(db, c, -400)  # long before today
    upcoming = t.meeting(db, c, 3000, title="Rencontre de rentrée")
    t.agenda_item(db, upcoming)
    t.invitation(db, c, "oubli@example.org", expires_in_days=-3000)
    world.log_in(client, "facilitator")

    page = main(client.get(TODO).get_data(as_text=True))

    assert "Rien à faire" not in page
    assert "7 choses attendent." in page  # two free-text answers
    assert f'href="/c/ma-coalition/actions/{action.id}#decide">Un atelier de médiation</a>' in page
    assert f'href="/c/ma-coalition/resources/{resource.id}#moderate">Guide à relire</a>' in page
    assert 'href="/c/ma-coalition/resources/pending"' in page
    texts = f"/c/ma-coalition/consultations/{consultation.id}/texts"
    assert f'href="{texts}">Votre avis sur l&#39;IA</a>' in page
    assert "2 réponses à relire" in page
    assert f'href="/c/ma-coalition/meetings/{held.id}#minutes"' in page
    prepare = f"/c/ma-coalition/meetings/{upcoming.id}/prepare"
    assert f'href="{prepare}">Préparer la rencontre n°{upcoming.number}</a>' in page
    assert "Rencontre de rentrée" in page and "Ordre du jour : 1 point" in page
    assert "Diagnostic pas encore publié" in page
    assert "oubli@example.org" in page and 'href="/c/ma-coalition/people#invitations"' in page
    for link in (texts, prepare, "/c/ma-coalition/resources/pending", "/c/ma-coalition/people"):
        assert client.get(link).status_code == 200, link


def test_a_long_list_says_how_many_more(client: FlaskClient, world: World, db: Session) -> None:
    for n in range(6):
        t.proposed(db, world.coalition, f"Proposition {n}")
    world.log_in(client, "facilitator")

    page = main(client.get(TODO).get_data(as_text=True))

    assert page.count("#decide") == 5
    assert "Et 3 autres." in page  # 8 proposals with the World's two


def test_the_menu_counts_what_waits_for_facilitators_only(
    client: FlaskClient, world: World, db: Session
) -> None:
    t.resource(db, world.coalition, "Guide")  # with the World's 2 proposed actions: 3
    home = "/c/ma-coalition/"
    assert "À faire" not in nav(client.get(home).get_data(as_text=True))
    world.log_in(client, "member")
    assert "À faire" not in nav(client.get(home).get_data(as_text=True))

    for role in ("facilitator", "admin"):
        fresh = client.application.test_client()
        world.log_in(fresh, role)
        menu = nav(fresh.get(home).get_data(as_text=True))
        assert f'<a href="{TODO}">À faire (3)</a>' in menu, role


def test_the_menu_leads_to_workshops_and_objectives(client: FlaskClient, world: World) -> None:
    menu = nav(client.get("/c/ma-coalition/").get_data(as_text=True))
    assert '<a href="/c/ma-coalition/workshops">Ateliers</a>' in menu
    assert '<a href="/c/ma-coalition/objectives">Objectifs</a>' in menu

    objectives = nav(client.get("/c/ma-coalition/objectives").get_data(as_text=True))
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', objectives)
    assert current == ["/c/ma-coalition/objectives"]  # not the roadmap as well
    workshops = nav(client.get("/c/ma-coalition/workshops").get_data(as_text=True))
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', workshops) == [
        "/c/ma-coalition/workshops"
    ]


def log_in(client: FlaskClient, user: Any, next_: str | None = None) -> str:
    data = {"email": user.email, "password": f.PASSWORD}
    if next_ is not None:
        data["next"] = next_
    response = post_form(client, "/login", data)
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_a_facilitator_of_one_coalition_lands_on_its_todo_page(
    client: FlaskClient, world: World
) -> None:
    assert log_in(client, world.users["facilitator"]) == TODO


def test_a_facilitator_of_several_coalitions_lands_on_their_list(
    client: FlaskClient, world: World, db: Session
) -> None:
    person = world.users["other_facilitator"]
    f.membership(db, person, world.coalition, MembershipRole.facilitator)

    assert log_in(client, person) == "/todo"
    page = main(client.get("/todo").get_data(as_text=True))
    assert '<a href="/c/ma-coalition/todo">Ma coalition</a>' in page
    assert "2 choses attendent." in page  # the World's two proposals
    assert '<a href="/c/autre-coalition/todo">Autre coalition</a>' in page
    assert "Rien à faire." in page


def test_everyone_else_lands_where_they_landed(client: FlaskClient, world: World) -> None:
    for role in ("member", "admin"):
        fresh = client.application.test_client()
        assert log_in(fresh, world.users[role]) == "/", role


def test_a_safe_next_keeps_priority(client: FlaskClient, world: World) -> None:
    facilitator = world.users["facilitator"]
    assert log_in(client, facilitator, "/c/ma-coalition/roadmap") == "/c/ma-coalition/roadmap"
    fresh = client.application.test_client()
    assert log_in(fresh, facilitator, "https://elsewhere.example/") == TODO


def test_the_list_for_someone_who_runs_nothing(client: FlaskClient, world: World) -> None:
    world.log_in(client, "member")
    page = main(client.get("/todo").get_data(as_text=True))
    assert "Vous n'animez aucune coalition." in page
