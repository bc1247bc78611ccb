"""What the coalition's facilitators do with the sign-ups: the list and its count, the export,
one message to everyone with a mail (through the outbox), removing one on request; never a
sign-up past its term, nor one of another coalition."""

import csv
import io
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.mail.models import OutboxMessage
from coalition.signups.service import paris_today
from tests.auth.outbox import mails_to
from tests.conftest import World, post_form
from tests.signups.conftest import S, add_signup, page, stored


def _people(app: Flask, db: Session, world: World) -> None:
    today = paris_today()
    add_signup(app, db, world.coalition, "Léa", "lea@example.org", "06 12 34 56 78", today=today)
    add_signup(app, db, world.coalition, "marc", None, "+32 470 12 34 56", today=today)
    add_signup(app, db, world.coalition, "Zoé", "zoe@example.org", today=today, language="en")
    long_ago = today - timedelta(days=400)  # its 12 months are past: it is never shown
    add_signup(app, db, world.coalition, "Ancien", "ancien@example.org", today=long_ago)
    add_signup(app, db, world.other_coalition, "Ailleurs", "ailleurs@example.org", today=today)


def test_the_list_shows_the_kept_sign_ups_their_count_and_the_retention(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    _people(app, db, world)
    world.log_in(client, "facilitator")
    html = page(client.get(f"{S}/signups"))
    assert "3 personnes inscrites." in html
    assert "s'efface d'elle-même 12 mois après" in html
    names = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert names == ["Léa", "marc", "Zoé"]  # by name, whatever the order they came in
    assert "lea@example.org" in html and "+33 6 12 34 56 78" in html and "+32 470 12 34 56" in html
    assert "Ancien" not in html and "Ailleurs" not in html
    assert f'href="{S}/signups.csv"' in html and f'href="{S}/signups/write"' in html


def test_the_framing_page_leads_to_the_list(client: FlaskClient, world: World) -> None:
    world.log_in(client, "facilitator")
    assert f'href="{S}/signups"' in page(client.get(f"{S}/framing"))


def test_the_export_reads_back_as_the_list(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    _people(app, db, world)
    world.log_in(client, "facilitator")
    response = client.get(f"{S}/signups.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    today, term = paris_today(), paris_today().replace(year=paris_today().year + 1)
    assert rows[0] == [
        "Prénom",
        "Adresse e-mail",
        "Téléphone",
        "Langue",
        "Inscription le",
        "Effacée le",
    ]
    assert [row[:4] for row in rows[1:]] == [
        ["Léa", "lea@example.org", "'+33 6 12 34 56 78", "fr"],  # the quote keeps it text
        ["marc", "", "'+32 470 12 34 56", "fr"],
        ["Zoé", "zoe@example.org", "", "en"],
    ]
    assert {(row[4], row[5]) for row in rows[1:]} <= {
        (today.isoformat(), term.isoformat()),
        (today.isoformat(), (term - timedelta(days=1)).isoformat()),  # a 29 February
    }


def test_writing_to_everyone_goes_through_the_outbox_one_mail_each(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    _people(app, db, world)
    world.log_in(client, "facilitator")
    form = page(client.get(f"{S}/signups/write"))
    assert "Ce message partira à 2 personnes" in form
    assert "1 personne n'a laissé qu'un numéro de téléphone" in form
    body = "Le prochain atelier a lieu le 3 avril.\r\n\r\nVenez nombreux !"
    response = post_form(client, f"{S}/signups/write", {"subject": "Atelier", "body": body})
    assert response.status_code == 303 and response.headers["Location"] == f"{S}/signups"
    flashed = page(client.get(f"{S}/signups"))
    assert "Message écrit à 2 personnes inscrites" in flashed
    assert "1 personne n'a laissé qu'un numéro de téléphone" in flashed
    (lea,) = mails_to(db, "lea@example.org")
    (zoe,) = mails_to(db, "zoe@example.org")
    assert lea.subject == zoe.subject == "Atelier"
    assert (
        "Bonjour Léa," in lea.text_body
        and "Le prochain atelier a lieu le 3 avril." in lea.text_body
    )
    assert "<p>Venez nombreux !</p>" in lea.html_body
    assert zoe.language == "en"
    links = [re.search(r"https?://\S+/signups/withdraw/\S+", m.text_body) for m in (lea, zoe)]
    assert links[0] and links[1] and links[0].group(0) != links[1].group(0)
    for message, link in zip((lea, zoe), links, strict=True):
        assert link is not None
        assert message.headers["List-Unsubscribe"] == f"<{link.group(0)}>"
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mails_to(db, "ancien@example.org") == [] and mails_to(db, "ailleurs@example.org") == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "workshop_signups")).one()
    assert (event.action, event.user_id, event.coalition_id) == (
        "write",
        world.users["facilitator"].id,
        world.coalition.id,
    )
    assert event.after == {"subject": "Atelier", "written_to": 2, "phone_only": 1}


def test_a_message_without_subject_or_text_writes_nothing(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    _people(app, db, world)
    world.log_in(client, "facilitator")
    for data, message in [
        ({"subject": " ", "body": "Texte"}, "Écrivez l'objet du message."),
        ({"subject": "Atelier", "body": ""}, "Écrivez le message."),
        ({"subject": "A" * 201, "body": "Texte"}, "200 caractères au plus"),
    ]:
        response = post_form(client, f"{S}/signups/write", data)
        assert response.status_code == 400 and message in page(response), data
    assert db.scalars(select(OutboxMessage)).all() == []
    assert db.scalars(select(AuditEvent)).all() == []


def test_with_nobody_to_mail_nothing_is_written(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    add_signup(app, db, world.coalition, "marc", None, "0612345678", today=paris_today())
    world.log_in(client, "facilitator")
    response = post_form(client, f"{S}/signups/write", {"subject": "Atelier", "body": "Texte"})
    assert response.status_code == 400
    assert "Personne n'est inscrit avec une adresse e-mail" in page(response)
    assert db.scalars(select(OutboxMessage)).all() == []


def test_a_facilitator_removes_one_sign_up_on_request(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    _people(app, db, world)
    marc = next(s for s in stored(db) if s[0] == "marc")
    world.log_in(client, "facilitator")
    html = page(client.get(f"{S}/signups"))
    removes = re.findall(r'action="([^"]+/remove)".*?visually-hidden"> : ([^<]+)<', html, re.S)
    action = {name: url for url, name in removes}.get("marc")
    assert action and marc and len(removes) == 3
    response = post_form(client, action, {})
    assert response.status_code == 303
    assert "L'inscription de marc est effacée." in page(client.get(f"{S}/signups"))
    assert [row[0] for row in stored(db)] == ["Ailleurs", "Ancien", "Léa", "Zoé"]
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "workshop_signups")).one()
    assert event.action == "remove" and event.after == {"removed": 1}


def test_a_sign_up_of_another_coalition_cannot_be_removed_from_this_one(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    other = add_signup(app, db, world.other_coalition, "Ailleurs", "ailleurs@example.org")
    world.log_in(client, "facilitator")
    assert post_form(client, f"{S}/signups/{other.id}/remove", {}).status_code == 404
    assert post_form(client, f"{S}/signups/not-an-id/remove", {}).status_code == 404
    assert len(stored(db)) == 1


def test_an_empty_list_says_where_people_sign_up(client: FlaskClient, world: World) -> None:
    world.log_in(client, "facilitator")
    html = page(client.get(f"{S}/signups"))
    assert "personne inscrite" not in html and "Personne n'est inscrit pour l'instant." in html
    assert "s'efface d'elle-même 12 mois après" in html
