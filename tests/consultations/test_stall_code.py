"""A stall's public code (/s/<code>, on its posters): a passer-by answers on their own phone and
the answer counts for that stall; an unknown code, the code of another consultation's stall and a
closed consultation each get a clear page and record nothing."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Channel,
    Consultation,
    ConsultationStatus,
    Source,
    Stall,
    Submission,
)
from tests.conftest import ROLES, World, check_access, post_form
from tests.consultations.conftest import Questions, answer_form, counts, make_consultation
from tests.consultations.test_stall_link import make_stall, page

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", "/s/{code}", None, [303] * 6),
    ("GET", "/s/{draft}", None, [404, 404, 404, 303, 404, 303]),
    ("GET", "/s/unknown", None, [404] * 6),
]
RULES = {"/s/<code>"}


def form_of(client: FlaskClient, stall: Stall) -> str:
    response = client.get(f"/s/{stall.code}")
    assert response.status_code == 303
    return str(response.headers["Location"])


def answer_there(client: FlaskClient, url: str, consultation: Consultation) -> Any:
    q = Questions.of(consultation)
    data = {**answer_form(client, url), f"q{q.concerned.id}": q.concerned.choices[0].id}
    return client.post(url, data=data)


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_stall_code_access_per_role(
    client: FlaskClient,
    db: Session,
    world: World,
    consultation: Consultation,
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    draft = make_consultation(db, world.coalition, status=ConsultationStatus.draft)
    places = {
        "code": make_stall(db, consultation).code,
        "draft": make_stall(db, draft).code,
    }
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=places)


def test_an_answer_through_the_code_counts_for_the_stall(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    stall = make_stall(db, consultation)
    url = form_of(client, stall)
    assert url.endswith(f"/consultations/{consultation.id}?stand={stall.code}")
    shown = page(client.get(url))
    assert "Vous répondez pour le stand Marché de Dié" in shown
    assert answer_there(client, url, consultation).status_code == 303
    assert db.execute(select(Submission.stall_id, Submission.source)).all() == [
        (stall.id, Source.online)
    ]


def test_a_stall_only_consultation_takes_answers_through_its_stalls_codes(
    client: FlaskClient, db: Session, world: World
) -> None:
    consultation = make_consultation(db, world.coalition, channel=Channel.stall)
    stall = make_stall(db, consultation)
    plain = f"/c/ma-coalition/consultations/{consultation.id}"
    assert "Envoyer mes réponses" not in page(client.get(plain))  # not online by itself
    assert answer_there(client, form_of(client, stall), consultation).status_code == 303
    assert counts(db)[0] == 1


def test_codes_are_distinct_unknown_ones_are_not_found(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    codes = {make_stall(db, consultation, f"Marché {n}").code for n in range(30)}
    assert len(codes) == 30 and all(len(code) == 8 and code.isalnum() for code in codes)
    for code in ("nope", "x" * 17, "a-b", "%C3%A9t%C3%A9"):
        assert client.get(f"/s/{code}").status_code == 404


def test_another_consultations_stall_records_nothing(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    other = make_stall(db, make_consultation(db, world.coalition))
    url = f"/c/ma-coalition/consultations/{consultation.id}?stand={other.code}"
    assert client.get(url).status_code == 404
    assert post_form(client, url, {}).status_code == 404
    assert counts(db) == (0, 0)


def test_a_closed_consultations_code_says_it_is_closed(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    stall = make_stall(db, consultation)
    url = form_of(client, stall)
    form = answer_form(client, url)
    consultation.status = ConsultationStatus.closed
    db.flush()
    shown = client.get(url)
    assert shown.status_code == 200
    assert "Cette consultation est close" in page(shown)
    assert "Envoyer mes réponses" not in page(shown)
    q = Questions.of(consultation)
    sent = client.post(url, data={**form, f"q{q.concerned.id}": q.concerned.choices[0].id})
    assert sent.status_code == 400
    assert counts(db) == (0, 0)
