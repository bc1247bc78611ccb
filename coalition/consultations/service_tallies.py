"""Running counts of a consultation's answers, kept in the same transaction as each answer, so
that results and cross-tables read a few hundred rows whatever the number of answers.

A `Tally` row counts, for one question, either the people who answered it (answer_key 0) or
those who gave one answer (a choice id, or a scale value 1 to 5); over every submission
(group_key 0) or over those who gave one choice of a profile question (group_key = its id).
`rebuild_tallies` recomputes them from the answers, for bulk loads and as a check.
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from coalition.consultations.models import Answer, Consultation, Tally

RESPONDENTS = 0
EVERYONE = 0

TallyKey = tuple[int, int, int]  # question id, answer key, group key


def tally_keys(
    choices: Iterable[tuple[int, int]],
    scales: Iterable[tuple[int, int]],
    texts: Iterable[tuple[int, str]],
    profile_question_ids: set[int],
) -> list[TallyKey]:
    """The counts one submission adds 1 to, in one total order, so that two submissions
    updating the same rows at once lock them in the same order (no deadlock)."""
    choices, scales = list(choices), list(scales)
    groups = [EVERYONE, *(choice for q, choice in choices if q in profile_question_ids)]
    answered = {q for q, _ in choices} | {q for q, _ in scales} | {q for q, _ in texts}
    keys = {(q, RESPONDENTS) for q in answered} | set(choices) | set(scales)
    return sorted((q, key, group) for q, key in keys for group in groups)


def add_to_tallies(session: Session, keys: list[TallyKey]) -> None:
    """Add 1 to each count, creating the rows that do not exist yet: one statement."""
    if not keys:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(Tally)
    statement = upsert.on_conflict_do_update(
        index_elements=["question_id", "answer_key", "group_key"],
        set_={"count": Tally.count + upsert.excluded.count},
    )
    session.execute(
        statement,
        [
            {"question_id": question_id, "answer_key": answer_key, "group_key": group, "count": 1}
            for question_id, answer_key, group in keys
        ],
    )


def tallies_of(session: Session, question_ids: list[int]) -> dict[TallyKey, int]:
    return {
        (question_id, answer_key, group_key): count
        for question_id, answer_key, group_key, count in session.execute(
            select(Tally.question_id, Tally.answer_key, Tally.group_key, Tally.count).where(
                Tally.question_id.in_(question_ids)
            )
        )
    }


def rebuild_tallies(session: Session, consultation: Consultation) -> None:
    """Recompute the consultation's counts from its answers, in the database."""
    ids = [question.id for question in consultation.questions]
    profile_ids = [question.id for question in consultation.questions if question.is_profile]
    session.execute(delete(Tally).where(Tally.question_id.in_(ids)))
    columns = ["question_id", "answer_key", "group_key", "count"]
    key = func.coalesce(Answer.choice_id, Answer.scale_value)
    everyone = literal(EVERYONE)
    selects = [
        select(Answer.question_id, literal(RESPONDENTS), everyone, _people())
        .where(Answer.question_id.in_(ids))
        .group_by(Answer.question_id),
        select(Answer.question_id, key, everyone, func.count())
        .where(Answer.question_id.in_(ids), Answer.text.is_(None))
        .group_by(Answer.question_id, key),
    ]
    if profile_ids:
        profile = aliased(Answer)
        joined = (
            select()
            .join_from(Answer, profile, profile.submission_id == Answer.submission_id)
            .where(Answer.question_id.in_(ids), profile.question_id.in_(profile_ids))
        )
        selects += [
            joined.add_columns(
                Answer.question_id, literal(RESPONDENTS), profile.choice_id, _people()
            ).group_by(Answer.question_id, profile.choice_id),
            joined.add_columns(Answer.question_id, key, profile.choice_id, func.count())
            .where(Answer.text.is_(None))
            .group_by(Answer.question_id, key, profile.choice_id),
        ]
    for statement in selects:
        session.execute(insert(Tally).from_select(columns, statement))
    session.flush()


def _people() -> ColumnElement[int]:
    return func.count(func.distinct(Answer.submission_id))
