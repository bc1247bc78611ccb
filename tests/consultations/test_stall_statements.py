"""The stalls network's pages (the stalls page, the kit, the public network, the sign-ups list)
cost the same statements whatever the number of stalls, answers and sign-ups."""

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.consultations.models import Source, Stall, Submission
from coalition.signups.service import sign_up
from tests.conftest import World
from tests.consultations.conftest import make_consultation
from tests.web.test_statements import statements

PAGES = ("/stalls", "/kit", "/stands")


def populate(db: Session, coalition: Coalition, size: int) -> int:
    consultation = make_consultation(db, coalition)
    for n in range(size):
        stall = Stall(
            consultation_id=consultation.id,
            place=f"Marché {n}",
            territory=f"Territoire {n % 3}",
            held_on=date(2026, 7, 1 + n),
            holder_name=f"Personne {n}",
            holder_email=f"p{n}@example.org",
        )
        db.add(stall)
        db.flush()
        for k, source in enumerate((Source.stall, Source.online, Source.paper)):
            db.add(
                Submission(
                    consultation_id=consultation.id,
                    source=source,
                    stall_id=stall.id,
                    form_token=f"{coalition.slug}-{n}-{k}",
                )
            )
        sign_up(
            db,
            coalition,
            first_name=f"Prénom {n}",
            email=f"inscrit{n}@example.org",
            phone=None,
            consent=True,
            language="fr",
            today=date(2026, 7, 1),
        )
    db.flush()
    return consultation.id


def test_the_stalls_pages_cost_the_same_at_1_and_8_stalls(
    app: Flask, client: FlaskClient, db: Session, world: World, count_queries: Any
) -> None:
    small, large = world.coalition, world.other_coalition
    with app.test_request_context():  # the consent sentence is translated
        one, many = populate(db, small, 1), populate(db, large, 8)
    world.log_in(client, "admin")
    for page in PAGES:
        few = statements(client, count_queries, f"/c/{small.slug}/consultations/{one}{page}")
        more = statements(client, count_queries, f"/c/{large.slug}/consultations/{many}{page}")
        assert few == more, page
    few = statements(client, count_queries, f"/c/{small.slug}/signups")
    assert few == statements(client, count_queries, f"/c/{large.slug}/signups")
