"""Every consultation route, for every role (the workshop routes have their own table)."""

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Answer,
    ConsultationStatus,
    Source,
    Stall,
    Submission,
    TextReview,
)
from coalition.consultations.service_answering import new_form_token
from tests.conftest import ROLES, World, check_access
from tests.consultations.conftest import Questions, choice_id, make_consultation
from tests.consultations.test_stall_link import RULES as STALL_LINK_RULES

ALL = [200] * 6
FACILITATORS = [302, 403, 403, 200, 403, 200]
MANAGERS = [302, 403, 403, 302, 403, 302]  # a facilitator's write redirects
STALL_ANSWERS = [302, 403, 403, 303, 403, 303]
ANSWERED = [303] * 6
HIDDEN_DRAFT = [404, 404, 404, 200, 404, 200]
HIDDEN_DRAFT_WRITES = [404, 404, 404, 302, 404, 302]
C = "/c/ma-coalition/consultations"
K = C + "/{consultation}"
D = C + "/{draft}"
ANSWER = {"form_token": "{form_token}", "q{concerned}": "{yes}"}

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("GET", C, None, ALL),
    ("GET", K, None, ALL),
    ("POST", K, ANSWER, ANSWERED),
    ("GET", D, None, HIDDEN_DRAFT),
    ("GET", K + "/thanks", None, ALL),
    ("GET", K + "/results", None, ALL),
    ("GET", K + "/answers.csv", None, ALL),
    ("GET", C + "/new", None, FACILITATORS),
    ("POST", C + "/new", {"title": "Nouvelle", "channel": "online"}, MANAGERS),
    ("GET", K + "/edit", None, FACILITATORS),
    ("POST", K + "/edit", {"title": "Titre", "channel": "both", "version": "1"}, MANAGERS),
    ("POST", K + "/status", {"status": "closed"}, MANAGERS),
    ("GET", D + "/edit", None, HIDDEN_DRAFT),
    ("POST", D + "/questions", {"kind": "scale", "prompt": "Confiance ?"}, HIDDEN_DRAFT_WRITES),
    ("GET", D + "/questions/{question}", None, HIDDEN_DRAFT),
    (
        "POST",
        D + "/questions/{question}",
        {"kind": "scale", "prompt": "Encore ?"},
        HIDDEN_DRAFT_WRITES,
    ),
    ("POST", D + "/questions/{question}/move", {"direction": "down"}, HIDDEN_DRAFT_WRITES),
    ("POST", D + "/questions/{question}/delete", {}, HIDDEN_DRAFT_WRITES),
    ("GET", K + "/texts", None, FACILITATORS),
    ("POST", K + "/texts/{answer}", {"decision": "approved"}, MANAGERS),
    ("GET", K + "/stalls", None, FACILITATORS),
    ("POST", K + "/stalls", {"place": "Marché de Dié", "held_on": "2025-07-05"}, MANAGERS),
    ("GET", K + "/stalls/{stall}", None, MANAGERS),  # the old kiosk: to the stalls page
    ("GET", K + "/stalls/{stall}/paper", None, FACILITATORS),
    ("POST", K + "/stalls/{stall}/paper", ANSWER, STALL_ANSWERS),
]

RULES = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{consultation}", "<int:consultation_id>")
    .replace("{draft}", "<int:consultation_id>")
    .replace("{question}", "<int:question_id>")
    .replace("{answer}", "<int:answer_id>")
    .replace("{stall}", "<int:stall_id>")
    for _, url, _, _ in ROUTES
} | STALL_LINK_RULES


@pytest.fixture
def places(db: Session, world: World, app: Any) -> dict[str, Any]:
    consultation = make_consultation(db, world.coalition)
    draft = make_consultation(db, world.coalition, status=ConsultationStatus.draft)
    stall = Stall(consultation_id=consultation.id, place="Dié", held_on=date(2025, 7, 5))
    submission = Submission(consultation_id=consultation.id, source=Source.online, form_token="t")
    db.add_all([stall, submission])
    db.flush()
    q = Questions.of(consultation)
    answer = Answer(
        submission_id=submission.id,
        question_id=q.word.id,
        text="Un mot",
        text_review=TextReview.pending,
    )
    db.add(answer)
    db.flush()
    return {
        "consultation": consultation.id,
        "draft": draft.id,
        "question": draft.questions[2].id,
        "answer": answer.id,
        "stall": stall.id,
        "concerned": q.concerned.id,
        "yes": choice_id(q.concerned, "Oui"),
        "form_token": new_form_token(app.config["SECRET_KEY"], consultation),
    }


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_route_access_per_role(
    client: FlaskClient,
    world: World,
    places: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=places)


def test_a_consultation_of_another_coalition_is_not_found(
    client: FlaskClient, db: Session, world: World
) -> None:
    stranger = make_consultation(db, world.other_coalition)
    world.log_in(client, "admin")
    for suffix in ("", "/results", "/answers.csv", "/edit", "/stalls"):
        assert client.get(f"{C}/{stranger.id}{suffix}").status_code == 404, suffix
