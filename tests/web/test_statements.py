"""The to-do page, and the menu count on every facilitator's page, cost the same statements
whatever the coalition holds."""

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from tests import factories as f
from tests.conftest import World
from tests.web import things as t


def populate(db: Session, size: int) -> str:
    coalition = f.coalition(db)
    upcoming = t.meeting(db, coalition, 3000)
    for n in range(size):
        t.proposed(db, coalition, f"Proposition {n}")
        t.resource(db, coalition, f"Ressource {n}")
        t.free_text(db, t.consultation(db, coalition, f"Consultation {n}"), "Un avis")
        t.held_without_minutes(db, coalition, -n - 1)
        t.invitation(db, coalition, f"p{n}@example.org", expires_in_days=-3000)
        t.agenda_item(db, upcoming)
        t.entry(db, upcoming)
    return coalition.slug


def statements(client: FlaskClient, count_queries: Any, url: str) -> int:
    client.get(url)  # the session's first read
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return int(counter.count)


def test_the_todo_page_issues_the_same_statements_at_1_and_30_of_each(
    client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    world.log_in(client, "admin")
    small, large = populate(db, 1), populate(db, 30)

    assert statements(client, count_queries, f"/c/{small}/todo") == statements(
        client, count_queries, f"/c/{large}/todo"
    )


def test_the_menu_count_costs_one_statement(
    client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    slug = populate(db, 5)
    home = f"/c/{slug}/"
    runs, reads = client.application.test_client(), client.application.test_client()
    f.log_in(runs, world.users["admin"])
    f.log_in(reads, world.users["other_facilitator"])  # signed in, runs another coalition

    assert statements(runs, count_queries, home) == statements(reads, count_queries, home) + 1


def test_the_list_of_coalitions_issues_the_same_statements_for_1_and_5(
    client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    few, many = f.user(db), f.user(db)
    for person, size in ((few, 1), (many, 5)):
        for _ in range(size):
            coalition = f.coalition(db)
            t.one_of_each(db, coalition)
            f.membership(db, person, coalition, MembershipRole.facilitator)
    first, second = client.application.test_client(), client.application.test_client()
    f.log_in(first, few)
    f.log_in(second, many)

    assert statements(first, count_queries, "/todo") == statements(second, count_queries, "/todo")
