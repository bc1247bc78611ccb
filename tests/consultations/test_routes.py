"""Answering as the public, at a stall and from paper; results, CSV and text review."""

import csv
import io
import time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    Source,
    Stall,
    Submission,
    TextReview,
)
from coalition.consultations.service_stall import new_link
from coalition.core import limits
from coalition.core.limits import ThrottleCounter
from coalition.db import utcnow
from tests.conftest import World, post_form
from tests.consultations.conftest import Questions, answer_form, choice_id, counts, valid_answers

C = "/c/ma-coalition/consultations"


def url(consultation: Consultation, suffix: str = "") -> str:
    return f"{C}/{consultation.id}{suffix}"


def post_answers(client: FlaskClient, target: str, answers: dict[str, Any], **extra: str) -> Any:
    return client.post(target, data={**answer_form(client, target), **answers, **extra})


def test_the_public_answers_online_and_is_thanked(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    page = client.get(url(consultation)).get_data(as_text=True)
    assert "Concerné ?" in page and 'name="website"' in page
    response = post_answers(client, url(consultation), valid_answers(q))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(consultation, "/thanks"))
    submission = db.scalars(select(Submission)).one()
    assert submission.source == Source.online and submission.stall_id is None
    answers = db.scalars(select(Answer).where(Answer.submission_id == submission.id)).all()
    assert sorted((a.question_id, a.choice_id, a.scale_value, a.text) for a in answers) == sorted(
        [
            (q.concerned.id, int(choice_id(q.concerned, "Oui")), None, None),
            (q.feelings.id, int(choice_id(q.feelings, "Curiosité")), None, None),
            (q.feelings.id, int(choice_id(q.feelings, "Peur")), None, None),
            (q.trust.id, None, 4, None),
            (q.word.id, None, None, "Expliquez-nous"),
            (q.age.id, int(choice_id(q.age, "45 ans et plus")), None, None),
        ]
    )
    assert next(a for a in answers if a.text).text_review == TextReview.pending
    assert "Merci" in client.get(url(consultation, "/thanks")).get_data(as_text=True)


def _bad(q: Questions) -> dict[str, tuple[dict[str, Any], str]]:
    ok = valid_answers(q)
    return {
        "missing required": (
            {**ok, f"q{q.concerned.id}": ""},
            "Cette question demande une réponse.",
        ),
        "foreign choice": (
            {**ok, f"q{q.concerned.id}": choice_id(q.age, "Moins de 45 ans")},
            "Cette réponse ne fait pas partie de celles proposées.",
        ),
        "two single choices": (
            {
                **ok,
                f"q{q.concerned.id}": [
                    choice_id(q.concerned, "Oui"),
                    choice_id(q.concerned, "Non"),
                ],
            },
            "Cette réponse ne fait pas partie de celles proposées.",
        ),
        "not a number": ({**ok, f"q{q.concerned.id}": "abc"}, "ne fait pas partie"),
        "scale too high": ({**ok, f"q{q.trust.id}": "6"}, "Choisissez une valeur de 1 à 5."),
        "scale zero": ({**ok, f"q{q.trust.id}": "0"}, "Choisissez une valeur de 1 à 5."),
        "text too long": ({**ok, f"q{q.word.id}": "x" * 1001}, "dépasse 1 000 caractères"),
    }


def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    for name, (answers, message) in _bad(q).items():
        response = post_answers(client, url(consultation), answers)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, name
        assert message in page.replace("&#39;", "'"), name
        assert counts(db) == (0, 0), name
    # what was typed is kept on the page
    response = post_answers(client, url(consultation), _bad(q)["scale too high"][0])
    assert "Expliquez-nous" in response.get_data(as_text=True)


def test_an_answer_in_english_gets_english_messages(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    post_form(client, "/language", {"lang": "en"}, form_url="/")
    q = Questions.of(consultation)
    response = post_answers(client, url(consultation), {**valid_answers(q), f"q{q.trust.id}": "9"})
    assert response.status_code == 400
    assert "Choose a value from 1 to 5." in response.get_data(as_text=True)


def test_a_closed_consultation_refuses_answers(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    fields = answer_form(client, url(consultation))
    consultation.status = ConsultationStatus.closed
    db.flush()
    response = client.post(url(consultation), data={**fields, **valid_answers(q)})
    assert response.status_code == 400
    assert "n'est pas ouverte" in response.get_data(as_text=True).replace("&#39;", "'")
    assert counts(db) == (0, 0)


def test_a_replayed_form_is_stored_once(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    data = {**answer_form(client, url(consultation)), **valid_answers(q)}
    assert client.post(url(consultation), data=data).status_code == 303
    stored = counts(db)
    response = client.post(url(consultation), data=data)
    assert response.status_code == 303  # thanked again (see test_answer_once.py)
    assert counts(db) == stored == (1, 6)


def test_forged_tokens_and_the_honeypot_store_nothing(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    fields = answer_form(client, url(consultation))
    for data in (
        {**fields, "form_token": "forged"},
        {**fields, "website": "http://spam.example"},
        {**fields, "csrf_token": "wrong"},
    ):
        response = client.post(url(consultation), data={**data, **valid_answers(q)})
        assert response.status_code == 400
    assert counts(db) == (0, 0)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time stands still at the start of a window: no burst straddles two windows."""
    start = (int(time.time()) // 3600 + 24) * 3600
    monkeypatch.setattr(limits, "clock", lambda: float(start))


@pytest.mark.usefixtures("frozen_clock")
def test_a_burst_from_one_client_meets_the_rate_limit(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    limit = client.application.config["CONSULTATION_ANSWER_LIMIT"]
    statuses = []
    for _ in range(200):
        data = {**answer_form(client, url(consultation)), **valid_answers(q)}
        statuses.append(client.post(url(consultation), data=data).status_code)
    assert statuses[:limit] == [303] * limit
    assert set(statuses[limit:]) == {429}
    assert counts(db) == (limit, 6 * limit)
    tokens = db.scalars(select(Submission.form_token)).all()
    assert len(set(tokens)) == limit
    # another client is not held back
    other = client.application.test_client()
    data = {**answer_form(other, url(consultation)), **valid_answers(q)}
    response = other.post(url(consultation), data=data, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 303
    # counted under a keyed hash: no address anywhere
    assert all("127.0.0.1" not in key for key in db.scalars(select(ThrottleCounter.key_hash)))


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize("store", ["database", "redis"])
def test_the_answer_limit_holds_for_the_whole_installation(
    connection: Any, database_url: str, db: Session, consultation: Consultation, store: str
) -> None:
    """Two workers (two apps over the same database, or the same Redis) share one count."""
    import fakeredis

    from coalition import create_app
    from tests.conftest import TestDatabase

    server = fakeredis.FakeServer()
    workers = []
    for _ in range(2):
        app = create_app(
            {
                "DATABASE": TestDatabase(connection),
                "DATABASE_URL": database_url,
                "CONSULTATION_ANSWER_LIMIT": 3,
            }
        )
        if store == "redis":
            limits.init_app(app, redis_client=fakeredis.FakeRedis(server=server))
        workers.append(app.test_client())
    q = Questions.of(consultation)
    statuses = []
    for n in range(6):
        worker = workers[n % 2]
        data = {**answer_form(worker, url(consultation)), **valid_answers(q)}
        statuses.append(worker.post(url(consultation), data=data).status_code)
    assert statuses == [303, 303, 303, 429, 429, 429]
    assert counts(db)[0] == 3


def test_no_address_is_stored(client: FlaskClient, db: Session, consultation: Consultation) -> None:
    q = Questions.of(consultation)
    post_answers(client, url(consultation), valid_answers(q))
    columns = {column.name for column in Submission.__table__.columns}
    assert columns == {"id", "consultation_id", "source", "stall_id", "form_token", "submitted_at"}


def test_stall_mode_resets_after_each_answer_and_counts(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, stall: Stall
) -> None:
    q = Questions.of(consultation)
    kiosk = f"/stall/{new_link(stall, utcnow())}"  # no account logged in
    db.flush()
    for n in range(1, 4):
        response = post_answers(client, kiosk, valid_answers(q))
        assert response.status_code == 303 and response.headers["Location"].endswith(kiosk)
        page = client.get(kiosk).get_data(as_text=True)
        assert f"Réponse n° {n} enregistrée" in page
        assert "Expliquez-nous" not in page  # the form is empty again
    sources = db.scalars(select(Submission.source).where(Submission.stall_id == stall.id)).all()
    assert sources == [Source.stall] * 3
    assert 'class="coalition-nav"' not in client.get(kiosk).get_data(as_text=True)


def test_paper_entry_counts_the_questionnaires_typed(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, stall: Stall
) -> None:
    world.log_in(client, "facilitator")
    q = Questions.of(consultation)
    paper = url(consultation, f"/stalls/{stall.id}/paper")
    for _ in range(2):
        assert post_answers(client, paper, valid_answers(q)).status_code == 303
    assert "2 questionnaires papier saisis" in client.get(paper).get_data(as_text=True)
    assert db.scalars(select(Submission.source)).all() == [Source.paper] * 2


def test_a_stall_is_started_with_its_place_and_date(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(
        client,
        url(consultation, "/stalls"),
        {"place": "Marché de Bletterans", "held_on": "2025-08-02"},
    )
    stall = db.scalars(select(Stall)).one()
    assert response.status_code == 302 and stall.place == "Marché de Bletterans"
    response = post_form(client, url(consultation, "/stalls"), {"place": "", "held_on": "demain"})
    assert response.status_code == 400
    assert "Indiquez le lieu du stand." in response.get_data(as_text=True)
    assert len(db.scalars(select(Stall)).all()) == 1


def test_results_show_counts_percentages_and_approved_text_only(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    post_answers(client, url(consultation), valid_answers(q))
    post_answers(
        client,
        url(consultation),
        {
            **valid_answers(q),
            f"q{q.concerned.id}": choice_id(q.concerned, "Non"),
            f"q{q.word.id}": "Secret",
        },
    )
    word = db.scalars(select(Answer).where(Answer.text == "Expliquez-nous")).one()
    word.text_review = TextReview.approved
    db.flush()
    page = client.get(url(consultation, "/results")).get_data(as_text=True)
    assert "2 réponses" in page
    assert "50 %" in page and "100 %" in page
    assert "Expliquez-nous" in page and "Secret" not in page
    crossed = client.get(url(consultation, f"/results?by={q.age.id}")).get_data(as_text=True)
    assert "Réponses selon : Âge ?" in crossed
    assert client.get(url(consultation, "/results?by=999999")).status_code == 404


def test_the_csv_holds_every_answer_and_nothing_identifying(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    post_answers(client, url(consultation), {**valid_answers(q), f"q{q.word.id}": "=HYPERLINK(1)"})
    response = client.get(url(consultation, "/answers.csv"))
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert rows[0] == [
        "n",
        "date",
        "source",
        "stall",
        "territory",
        "Concerné ?",
        "Ressenti ?",
        "Confiance ?",
        "Un mot ?",
        "Âge ?",
    ]
    assert rows[1][0] == "1" and len(rows[1][1]) == 10  # the day, never the time
    assert rows[1][2:5] == ["online", "", ""]  # answered online, through no stall
    assert rows[1][5:] == [
        "Oui",
        "Curiosité ; Peur",
        "4",
        "",
        "45 ans et plus",
    ]  # text not reviewed
    world.log_in(client, "facilitator")
    rows = list(
        csv.reader(
            io.StringIO(client.get(url(consultation, "/answers.csv")).get_data(as_text=True))
        )
    )
    assert rows[1][8] == "'=HYPERLINK(1)"


def test_facilitators_approve_or_set_aside_free_text(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    post_answers(client, url(consultation), valid_answers(q))
    answer = db.scalars(select(Answer).where(Answer.text.is_not(None))).one()
    world.log_in(client, "facilitator")
    assert "Expliquez-nous" in client.get(url(consultation, "/texts")).get_data(as_text=True)
    target = url(consultation, f"/texts/{answer.id}")
    assert (
        post_form(
            client, target, {"decision": "maybe"}, form_url=url(consultation, "/texts")
        ).status_code
        == 400
    )
    assert answer.text_review == TextReview.pending
    response = post_form(
        client, target, {"decision": "approved"}, form_url=url(consultation, "/texts")
    )
    assert response.status_code == 302
    db.refresh(answer)
    assert answer.text_review == TextReview.approved


@pytest.mark.usefixtures("frozen_clock")
def test_behind_a_trusted_proxy_clients_are_told_apart_by_their_forwarded_address(
    connection: Any, database_url: str, db: Session, consultation: Consultation
) -> None:
    from coalition import create_app
    from tests.conftest import TestDatabase

    app = create_app(
        {
            "DATABASE": TestDatabase(connection),
            "DATABASE_URL": database_url,
            "TRUSTED_PROXIES": 1,
            "CONSULTATION_ANSWER_LIMIT": 1,
        }
    )
    q = Questions.of(consultation)
    client = app.test_client()
    for address, expected in (("203.0.113.1", 303), ("203.0.113.1", 429), ("203.0.113.2", 303)):
        data = {**answer_form(client, url(consultation)), **valid_answers(q)}
        headers = {"X-Forwarded-For": address}
        assert client.post(url(consultation), data=data, headers=headers).status_code == expected


def test_the_home_page_invites_the_public_to_answer_open_consultations(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    from tests.consultations.conftest import make_consultation

    at_stall_only = make_consultation(db, world.coalition, channel=Channel.stall)
    at_stall_only.title = "Seulement au marché"
    db.flush()
    page = client.get("/c/ma-coalition/").get_data(as_text=True)
    assert "Donnez votre avis" in page and url(consultation) in page
    assert "Seulement au marché" not in page
    consultation.status = ConsultationStatus.closed
    db.flush()
    assert "Donnez votre avis" not in client.get("/c/ma-coalition/").get_data(as_text=True)
