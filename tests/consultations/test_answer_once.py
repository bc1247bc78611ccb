"""A sent form is counted once: sending it again (the back button after "Merci", a double
click, two sends at the same instant) thanks the person again and counts nothing twice, while
every new form rendered, on the public page or on a stall's tablet, counts."""

import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition import create_app
from coalition.coalitions.models import Coalition
from coalition.consultations import answer_form, routes
from coalition.consultations import service_answering as answering
from coalition.consultations.models import Consultation, Stall, Submission, Tally
from coalition.consultations.service_stall import new_link
from coalition.consultations.service_tallies import EVERYONE, RESPONDENTS
from coalition.db import Database, utcnow
from tests.conftest import World
from tests.consultations.conftest import Questions, counts, make_consultation, valid_answers
from tests.consultations.conftest import answer_form as hidden_fields

C = "/c/ma-coalition/consultations"
ALREADY = "vos réponses étaient déjà comptées"


def respondents(db: Session, consultation: Consultation) -> int:
    """The running count of people who answered the first question."""
    question = consultation.questions[0]
    count = db.scalar(
        select(func.sum(Tally.count)).where(
            Tally.question_id == question.id,
            Tally.answer_key == RESPONDENTS,
            Tally.group_key == EVERYONE,
        )
    )
    return count or 0


def filled_form(client: FlaskClient, url: str, consultation: Consultation) -> dict[str, Any]:
    """A freshly rendered form, answered."""
    return {**hidden_fields(client, url), **valid_answers(Questions.of(consultation))}


def page_text(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


def test_the_same_form_sent_again_is_thanked_and_counted_once(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    url = f"{C}/{consultation.id}"
    data = filled_form(client, url, consultation)
    first = client.post(url, data=data)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"{url}/thanks")
    assert ALREADY not in page_text(client.get(first.headers["Location"]))
    again = client.post(url, data=data)  # back after "Merci", then "Envoyer" again
    assert again.status_code == 303
    thanks = page_text(client.get(again.headers["Location"]))
    assert "Merci pour vos réponses" in thanks and ALREADY in thanks
    assert counts(db) == (1, 6)
    assert respondents(db, consultation) == 1


def test_two_forms_rendered_one_after_the_other_both_count(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    url = f"{C}/{consultation.id}"
    first, second = filled_form(client, url, consultation), filled_form(client, url, consultation)
    assert first["form_token"] != second["form_token"]
    for data in (second, first):  # in either order
        response = client.post(url, data=data)
        assert response.status_code == 303
        assert ALREADY not in page_text(client.get(response.headers["Location"]))
    assert counts(db) == (2, 12)
    assert respondents(db, consultation) == 2


def test_the_stored_id_is_random_and_not_the_client_nor_the_time(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    url = f"{C}/{consultation.id}"
    client.post(url, data=filled_form(client, url, consultation))
    [token] = db.scalars(select(Submission.form_token)).all()
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert "127.0.0.1" not in token


@pytest.mark.parametrize("entry", ["kiosk", "paper"])
def test_a_stall_counts_each_passer_by_and_a_form_sent_twice_once(
    client: FlaskClient,
    db: Session,
    world: World,
    consultation: Consultation,
    stall: Stall,
    entry: str,
) -> None:
    if entry == "kiosk":  # the stall's own link, no account logged in
        url = f"/stall/{new_link(stall, utcnow())}"
        db.flush()
    else:
        world.log_in(client, "facilitator")
        url = f"{C}/{consultation.id}/stalls/{stall.id}/paper"
    sent = []
    for n in range(1, 4):  # three passers-by in a row on the same tablet
        data = filled_form(client, url, consultation)
        response = client.post(url, data=data)
        assert response.status_code == 303 and response.headers["Location"].endswith(url)
        assert f"n° {n} enregistrée" in page_text(client.get(url))
        sent.append(data)
    response = client.post(url, data=sent[-1])  # the last one taps "Envoyer" twice
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = page_text(client.get(url))
    assert "déjà été envoyé" in page and "n° 4" not in page
    assert counts(db) == (3, 18)
    assert respondents(db, consultation) == 3


def test_a_send_that_loses_the_race_is_thanked_and_keeps_the_first_answer(
    client: FlaskClient, db: Session, consultation: Consultation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sends of one form at the same instant both pass the lookup; the unique token makes
    the second one fail on insert (IntegrityError), and that one is thanked as counted."""
    url = f"{C}/{consultation.id}"
    data = filled_form(client, url, consultation)
    assert client.post(url, data=data).status_code == 303
    monkeypatch.setattr(answering, "is_counted", lambda session, token: False)
    again = client.post(url, data=data)
    assert again.status_code == 303 and again.headers["Location"].endswith("?already=1")
    assert counts(db) == (1, 6)
    assert respondents(db, consultation) == 1


def test_another_conflict_stores_nothing_and_says_so(
    client: FlaskClient, db: Session, consultation: Consultation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def conflict(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("INSERT", {}, Exception("unique"))

    url = f"{C}/{consultation.id}"
    data = filled_form(client, url, consultation)
    monkeypatch.setattr(answer_form, "record_submission", conflict)
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "n'a pas pu être enregistrée" in page_text(response)
    assert counts(db) == (0, 0)


@pytest.fixture
def committed_consultation(database: Database) -> Iterator[tuple[str, int]]:
    """A coalition and its consultation committed for real, deleted afterwards."""
    slug = f"course-{uuid.uuid4().hex[:8]}"
    with database.transaction() as session:
        coalition = Coalition(slug=slug, name="Course")
        session.add(coalition)
        session.flush()
        consultation_id = make_consultation(session, coalition).id
    yield slug, consultation_id
    with database.transaction() as session:
        session.execute(delete(Consultation).where(Consultation.id == consultation_id))
        session.execute(delete(Coalition).where(Coalition.slug == slug))


def test_two_sends_of_one_form_at_the_same_instant_count_once(
    database_url: str,
    database: Database,
    committed_consultation: tuple[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two threads, each with its own connection, send the same form at once: both people see
    "Merci", one submission is stored."""
    slug, consultation_id = committed_consultation
    monkeypatch.setattr(routes, "too_many_answers", lambda: False)  # no throttle rows left
    # both pass the lookup, as two sends do when neither has committed yet
    monkeypatch.setattr(answering, "is_counted", lambda session, token: False)
    racers = Database(database_url)
    app = create_app({"DATABASE": racers, "DATABASE_URL": database_url})
    url = f"/c/{slug}/consultations/{consultation_id}"
    first, second = app.test_client(), app.test_client()
    with database.transaction() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        answers = valid_answers(Questions.of(consultation))
    data = {**hidden_fields(first, url), **answers}
    cookie = first.get_cookie("session")
    assert cookie is not None
    second.set_cookie("session", cookie.value)  # the same browser, twice
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(client: FlaskClient) -> None:
        try:
            start.wait()
            response = client.post(url, data=data)
            statuses.append(response.status_code)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(client,)) for client in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    racers.engine.dispose()
    assert errors == [] and statuses == [303, 303]
    with database.transaction() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.consultation_id == consultation_id)
        )
    assert stored == 1
