"""Writing a seed's consultations and workshops: an upsert by natural keys, like the rest.

A seeded submission is known by its form token `seed:<consultation id>:<n>`, n counting the
consultation's sheets in file order: loading the same file twice adds no submission.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.consultations.models import (
    Answer,
    Choice,
    Consultation,
    Question,
    Source,
    Stall,
    Submission,
)
from coalition.consultations.service_tallies import rebuild_tallies
from coalition.seed.fields import PARIS
from coalition.workshops.models import CommonIssue, Contribution, UseCase, Workshop

if TYPE_CHECKING:
    from coalition.seed.load import SeedResult

# sheets of a batch are dated from 9:00, ten minutes apart: 60 sheets end the day at 19:00
FIRST_SHEET_AT = time(9, 0)
SHEET_INTERVAL = timedelta(minutes=10)
# form tokens of seeded submissions start with this; the app's tokens never do
SEEDED = "seed:"


def load_consultations(
    session: Session, result: "SeedResult", entries: list[dict[str, Any]]
) -> None:
    cid = result.coalition.id
    existing = {
        c.title: c
        for c in session.scalars(
            select(Consultation)
            .where(Consultation.coalition_id == cid)
            .options(selectinload(Consultation.questions).selectinload(Question.choices))
        )
    }
    for entry in entries:
        values = {
            key: entry[key]
            for key in ("title", "introduction", "channel", "status", "opened_at", "closed_at")
        }
        consultation = existing.get(entry["title"])
        if consultation is None:
            consultation = Consultation(coalition_id=cid, questions=[], **values)
            session.add(consultation)
            result.created += 1
        else:
            result.update(consultation, values)
        questions = _load_questions(result, consultation, entry["questions"])
        session.flush()
        stalls = _load_stalls(session, result, consultation, entry["stalls"])
        if _load_submissions(session, result, consultation, entry["batches"], questions, stalls):
            session.flush()
            rebuild_tallies(session, consultation)  # the running counts answering keeps


def _load_questions(
    result: "SeedResult", consultation: Consultation, entries: list[dict[str, Any]]
) -> dict[str, Question]:
    """Questions are known by their prompt, choices by their label."""
    by_prompt = {question.prompt: question for question in consultation.questions}
    by_key: dict[str, Question] = {}
    for position, entry in enumerate(entries):
        values = {
            "position": position,
            **{k: entry[k] for k in ("kind", "prompt", "help", "is_required", "is_profile")},
        }
        question = by_prompt.get(entry["prompt"])
        if question is None:
            question = Question(choices=[], **values)
            consultation.questions.append(question)
            result.created += 1
        else:
            result.update(question, values)
        by_label = {choice.label: choice for choice in question.choices}
        for choice_position, label in enumerate(entry["choices"]):
            if label in by_label:
                result.update(by_label[label], {"position": choice_position})
            else:
                question.choices.append(Choice(label=label, position=choice_position))
                result.created += 1
        by_key[entry["key"]] = question
    return by_key


def _load_stalls(
    session: Session,
    result: "SeedResult",
    consultation: Consultation,
    entries: list[dict[str, Any]],
) -> dict[str, Stall]:
    """Stalls are known by their place."""
    existing = {
        stall.place: stall
        for stall in session.scalars(select(Stall).where(Stall.consultation_id == consultation.id))
    }
    for entry in entries:
        stall = existing.get(entry["place"])
        if stall is None:
            existing[entry["place"]] = stall = Stall(
                consultation_id=consultation.id,
                place=entry["place"],
                territory=entry["territory"],
                held_on=entry["held_on"],
            )
            session.add(stall)
            result.created += 1
        else:
            values = {"held_on": entry["held_on"], "territory": entry["territory"]}
            result.update(stall, values)
    session.flush()
    return existing


def _load_submissions(
    session: Session,
    result: "SeedResult",
    consultation: Consultation,
    batches: list[dict[str, Any]],
    questions: dict[str, Question],
    stalls: dict[str, Stall],
) -> bool:
    """A sheet whose answers changed in the file has its answers replaced; True when any
    submission was added or replaced."""
    existing = {
        submission.form_token: submission
        for submission in session.scalars(
            select(Submission).where(
                Submission.consultation_id == consultation.id,
                Submission.form_token.startswith(SEEDED),
            )
        )
    }
    stored: dict[int, list[Answer]] = {}
    for answer in session.scalars(
        select(Answer).where(Answer.submission_id.in_([s.id for s in existing.values()]))
    ):
        stored.setdefault(answer.submission_id, []).append(answer)
    choices = {
        (key, choice.label): choice.id
        for key, question in questions.items()
        for choice in question.choices
    }
    to_answer: list[tuple[Submission, list[Answer]]] = []
    number = 0
    for batch in batches:
        stall = stalls[batch["stall"]] if batch["stall"] else None
        day: date = stall.held_on if stall else batch["on"]
        for index, rows in enumerate(batch["sheets"]):
            number += 1
            values = {
                "source": Source.stall if stall else Source.online,
                "stall_id": stall.id if stall else None,
                "submitted_at": _sheet_time(day, index),
            }
            answers = [
                Answer(
                    question_id=questions[key].id,
                    choice_id=choices[key, label] if label is not None else None,
                    scale_value=scale,
                    text=text,
                    text_review=review,
                )
                for key, label, scale, text, review in rows
            ]
            submission = existing.get(f"{SEEDED}{consultation.id}:{number}")
            if submission is None:
                token = f"{SEEDED}{consultation.id}:{number}"
                submission = Submission(consultation_id=consultation.id, form_token=token, **values)
                session.add(submission)
                to_answer.append((submission, answers))
                result.created += 1
                continue
            old = stored.get(submission.id, [])
            new_answers = Counter(map(_answer_key, old)) != Counter(map(_answer_key, answers))
            if new_answers:
                for answer in old:
                    session.delete(answer)
                to_answer.append((submission, answers))
            if not result.update(submission, values) and new_answers:
                result.updated += 1
    session.flush()
    for submission, answers in to_answer:
        for answer in answers:
            answer.submission_id = submission.id
        session.add_all(answers)
    return bool(to_answer)


def _sheet_time(day: date, index: int) -> datetime:
    start = datetime.combine(day, FIRST_SHEET_AT, tzinfo=PARIS)
    return (start + index * SHEET_INTERVAL).astimezone(UTC)


def _answer_key(answer: Answer) -> tuple[Any, ...]:
    return (
        answer.question_id,
        answer.choice_id,
        answer.scale_value,
        answer.text,
        answer.text_review,
    )


def load_workshops(session: Session, result: "SeedResult", entries: list[dict[str, Any]]) -> None:
    """Workshops, cases and issues are known by their title; contributions by case and text."""
    cid = result.coalition.id
    existing = {
        w.title: w
        for w in session.scalars(
            select(Workshop)
            .where(Workshop.coalition_id == cid)
            .options(selectinload(Workshop.cases), selectinload(Workshop.issues))
        )
    }
    for entry in entries:
        values = {k: entry[k] for k in ("title", "description", "place", "held_on", "is_published")}
        workshop = existing.get(entry["title"])
        if workshop is None:
            workshop = Workshop(coalition_id=cid, cases=[], issues=[], **values)
            session.add(workshop)
            result.created += 1
        else:
            result.update(workshop, values)
        issues = _by_title(result, workshop.issues, CommonIssue, entry["issues"], ("question",))
        cases = _by_title(result, workshop.cases, UseCase, entry["cases"], ("scenario",))
        session.flush()
        contributions = {
            (c.case_id, c.text): c
            for c in session.scalars(
                select(Contribution).where(Contribution.case_id.in_([c.id for c in cases.values()]))
            )
        }
        for case_entry in entry["cases"]:
            case = cases[case_entry["title"]]
            for item in case_entry["contributions"]:
                values = {
                    "kind": item["kind"],
                    "objective": item["objective"],
                    "issue_id": issues[item["issue"]].id if item["issue"] else None,
                }
                found = contributions.get((case.id, item["text"]))
                if found is None:
                    session.add(Contribution(case_id=case.id, text=item["text"], **values))
                    result.created += 1
                else:
                    result.update(found, values)


def _by_title(
    result: "SeedResult",
    collection: list[Any],
    model: type[CommonIssue] | type[UseCase],
    entries: list[dict[str, Any]],
    fields: tuple[str, ...],
) -> dict[str, Any]:
    existing = {item.title: item for item in collection}
    for position, entry in enumerate(entries):
        values = {"position": position, **{field: entry[field] for field in fields}}
        item = existing.get(entry["title"])
        if item is None:
            existing[entry["title"]] = item = model(title=entry["title"], **values)
            collection.append(item)
            result.created += 1
        else:
            result.update(item, values)
    return existing
