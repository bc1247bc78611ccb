"""Results of a consultation, aggregated by the database: counts, percentages, cross-tables,
approved free text, and the CSV of every answer (never anything that identifies a person)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Answer,
    Consultation,
    Question,
    QuestionKind,
    Stall,
    Submission,
    TextReview,
)
from coalition.consultations.service_tallies import EVERYONE, RESPONDENTS, TallyKey, tallies_of
from coalition.core.exports import csv_cell, paris_time

SCALE = (1, 2, 3, 4, 5)
TEXTS_SHOWN = 50
CSV_BATCH = 2000
CSV_FIRST_ANSWER = 5  # n, date, source, stall, territory, then one column per question


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    percent: float  # of the question's respondents (a multiple choice sums past 100)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    respondents: int
    counts: list[Count]  # choices in order, or 1 to 5; empty for free text
    mean: float | None  # scale questions
    texts: list[str]  # approved free text, latest first, at most TEXTS_SHOWN
    approved: int
    pending: int


@dataclass(frozen=True)
class Results:
    submissions: int
    questions: list[QuestionResult]


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def labels_of(question: Question) -> list[tuple[Any, str]]:
    """The keys answers are counted by (choice id or scale value) and their labels."""
    if question.kind == QuestionKind.scale:
        return [(value, str(value)) for value in SCALE]
    return [(choice.id, choice.label) for choice in question.choices]


def question_counts(
    question: Question, tallies: dict[TallyKey, int], group: int = EVERYONE
) -> tuple[int, list[Count]]:
    """How many answered the question (in a profile group), and the count of each answer."""
    respondents = tallies.get((question.id, RESPONDENTS, group), 0)
    return respondents, [
        Count(label, count, _percent(count, respondents))
        for key, label in labels_of(question)
        for count in [tallies.get((question.id, key, group), 0)]
    ]


def scale_mean(rows: list[Count], respondents: int) -> float | None:
    if not respondents:
        return None
    return round(sum(int(row.label) * row.count for row in rows) / respondents, 2)


def consultation_results(session: Session, consultation: Consultation) -> Results:
    """Everything the results page shows, in four statements whatever the number of answers."""
    ids = [question.id for question in consultation.questions]
    submissions = (
        session.scalar(select(func.count()).where(Submission.consultation_id == consultation.id))
        or 0
    )
    tallies = tallies_of(session, ids)
    reviews: dict[tuple[int, Any], int] = {
        (question_id, review): count
        for question_id, review, count in session.execute(
            select(Answer.question_id, Answer.text_review, func.count())
            .where(Answer.question_id.in_(ids), Answer.text_review.is_not(None))
            .group_by(Answer.question_id, Answer.text_review)
        )
    }
    texts = _approved_texts(session, ids)
    results = []
    for question in consultation.questions:
        total, rows = question_counts(question, tallies)
        mean = scale_mean(rows, total) if question.kind == QuestionKind.scale else None
        results.append(
            QuestionResult(
                question=question,
                respondents=total,
                counts=rows,
                mean=mean,
                texts=texts.get(question.id, []),
                approved=reviews.get((question.id, TextReview.approved), 0),
                pending=reviews.get((question.id, TextReview.pending), 0),
            )
        )
    return Results(submissions=submissions, questions=results)


def _approved_texts(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """The latest approved texts of each question, in one statement."""
    rank = (
        func.row_number()
        .over(partition_by=Answer.question_id, order_by=Answer.id.desc())
        .label("rank")
    )
    ranked = (
        select(Answer.question_id, Answer.text, Answer.id, rank)
        .where(Answer.question_id.in_(ids), Answer.text_review == TextReview.approved)
        .subquery()
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in session.execute(
        select(ranked.c.question_id, ranked.c.text)
        .where(ranked.c.rank <= TEXTS_SHOWN)
        .order_by(ranked.c.question_id, ranked.c.id.desc())
    ):
        texts.setdefault(question_id, []).append(text)
    return texts


@dataclass(frozen=True)
class CrossTable:
    question: Question
    rows: list[tuple[str, list[int]]]  # answer label, count per profile group


@dataclass(frozen=True)
class CrossTabs:
    by: str  # what the results page's `?by=` names: a profile question's id, or "territory"
    prompt: str  # what the answers are crossed with
    groups: list[str]  # the profile question's choices, or the territories
    group_sizes: list[int]  # how many answered each, or how many answered in each
    tables: list[CrossTable]


def cross_tabulate(session: Session, consultation: Consultation, profile: Question) -> CrossTabs:
    """Every choice and scale question broken down by the answers to a profile question."""
    tallies = tallies_of(session, [question.id for question in consultation.questions])
    groups = [choice.id for choice in profile.choices]
    tables = [
        CrossTable(
            question=question,
            rows=[
                (label, [tallies.get((question.id, key, group), 0) for group in groups])
                for key, label in labels_of(question)
            ],
        )
        for question in consultation.questions
        if question.id != profile.id and question.kind != QuestionKind.text
    ]
    return CrossTabs(
        by=str(profile.id),
        prompt=profile.prompt,
        groups=[choice.label for choice in profile.choices],
        group_sizes=[tallies.get((profile.id, RESPONDENTS, group), 0) for group in groups],
        tables=tables,
    )


def csv_rows(
    session: Session, consultation: Consultation, *, with_pending_texts: bool
) -> Iterator[list[str]]:
    """The header, then one row per submission: when (day only), how, the stall it counts for
    and its territory (never its holder), and every answer.
    Free text set aside by a facilitator is never exported; pending text only to facilitators.
    Submissions and answers are read as two streams in the same order, in index order."""
    questions = consultation.questions
    yield [
        "n",
        "date",
        "source",
        "stall",
        "territory",
        *(question.prompt for question in questions),
    ]
    labels = {choice.id: choice.label for q in questions for choice in q.choices}
    column = {question.id: CSV_FIRST_ANSWER + index for index, question in enumerate(questions)}
    shown = (
        [TextReview.approved, TextReview.pending] if with_pending_texts else [TextReview.approved]
    )
    submissions = session.execute(
        select(
            Submission.id, Submission.submitted_at, Submission.source, Stall.place, Stall.territory
        )
        .outerjoin(Stall, Stall.id == Submission.stall_id)
        .where(Submission.consultation_id == consultation.id)
        .order_by(Submission.id)
        .execution_options(yield_per=CSV_BATCH)
    )
    answers = session.execute(
        select(
            Answer.submission_id,
            Answer.question_id,
            Answer.choice_id,
            Answer.scale_value,
            Answer.text,
        )
        .join(Submission, Submission.id == Answer.submission_id)
        .where(
            Submission.consultation_id == consultation.id,
            Answer.text.is_(None) | Answer.text_review.in_(shown),
        )
        .order_by(Answer.submission_id, Answer.question_id, Answer.id)
        .execution_options(yield_per=CSV_BATCH)
    )
    pending = next(answers, None)
    for number, (submission_id, submitted_at, source, place, territory) in enumerate(
        submissions, start=1
    ):
        row = [
            str(number),
            _day(submitted_at),
            str(source),
            place or "",
            territory or "",
            *([""] * len(questions)),
        ]
        while pending is not None and pending[0] == submission_id:
            _, question_id, choice_id, scale, text = pending
            value = labels.get(choice_id, "") if choice_id is not None else text or str(scale)
            cell = column[question_id]
            row[cell] = f"{row[cell]} ; {value}" if row[cell] else value
            pending = next(answers, None)
        yield row


def _day(moment: datetime) -> str:
    return (paris_time(moment) or "")[:10]


def csv_line(cells: list[str]) -> list[str]:
    return [csv_cell(cell) for cell in cells]
