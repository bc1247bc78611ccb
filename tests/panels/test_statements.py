"""The panels' pages cost the same statements whatever the size of the pool and the number of
panels and runs."""

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.panels.models import PanelRun, RunKind, RunState
from tests import factories as f
from tests.conftest import World
from tests.panels.conftest import make_panel
from tests.web.test_statements import statements


def populate(db: Session, size: int) -> tuple[str, int]:
    """`size` panels of 12 × `size` volunteers, each with `size` runs done."""
    coalition = f.coalition(db)
    panel = None
    for _ in range(size):
        panel = make_panel(db, coalition.id, people=12 * size)
        for k in range(size):
            db.add(
                PanelRun(
                    panel_id=panel.id,
                    kind=RunKind.replacement,
                    state=RunState.done,
                    seed=k,
                    algorithm="legacy",
                )
            )
    db.flush()
    assert panel is not None
    return coalition.slug, panel.id


def test_the_panel_pages_cost_the_same_at_1_and_5(
    client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    (small, one), (large, other) = populate(db, 1), populate(db, 5)
    pages = ["/panels", "/panels/{id}", "/panels/{id}/record.csv", "/panels/{id}/quotas.csv"]
    for page in pages:
        few = statements(client, count_queries, f"/c/{small}" + page.format(id=one))
        many = statements(client, count_queries, f"/c/{large}" + page.format(id=other))
        assert few == many, page
    world.log_in(client, "admin")
    for page in ["/panels/{id}/manage", "/panels/{id}/pool.csv", "/panels/{id}/people.csv"]:
        few = statements(client, count_queries, f"/c/{small}" + page.format(id=one))
        many = statements(client, count_queries, f"/c/{large}" + page.format(id=other))
        assert few == many, page
