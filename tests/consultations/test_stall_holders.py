"""Stall holders: a facilitator creates a stall with its territory and its holder, who gets the
stall's link by mail and, through it, reaches only that stall's form and count; a renewed link
is mailed again; the holder's name and mail are never shown to the public."""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, Source, Stall, Submission
from coalition.mail.models import OutboxMessage
from tests.auth.outbox import link_in, mails_to, path_of
from tests.conftest import World, post_form
from tests.consultations.conftest import Questions, answer_form, valid_answers
from tests.consultations.test_stall_link import page, stalls_url

HOLDER = "camille.martin@example.org"


def create(client: FlaskClient, consultation: Consultation, **values: str) -> Any:
    data = {
        "place": "Marché de Die",
        "territory": "Die (Drôme)",
        "held_on": "2026-07-04",
        "holder_name": "Camille Martin",
        "holder_email": HOLDER,
        **values,
    }
    return post_form(client, stalls_url(consultation), data)


def test_the_holder_gets_the_link_by_mail_and_answers_for_that_stall_only(
    app: Flask, client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    response = create(client, consultation)
    assert response.status_code == 302
    stall = db.scalars(select(Stall).where(Stall.consultation_id == consultation.id)).one()
    assert (stall.territory, stall.holder_name, stall.holder_email) == (
        "Die (Drôme)",
        "Camille Martin",
        HOLDER,
    )
    assert stall.link_sent_at is not None
    [mail] = mails_to(db, HOLDER)
    assert "Marché de Die" in mail.subject
    assert "Bonjour Camille Martin" in mail.text_body
    kiosk = path_of(app, link_in(mail, "/stall/"))
    assert link_in(mail, "/kit").endswith(f"/kit#kit-stall-{stall.id}")  # its posters

    client.post("/logout", data={})  # the holder has no account
    with app.test_client() as tablet:
        shown = tablet.get(kiosk)
        assert shown.status_code == 200
        assert "Marché de Die" in page(shown)
        assert "/c/ma-coalition" not in page(shown)  # nothing else to reach
        data = {**answer_form(tablet, kiosk), **valid_answers(Questions.of(consultation))}
        sent = tablet.post(kiosk, data=data)
        assert sent.status_code == 303
    assert db.execute(select(Submission.stall_id, Submission.source)).all() == [
        (stall.id, Source.stall)
    ]


def test_renewing_mails_the_new_link_and_the_old_one_stops(
    app: Flask, client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    create(client, consultation)
    stall = db.scalars(select(Stall)).one()
    old = path_of(app, link_in(mails_to(db, HOLDER)[0], "/stall/"))
    response = post_form(client, f"{stalls_url(consultation)}/{stall.id}/renew", {})
    assert response.status_code == 303
    assert HOLDER in page(client.get(response.headers["Location"]))
    _first, second = mails_to(db, HOLDER)
    new = path_of(app, link_in(second, "/stall/"))
    assert new != old
    assert client.get(old).status_code == 404  # its hash replaced: a link never made
    assert client.get(new).status_code == 200


def test_a_stall_without_a_mail_sends_nothing(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    assert create(client, consultation, holder_email="", holder_name="").status_code == 302
    stall = db.scalars(select(Stall)).one()
    assert stall.link_sent_at is None
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_bad_holder_mail_is_refused_and_nothing_is_created(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    for bad in ("camille", "camille@", "a b@example.org"):
        response = create(client, consultation, holder_email=bad)
        assert response.status_code == 400
        assert "Adresse e-mail invalide" in page(response)
    response = create(client, consultation, territory="x" * 201)
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Stall)) == 0
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_holder_is_shown_to_facilitators_only(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    create(client, consultation)
    assert HOLDER in page(client.get(stalls_url(consultation)))
    client.post("/logout", data={})
    base = f"/c/ma-coalition/consultations/{consultation.id}"
    for url in (base, f"{base}/results", f"{base}/answers.csv", "/c/ma-coalition"):
        text = page(client.get(url))
        assert HOLDER not in text and "Camille Martin" not in text, url
