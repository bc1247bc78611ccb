"""The facilitator's pages: creating a consultation, writing its questions, opening it."""

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, ConsultationStatus, Question
from tests.conftest import World, post_form
from tests.consultations.conftest import make_consultation

C = "/c/ma-coalition/consultations"


def test_a_facilitator_builds_and_opens_a_consultation(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(client, C + "/new", {"title": "Marché de Dié", "channel": "both"})
    consultation = db.scalars(select(Consultation)).one()
    edit = f"{C}/{consultation.id}/edit"
    assert response.status_code == 302 and response.headers["Location"].endswith(edit)
    question = {"kind": "single", "prompt": "Concerné ?", "choices": "Oui\nNon", "is_required": "y"}
    assert (
        post_form(client, f"{C}/{consultation.id}/questions", question, form_url=edit).status_code
        == 302
    )
    assert (
        post_form(
            client, f"{C}/{consultation.id}/status", {"status": "open"}, form_url=edit
        ).status_code
        == 302
    )
    db.refresh(consultation)
    assert consultation.status == ConsultationStatus.open
    page = client.get(f"{C}/{consultation.id}").get_data(as_text=True)
    assert "Concerné ?" in page and "Envoyer mes réponses" in page


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_bad_input_on_the_facilitator_forms_changes_nothing(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "facilitator")
    draft = make_consultation(db, world.coalition, status=ConsultationStatus.draft)
    draft.questions.clear()
    db.flush()
    edit = f"{C}/{draft.id}/edit"
    cases = [
        (C + "/new", {"title": "", "channel": "online"}, "Le titre est obligatoire."),
        (C + "/new", {"title": "X", "channel": "moon"}, "N'est pas un choix valide."),
        (
            f"{C}/{draft.id}/questions",
            {"kind": "single", "prompt": "Q", "choices": "Seul"},
            "de 2 à 20 réponses",
        ),
        (
            f"{C}/{draft.id}/questions",
            {"kind": "poll", "prompt": "Q"},
            "N'est pas un choix valide.",
        ),
        (f"{C}/{draft.id}/questions", {"kind": "text", "prompt": ""}, "Écrivez la question."),
        (f"{C}/{draft.id}/status", {"status": "open"}, "Ajoutez au moins une question"),
        (f"{C}/{draft.id}/status", {"status": "archived"}, "N'est pas un choix valide."),
    ]
    before = (count(db, Consultation), count(db, Question))
    for url, data, message in cases:
        response = post_form(client, url, data, form_url=edit)
        assert response.status_code == 400, (url, data)
        assert message in response.get_data(as_text=True).replace("&#39;", "'"), (url, data)
    assert (count(db, Consultation), count(db, Question)) == before
    db.refresh(draft)
    assert draft.status == ConsultationStatus.draft


def test_a_stale_edit_answers_409_and_keeps_the_input(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "facilitator")
    consultation = make_consultation(db, world.coalition)
    edit = f"{C}/{consultation.id}/edit"
    data = {"title": "Mon titre", "channel": "online", "version": str(consultation.version + 5)}
    response = post_form(client, edit, data)
    assert response.status_code == 409
    assert "Mon titre" in response.get_data(as_text=True)
    db.refresh(consultation)
    assert consultation.title == "Et vous, l'IA ?"


def test_questions_of_an_open_consultation_stay_as_they_are(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "facilitator")
    consultation = make_consultation(db, world.coalition)
    question = consultation.questions[0]
    edit = f"{C}/{consultation.id}/edit"
    url = f"{C}/{consultation.id}/questions/{question.id}"
    response = post_form(client, url, {"kind": "scale", "prompt": "Autre"}, form_url=edit)
    assert response.status_code == 400
    assert "ne se modifient plus" in response.get_data(as_text=True)
    assert post_form(client, url + "/delete", {}, form_url=edit).status_code == 400
    db.refresh(question)
    assert question.prompt == "Concerné ?" and len(consultation.questions) == 5
