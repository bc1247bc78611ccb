"""Anonymous answers: checking them against the questionnaire and storing them once.

Nothing about the person is kept: no account, no IP address, no cookie beyond the CSRF one.
Each rendered form carries a signed one-time token whose random part (`secrets`, derived from
neither the client nor the time) becomes `Submission.form_token` when its answers are counted.
Its unique constraint counts a form at most once: sending the same form again (going back
after "Merci", a double click, two sends at the same instant) finds it already counted, and the
person is thanked again without a second count. Every new form rendered gets a new token, so
people answering one after the other on one device (a stall's tablet) each count.
"""

import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Source,
    Stall,
    Submission,
    TextReview,
)
from coalition.consultations.service_tallies import add_to_tallies, tally_keys
from coalition.core.errors import Conflict, ValidationError
from coalition.db import utcnow

MAX_TEXT = 1000
FORM_TOKEN_MAX_AGE = 24 * 3600  # a form left open on a tablet all day still works
_FORM_SALT = "consultation-form"
_CHANNELS = {
    Source.online: (Channel.online, Channel.both),
    Source.stall: (Channel.stall, Channel.both),
    Source.paper: (Channel.stall, Channel.both, Channel.online),
}


class InvalidAnswers(ValidationError):
    """Some answers break the questionnaire's rules: one message per question id."""

    def __init__(self, errors: dict[int, object]) -> None:
        super().__init__(_l("Certaines réponses sont à corriger : voir les messages ci-dessous."))
        self.errors = errors


class ReplayedForm(Conflict):
    """This form's answers are already counted: nothing is stored a second time."""

    def __init__(self) -> None:
        super().__init__(
            _l("Ce formulaire a déjà été envoyé : une réponse n'est enregistrée qu'une fois.")
        )


@dataclass
class ParsedAnswers:
    """What one person answered, ready to store."""

    choices: list[tuple[int, int]] = field(default_factory=list)  # (question id, choice id)
    scales: list[tuple[int, int]] = field(default_factory=list)  # (question id, 1 to 5)
    texts: list[tuple[int, str]] = field(default_factory=list)  # (question id, text)


def field_name(question: Question) -> str:
    return f"q{question.id}"


def clean_text(value: str) -> str:
    """Trimmed text without control characters (a NUL is refused by PostgreSQL)."""
    kept = "".join(char for char in value if char in "\n\t" or unicodedata.category(char)[0] != "C")
    return kept.strip()


def parse_answers(
    questions: Sequence[Question], form: Mapping[str, Sequence[str]]
) -> ParsedAnswers:
    """Check a submitted form against the questions; raise InvalidAnswers naming each error."""
    parsed = ParsedAnswers()
    errors: dict[int, object] = {}
    for question in questions:
        values = [value for value in form.get(field_name(question), ()) if value.strip()]
        try:
            _parse_one(question, values, parsed)
        except ValueError as error:
            errors[question.id] = error.args[0]
    if errors:
        raise InvalidAnswers(errors)
    return parsed


def _parse_one(question: Question, values: list[str], parsed: ParsedAnswers) -> None:
    if not values:
        if question.is_required:
            raise ValueError(_l("Cette question demande une réponse."))
        return
    if question.kind == QuestionKind.text:
        text = clean_text(values[0])
        if len(values) > 1 or len(text) > MAX_TEXT:
            raise ValueError(_l("Votre réponse dépasse 1 000 caractères."))
        if text:
            parsed.texts.append((question.id, text))
        elif question.is_required:
            raise ValueError(_l("Cette question demande une réponse."))
        return
    if question.kind == QuestionKind.scale:
        if len(values) > 1 or values[0].strip() not in ("1", "2", "3", "4", "5"):
            raise ValueError(_l("Choisissez une valeur de 1 à 5."))
        parsed.scales.append((question.id, int(values[0])))
        return
    allowed = {str(choice.id): choice.id for choice in question.choices}
    picked = list(dict.fromkeys(values))
    if any(value not in allowed for value in picked) or (
        question.kind == QuestionKind.single and len(picked) > 1
    ):
        raise ValueError(_l("Cette réponse ne fait pas partie de celles proposées."))
    parsed.choices.extend((question.id, allowed[value]) for value in picked)


def new_form_token(secret_key: str, consultation: Consultation) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=_FORM_SALT)
    return serializer.dumps({"c": consultation.id, "n": secrets.token_hex(16)})


def read_form_token(secret_key: str, consultation: Consultation, token: str) -> str:
    """The one-time part of a form token issued for this consultation, or ValidationError."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_FORM_SALT)
    try:
        data = serializer.loads(token, max_age=FORM_TOKEN_MAX_AGE)
    except BadData:
        data = None
    if not isinstance(data, dict) or data.get("c") != consultation.id:
        raise ValidationError(
            _l("Ce formulaire a expiré : rechargez la page pour répondre à nouveau.")
        )
    return str(data["n"])


def check_accepts(
    consultation: Consultation, source: Source, *, stall: Stall | None = None
) -> None:
    """Refuse answers to a consultation that is not open, or not run where they come from. A
    passer-by answering online through a stall's code (its posters) answers for that stall."""
    if consultation.status != ConsultationStatus.open:
        raise ValidationError(
            _l("Cette consultation n'est pas ouverte : les réponses ne sont pas recueillies.")
        )
    if stall is not None and stall.consultation_id != consultation.id:
        raise ValidationError(_l("Ce stand n'appartient pas à cette consultation."))
    channels = tuple(Channel) if source == Source.online and stall else _CHANNELS[source]
    if consultation.channel not in channels:
        raise ValidationError(
            _l("Cette consultation ne se répond pas en ligne.")
            if source == Source.online
            else _l("Cette consultation ne se tient pas sur un stand.")
        )


def is_counted(session: Session, form_token: str) -> bool:
    """Whether the answers of the form with this one-time token are already stored."""
    return bool(session.scalar(select(exists().where(Submission.form_token == form_token))))


def record_submission(
    session: Session,
    consultation: Consultation,
    answers: ParsedAnswers,
    *,
    source: Source,
    form_token: str,
    stall: Stall | None = None,
) -> Submission:
    """Store one person's answers: the submission, its answers and the running counts.

    Raise ReplayedForm when this form was counted already; a send racing with another of the
    same form gets an IntegrityError from the unique `form_token` instead (see is_counted)."""
    check_accepts(consultation, source, stall=stall)
    if is_counted(session, form_token):
        raise ReplayedForm()
    submission = Submission(
        consultation_id=consultation.id,
        source=source,
        stall_id=stall.id if stall else None,
        form_token=form_token,
        submitted_at=utcnow(),
    )
    session.add(submission)
    session.flush()
    rows = [_row(submission, q, choice_id=c) for q, c in answers.choices]
    rows += [_row(submission, q, scale_value=v) for q, v in answers.scales]
    rows += [_row(submission, q, text=text) for q, text in answers.texts]
    if rows:
        session.execute(insert(Answer), rows)
    profiles = {question.id for question in consultation.questions if question.is_profile}
    add_to_tallies(session, tally_keys(answers.choices, answers.scales, answers.texts, profiles))
    return submission


def _row(
    submission: Submission,
    question_id: int,
    *,
    choice_id: int | None = None,
    scale_value: int | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    return {
        "submission_id": submission.id,
        "question_id": question_id,
        "choice_id": choice_id,
        "scale_value": scale_value,
        "text": text,
        "text_review": TextReview.pending if text is not None else None,
    }
