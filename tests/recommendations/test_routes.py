"""Recommendations through the pages: recorded and answered by a facilitator, followed by the
public with the reviews of their actions, refused with a clear message when the input is bad."""

import html
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.recommendations.models import AnswerStatus, Recommendation
from tests import factories as f
from tests.conftest import post_form
from tests.recommendations.conftest import Setting

C = "/c/ma-coalition"
R = C + "/recommendations"


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def state(db: Session) -> tuple[Any, ...]:
    """What a refused form must leave as it was."""
    db.expire_all()
    answers = db.execute(
        select(
            Recommendation.id,
            Recommendation.title,
            Recommendation.answer_status,
            Recommendation.answer_reason,
            Recommendation.version,
        ).order_by(Recommendation.id)
    ).all()
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    return tuple(answers), events


def facilitator(client: FlaskClient, setting: Setting) -> None:
    f.log_in(client, setting.world.users["facilitator"])


def answer_data(setting: Setting, **fields: Any) -> dict[str, Any]:
    world = setting.world
    return {
        "status": "partly_retained",
        "reason": "La Métropole retient la publication, pas l'audit.",
        "answered_by": str(world.actor.id),
        "answered_on": "2026-05-12",
        "actions": [str(world.action.id), str(world.other_action.id)],
        "version": str(setting.recommendation.version),
        **fields,
    }


def test_a_facilitator_records_a_recommendation(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    form = text_of(client.get(R + "/new"))
    assert "Fiabilité des données (Atelier de Montpellier)" in form
    assert "Atelier d'ailleurs" not in form
    response = post_form(
        client,
        R + "/new",
        {
            "title": "Former les agents",
            "text": "Tous les agents, *avant* tout déploiement.",
            "origin": "workshop",
            "workshop": str(setting.workshop.id),
            "objectives": ["trust", "ethics"],
            "issues": [str(setting.issue.id)],
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Former les agents" in page
    assert "<em>avant</em>" in page
    assert "Confiance, Éthique et mesure" in page
    assert "Atelier de Montpellier" in page
    assert "n'a pas encore reçu de réponse" in page


def test_the_public_page_shows_the_answer_and_the_reviews_of_its_two_actions(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    url = f"{R}/{setting.recommendation.id}"
    assert post_form(client, url + "/answer", answer_data(setting)).status_code == 302
    anonymous = client.application.test_client()
    page = text_of(anonymous.get(url))
    assert "Retenue en partie" in page
    assert "La Métropole retient la publication, pas l'audit." in page
    assert "Acteur A" in page and "12 mai 2026" in page
    for title, progress in (("Action 1", 40), ("Action 2", 10)):
        assert title in page
        assert f"{progress} %" in page
        assert f"Étape suivante {progress}" in page
    listing = text_of(anonymous.get(R + "?status=partly_retained&objective=transparency"))
    assert "Publier les jeux de données des algorithmes" in listing
    assert "2 actions la mettent en œuvre" in listing
    assert "Publier les jeux" not in text_of(anonymous.get(R + "?status=none"))
    assert "Publier les jeux" not in text_of(anonymous.get(R + "?objective=sovereignty"))


def test_an_unknown_filter_is_a_clear_400(client: FlaskClient, setting: Setting) -> None:
    response = client.get(R + "?status=peut-etre")
    assert response.status_code == 400
    assert "Ce filtre n'existe pas." in text_of(response)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "la raison de la réponse est obligatoire"),
        ({"status": "maybe"}, "Choisissez : retenue, retenue en partie ou non retenue."),
        ({"status": ""}, "Choisissez : retenue, retenue en partie ou non retenue."),
        ({"actions": ["{foreign_action}"]}, "pas une action de la feuille de route"),
        ({"actions": ["abc"]}, "Ce choix n'appartient pas à cette coalition."),
        ({"answered_by": "{foreign_actor}"}, "pas un acteur de la coalition"),
        ({"answered_on": "12/13/2026"}, "Date de la réponse"),
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_changes_nothing(
    client: FlaskClient, db: Session, setting: Setting, fields: dict[str, Any], message: str
) -> None:
    world = setting.world
    foreign = {
        "foreign_action": str(f.action(db, world.other_coalition).id),
        "foreign_actor": str(f.actor(db, world.other_coalition).id),
    }
    fields = {
        key: [v.format(**foreign) for v in value]
        if isinstance(value, list)
        else value.format(**foreign)
        for key, value in fields.items()
    }
    facilitator(client, setting)
    before = state(db)
    url = f"{R}/{setting.recommendation.id}/answer"
    response = post_form(client, url, answer_data(setting, **fields))
    assert response.status_code == 400
    assert message in text_of(response)
    assert state(db) == before


def test_a_recommendation_of_another_coalition_cannot_be_answered_here(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    before = state(db)
    url = f"{R}/{setting.other_recommendation.id}/answer"
    assert post_form(client, url, answer_data(setting)).status_code == 404
    assert state(db) == before


def test_an_answer_can_be_changed_and_the_history_keeps_the_first(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    url = f"{R}/{setting.recommendation.id}/answer"
    assert post_form(client, url, answer_data(setting)).status_code == 302
    db.expire_all()
    version = db.get(Recommendation, setting.recommendation.id).version  # type: ignore[union-attr]
    changed = answer_data(setting, status="retained", actions=[], version=str(version))
    assert post_form(client, url, changed).status_code == 302
    db.expire_all()
    recommendation = db.get(Recommendation, setting.recommendation.id)
    assert recommendation is not None and recommendation.answer_status == AnswerStatus.retained
    stale = post_form(client, url, answer_data(setting, version=str(version)))
    assert stale.status_code == 409


def test_a_bad_recommendation_is_refused_and_changes_nothing(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    before = state(db)
    for data, message in (
        ({"title": "", "origin": "other"}, "Le titre est obligatoire."),
        ({"title": "T", "origin": "rumeur"}, "Choisissez d'où vient la recommandation."),
        (
            {"title": "T", "origin": "other", "issues": [str(setting.other_issue.id)]},
            "Cet enjeu commun n'existe pas dans les ateliers de la coalition.",
        ),
        ({"title": "T", "origin": "other", "workshop": "x"}, "Ce choix n'appartient pas"),
    ):
        response = post_form(client, R + "/new", data)
        assert response.status_code == 400
        assert message in text_of(response)
    assert state(db) == before


def test_the_edit_form_keeps_what_was_chosen(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator(client, setting)
    url = f"{R}/{setting.recommendation.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert (
        'checked id="objectives-1" name="objectives" type="checkbox" value="transparency"' in form
    )
    assert f'checked id="issues-0" name="issues" type="checkbox" value="{setting.issue.id}"' in form
    response = post_form(
        client,
        url,
        {
            "title": "Publier les données",
            "origin": "convention",
            "objectives": ["sovereignty"],
            "version": str(setting.recommendation.version),
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(f"{R}/{setting.recommendation.id}"))
    assert "Publier les données" in page and "Souveraineté" in page


def test_the_feed_carries_new_and_answered_recommendations(
    app: Flask, client: FlaskClient, db: Session, setting: Setting
) -> None:
    app.config["BASE_URL"] = "https://coalition.example.org"
    feed = client.get(R + ".atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    parsed = feedparser.parse(feed.get_data())
    assert not parsed.bozo, parsed.bozo_exception
    (entry,) = parsed.entries
    assert entry.title == "Publier les jeux de données des algorithmes"
    assert entry.id.startswith("tag:coalition.example.org,")
    assert entry.link == f"https://coalition.example.org{R}/{setting.recommendation.id}"
    assert "<strong>publie</strong>" in entry.content[0].value
    etag = feed.headers["ETag"]
    assert client.get(R + ".atom", headers={"If-None-Match": etag}).status_code == 304

    facilitator(client, setting)
    url = f"{R}/{setting.recommendation.id}/answer"
    assert post_form(client, url, answer_data(setting)).status_code == 302
    again = client.application.test_client().get(R + ".atom", headers={"If-None-Match": etag})
    assert again.status_code == 200
    (entry,) = feedparser.parse(again.get_data()).entries
    assert entry.title.endswith(": Retenue en partie")
    assert entry.summary == "La Métropole retient la publication, pas l'audit."
