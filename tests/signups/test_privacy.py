"""The privacy page says what is kept and for how long, each coalition's retention included;
no public page shows anything of a sign-up; the purge command deletes what is past its term."""

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation
from coalition.signups.command import purge_expired_signups_command
from coalition.signups.service import paris_today
from tests import factories as f
from tests.conftest import World, post_form
from tests.core.crawl import crawl
from tests.signups.conftest import S, add_signup, page, stored


def test_the_privacy_page_states_each_coalitions_retention(
    client: FlaskClient, db: Session, world: World
) -> None:
    f.coalition(db, name="Coalition du littoral", signup_retention_months=3)
    response = client.get("/privacy")
    assert response.status_code == 200
    html = page(response)
    for heading in (
        "Les comptes",
        "Les réponses aux consultations",
        "Les inscriptions aux ateliers",
        "Les personnes qui tiennent un stand",
        "Les messages envoyés",
        "L'historique",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "ni adresse IP" in html
    assert "120 minutes au plus" in html  # the longest counter: a reset request's, 2 × 1 hour
    assert '<th scope="row">Ma coalition</th><td>12 mois</td>' in html
    assert '<th scope="row">Coalition du littoral</th><td>3 mois</td>' in html
    assert "rien ne la relie à une consultation, à un stand ni aux réponses données" in html


def test_a_new_retention_shows_on_the_privacy_page_and_the_form(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "facilitator")
    data = {"name": "Ma coalition", "phase": "framing", "version": "1"}
    assert (
        post_form(client, f"{S}/framing", {**data, "signup_retention_months": "6"}).status_code
        == 302
    )
    assert '<th scope="row">Ma coalition</th><td>6 mois</td>' in page(client.get("/privacy"))
    assert "pendant 6 mois" in page(client.get(f"{S}/signup"))


def test_no_public_page_shows_anything_of_a_sign_up(
    app: Flask, client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    add_signup(app, db, world.coalition, "Philomène", "philomene@example.org", "0612345678")
    add_signup(app, db, world.coalition, "Barnabé", None, "+32470123456", today=paris_today())
    site = crawl(
        app,
        client,
        ["/", f"{S}/", "/privacy", f"{S}/signup", f"{S}/consultations/{consultation.id}/thanks"],
    )
    assert {"signups.signup", "privacy.page", "consultations.results", "opendata.index"} <= set(
        site.pages
    )
    leaks = []
    for endpoint, urls in site.pages.items():
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            for secret in (
                "Philomène",
                "Barnabé",
                "philomene@",
                "612345678",
                "470123456",
                "470 12",
            ):
                if secret in body:
                    leaks.append(f"{endpoint} {url}: {secret}")
    assert leaks == []
    for url in (f"{S}/signups", f"{S}/signups.csv"):  # and the list itself is not public
        assert client.get(url).status_code == 302


def test_the_purge_command_deletes_the_sign_ups_past_their_term(
    app: Flask, db: Session, world: World
) -> None:
    today = paris_today()
    add_signup(
        app, db, world.coalition, "Ancien", "ancien@example.org", today=today - timedelta(days=400)
    )
    add_signup(app, db, world.coalition, "Récent", "recent@example.org", today=today)
    db.commit()
    result = app.test_cli_runner().invoke(purge_expired_signups_command)
    assert result.exit_code == 0, result.output
    assert "expired sign-ups deleted: 1" in result.output
    assert [row[0] for row in stored(db)] == ["Récent"]
