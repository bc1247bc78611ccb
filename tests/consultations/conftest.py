"""A consultation with one question of each kind, and helpers to answer it as a browser would."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.consultations.models import (
    Answer,
    Channel,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Stall,
    Submission,
)
from tests.conftest import World

TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_consultation(
    db: Session,
    coalition: Coalition,
    *,
    status: ConsultationStatus = ConsultationStatus.open,
    channel: Channel = Channel.both,
) -> Consultation:
    def question(kind: QuestionKind, prompt: str, *labels: str, **fields: Any) -> Question:
        choices = [Choice(label=label, position=i) for i, label in enumerate(labels)]
        return Question(kind=kind, prompt=prompt, choices=choices, **fields)

    consultation = Consultation(
        coalition_id=coalition.id,
        title="Et vous, l'IA ?",
        status=status,
        channel=channel,
        questions=[
            question(QuestionKind.single, "Concerné ?", "Oui", "Non", is_required=True),
            question(QuestionKind.multiple, "Ressenti ?", "Curiosité", "Peur", "Indifférence"),
            question(QuestionKind.scale, "Confiance ?"),
            question(QuestionKind.text, "Un mot ?"),
            question(
                QuestionKind.single, "Âge ?", "Moins de 45 ans", "45 ans et plus", is_profile=True
            ),
        ],
    )
    for position, item in enumerate(consultation.questions):
        item.position = position
    db.add(consultation)
    db.flush()
    return consultation


@dataclass
class Questions:
    concerned: Question
    feelings: Question
    trust: Question
    word: Question
    age: Question

    @classmethod
    def of(cls, consultation: Consultation) -> "Questions":
        return cls(*consultation.questions)


def choice_id(question: Question, label: str) -> str:
    return str(next(choice.id for choice in question.choices if choice.label == label))


def valid_answers(q: Questions) -> dict[str, Any]:
    return {
        f"q{q.concerned.id}": choice_id(q.concerned, "Oui"),
        f"q{q.feelings.id}": [choice_id(q.feelings, "Curiosité"), choice_id(q.feelings, "Peur")],
        f"q{q.trust.id}": "4",
        f"q{q.word.id}": "Expliquez-nous",
        f"q{q.age.id}": choice_id(q.age, "45 ans et plus"),
    }


def answer_form(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields of the answer page: CSRF token and one-time form token."""
    html = client.get(url).get_data(as_text=True)
    csrf, token = CSRF_RE.search(html), TOKEN_RE.search(html)
    assert csrf and token, html
    return {"csrf_token": csrf.group(1), "form_token": token.group(1), "website": ""}


def counts(db: Session) -> tuple[int, int]:
    """(submissions, answers) in the database."""
    return (
        db.scalar(select(func.count()).select_from(Submission)) or 0,
        db.scalar(select(func.count()).select_from(Answer)) or 0,
    )


@pytest.fixture
def consultation(db: Session, world: World) -> Consultation:
    return make_consultation(db, world.coalition)


@pytest.fixture
def stall(db: Session, consultation: Consultation) -> Stall:
    from datetime import date

    stall = Stall(consultation_id=consultation.id, place="Marché de Dié", held_on=date(2025, 7, 5))
    db.add(stall)
    db.flush()
    return stall
