"""Checking anonymous answers against the questionnaire, storing them once."""

import pytest
from sqlalchemy.orm import Session

from coalition.consultations.models import Channel, ConsultationStatus, Source
from coalition.consultations.service_answering import (
    InvalidAnswers,
    ReplayedForm,
    clean_text,
    new_form_token,
    parse_answers,
    read_form_token,
    record_submission,
)
from coalition.core.errors import ValidationError
from tests.conftest import World
from tests.consultations.conftest import Questions, choice_id, counts, make_consultation


def form(**values: str | list[str]) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in values.items()}


def test_valid_answers_are_parsed_by_kind(db: Session, world: World) -> None:
    consultation = make_consultation(db, world.coalition)
    q = Questions.of(consultation)
    parsed = parse_answers(
        consultation.questions,
        {
            f"q{q.concerned.id}": [choice_id(q.concerned, "Non")],
            f"q{q.feelings.id}": [choice_id(q.feelings, "Peur")] * 2,  # a repeated tick counts once
            f"q{q.trust.id}": ["1"],
            f"q{q.word.id}": ["  Pourquoi\x00 ?  "],
            "q999": ["ignored"],
        },
    )
    assert parsed.choices == [
        (q.concerned.id, int(choice_id(q.concerned, "Non"))),
        (q.feelings.id, int(choice_id(q.feelings, "Peur"))),
    ]
    assert parsed.scales == [(q.trust.id, 1)]
    assert parsed.texts == [(q.word.id, "Pourquoi ?")]


def test_every_broken_rule_is_named_per_question(db: Session, world: World) -> None:
    consultation = make_consultation(db, world.coalition)
    q = Questions.of(consultation)
    with pytest.raises(InvalidAnswers) as caught:
        parse_answers(
            consultation.questions,
            {
                f"q{q.feelings.id}": ["not-an-id"],
                f"q{q.trust.id}": ["3.5"],
                f"q{q.word.id}": ["é" * 1001],
                f"q{q.age.id}": [choice_id(q.concerned, "Oui")],
            },
        )
    errors = {key: str(message) for key, message in caught.value.errors.items()}
    assert errors == {
        q.concerned.id: "Cette question demande une réponse.",
        q.feelings.id: "Cette réponse ne fait pas partie de celles proposées.",
        q.trust.id: "Choisissez une valeur de 1 à 5.",
        q.word.id: "Votre réponse dépasse 1 000 caractères.",
        q.age.id: "Cette réponse ne fait pas partie de celles proposées.",
    }


def test_control_characters_are_dropped_but_lines_kept() -> None:
    assert clean_text("a\x00b\u200bc\nd\te ") == "abc\nd\te"


def test_form_tokens_are_bound_to_their_consultation(db: Session, world: World) -> None:
    one = make_consultation(db, world.coalition)
    other = make_consultation(db, world.coalition)
    token = new_form_token("secret", one)
    assert len(read_form_token("secret", one, token)) == 32
    for secret, consultation, value in (
        ("secret", other, token),
        ("another secret", one, token),
        ("secret", one, token + "x"),
    ):
        with pytest.raises(ValidationError):
            read_form_token(secret, consultation, value)


def test_a_submission_is_stored_once_and_only_where_the_consultation_runs(
    db: Session, world: World
) -> None:
    consultation = make_consultation(db, world.coalition, channel=Channel.stall)
    q = Questions.of(consultation)
    answers = parse_answers(
        consultation.questions, form(**{f"q{q.concerned.id}": choice_id(q.concerned, "Oui")})
    )
    with pytest.raises(ValidationError, match="ne se répond pas en ligne"):
        record_submission(db, consultation, answers, source=Source.online, form_token="a")
    record_submission(db, consultation, answers, source=Source.stall, form_token="a")
    with pytest.raises(ReplayedForm):
        record_submission(db, consultation, answers, source=Source.stall, form_token="a")
    consultation.status = ConsultationStatus.closed
    with pytest.raises(ValidationError, match="pas ouverte"):
        record_submission(db, consultation, answers, source=Source.paper, form_token="b")
    assert counts(db) == (1, 1)
