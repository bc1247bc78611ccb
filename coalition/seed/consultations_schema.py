"""The consultations and workshops of a seed file: their fields and the checks between parts.

A consultation's answers are written as answer sheets, one inline table per person, keyed by
the questions' `key`: `{ concerne = "Un peu", ressenti = ["Curiosité"], confiance = 3 }`.
A text answer is a text (still to be reviewed) or `{ text = "...", review = "approved" }`.
Sheets come in batches: those of one stall (they take its date) or those answered online on
one day (`on`). A workshop's contributions sit under their case and may name one of the
workshop's issues.
"""

from datetime import date
from typing import Any

from coalition.consultations.models import Channel, ConsultationStatus, QuestionKind, TextReview
from coalition.seed.fields import (
    PARIS,
    Field,
    Tables,
    boolean,
    calendar_date,
    choice,
    inline_tables,
    names,
    paris_datetime,
    text,
)
from coalition.workshops.models import ContributionKind, GeneralObjective

MAX_SHEETS_PER_BATCH = 60

# (question key, choice label, scale value, text, text review): one Answer row
AnswerRow = tuple[str, str | None, int | None, str | None, TextReview | None]

QUESTION_FIELDS = {
    "key": Field(text(40)),  # names the question in the answer sheets
    "prompt": Field(text(500)),
    "help": Field(text(500, blank=True), False, ""),
    "kind": Field(choice(QuestionKind)),
    "is_required": Field(boolean, False, False),
    "is_profile": Field(boolean, False, False),
    "choices": Field(names, False, []),
}
STALL_FIELDS = {
    "place": Field(text(200)),
    "territory": Field(text(200, blank=True), False, ""),
    "held_on": Field(calendar_date),
}
BATCH_FIELDS = {
    "stall": Field(text(200), False, None),  # a stall's place; none: answered online...
    "on": Field(calendar_date, False, None),  # ...on this day
    "sheets": Field(inline_tables),
}
CONSULTATION_FIELDS = {
    "title": Field(text(300)),
    "introduction": Field(text(10_000, blank=True), False, ""),
    "channel": Field(choice(Channel), False, Channel.online),
    "status": Field(choice(ConsultationStatus), False, ConsultationStatus.draft),
    "opened_at": Field(paris_datetime, False, None),
    "closed_at": Field(paris_datetime, False, None),
    "questions": Field(Tables(QUESTION_FIELDS)),
    "stalls": Field(Tables(STALL_FIELDS), False, []),
    "batches": Field(Tables(BATCH_FIELDS), False, []),
}

ISSUE_FIELDS = {"title": Field(text(300)), "question": Field(text(2000, blank=True), False, "")}
CONTRIBUTION_FIELDS = {
    "kind": Field(choice(ContributionKind)),
    "text": Field(text(2000)),
    "objective": Field(choice(GeneralObjective), False, None),
    "issue": Field(text(300), False, None),  # the title of one of the workshop's issues
}
CASE_FIELDS = {
    "title": Field(text(300)),
    "scenario": Field(text(5000, blank=True), False, ""),
    "contributions": Field(Tables(CONTRIBUTION_FIELDS), False, []),
}
WORKSHOP_FIELDS = {
    "title": Field(text(300)),
    "description": Field(text(10_000, blank=True), False, ""),
    "place": Field(text(200, blank=True), False, ""),
    "held_on": Field(calendar_date, False, None),
    "is_published": Field(boolean, False, False),
    "issues": Field(Tables(ISSUE_FIELDS), False, []),
    "cases": Field(Tables(CASE_FIELDS)),
}


def check_consultation(entry: dict[str, Any]) -> list[str]:
    """The mistakes that span a consultation's parts; turns each sheet into its AnswerRows."""
    mistakes = _duplicates(entry["questions"], "key") + _duplicates(entry["questions"], "prompt")
    mistakes += _duplicates(entry["stalls"], "place")
    for question in entry["questions"]:
        mistakes += _check_choices(question)
    if entry["opened_at"] and entry["closed_at"] and entry["closed_at"] <= entry["opened_at"]:
        mistakes.append(f"{entry['_where']}: closed_at: must be after opened_at")
    for stall in entry["stalls"]:
        mistakes += _check_day(entry, stall["held_on"], f"{stall['_where']}: held_on")
    questions = {question["key"]: question for question in entry["questions"]}
    for batch in entry["batches"]:
        mistakes += _check_batch(entry, batch)
        for index, sheet in enumerate(batch["sheets"], start=1):
            rows, sheet_mistakes = _read_sheet(sheet, questions)
            batch["sheets"][index - 1] = rows
            where = f"{batch['_where']}: sheets[{index}]"
            mistakes += [f"{where}: {mistake}" for mistake in sheet_mistakes]
    return mistakes


def _check_batch(consultation: dict[str, Any], batch: dict[str, Any]) -> list[str]:
    where, channel = batch["_where"], consultation["channel"]
    mistakes = []
    if batch["stall"] is None:
        if batch["on"] is None:
            mistakes.append(f"{where}: on: missing (a batch without a stall is answered online)")
        else:
            mistakes += _check_day(consultation, batch["on"], f"{where}: on")
        if channel == Channel.stall:
            mistakes.append(f"{where}: stall: missing (this consultation runs on stalls only)")
    else:
        if batch["stall"] not in {stall["place"] for stall in consultation["stalls"]}:
            mistakes.append(
                f"{where}: stall: {batch['stall']!r} is not one of the consultation's stalls"
            )
        if batch["on"] is not None:
            mistakes.append(f"{where}: on: a stall's sheets take the stall's date")
        if channel == Channel.online:
            mistakes.append(f"{where}: stall: this consultation runs online only")
    if len(batch["sheets"]) > MAX_SHEETS_PER_BATCH:
        mistakes.append(f"{where}: sheets: more than {MAX_SHEETS_PER_BATCH} in one batch")
    return mistakes


def _check_day(consultation: dict[str, Any], day: date, where: str) -> list[str]:
    opened, closed = consultation["opened_at"], consultation["closed_at"]
    if opened and day < opened.astimezone(PARIS).date():
        return [f"{where}: {day} is before the consultation opened"]
    if closed and day > closed.astimezone(PARIS).date():
        return [f"{where}: {day} is after the consultation closed"]
    return []


def check_workshop(entry: dict[str, Any]) -> list[str]:
    mistakes = _duplicates(entry["issues"], "title") + _duplicates(entry["cases"], "title")
    issues = {issue["title"] for issue in entry["issues"]}
    for case in entry["cases"]:
        mistakes += _duplicates(case["contributions"], "text")
        for contribution in case["contributions"]:
            if contribution["issue"] is not None and contribution["issue"] not in issues:
                mistakes.append(
                    f"{contribution['_where']}: issue: {contribution['issue']!r} is not one of "
                    "the workshop's issues"
                )
    return mistakes


def _duplicates(entries: list[dict[str, Any]], key: str) -> list[str]:
    seen: set[Any] = set()
    mistakes = []
    for entry in entries:
        if entry[key] in seen:
            mistakes.append(f"{entry['_where']}: {key}: {entry[key]!r} appears twice")
        seen.add(entry[key])
    return mistakes


def _check_choices(question: dict[str, Any]) -> list[str]:
    where, choices = question["_where"], question["choices"]
    if question["kind"] in (QuestionKind.single, QuestionKind.multiple):
        if len(choices) < 2:
            return [f"{where}: choices: a {question['kind']} question needs at least two"]
        if len(set(choices)) < len(choices):
            return [f"{where}: choices: a label appears twice"]
    elif choices:
        return [f"{where}: choices: a {question['kind']} question has none"]
    return []


def _read_sheet(
    sheet: dict[str, Any], questions: dict[str, dict[str, Any]]
) -> tuple[list[AnswerRow], list[str]]:
    rows: list[AnswerRow] = []
    mistakes = [f"{key}: no such question" for key in sheet if key not in questions]
    for key, question in questions.items():
        if key not in sheet:
            if question["is_required"]:
                mistakes.append(f"{key}: missing (the question is required)")
            continue
        try:
            rows += _answer_rows(key, question, sheet[key])
        except ValueError as error:
            mistakes.append(f"{key}: {error}")
    return rows, mistakes


def _answer_rows(key: str, question: dict[str, Any], value: Any) -> list[AnswerRow]:
    kind = question["kind"]
    if kind == QuestionKind.scale:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValueError(f"{value!r} is not a whole number between 1 and 5")
        return [(key, None, value, None, None)]
    if kind == QuestionKind.text:
        if isinstance(value, str):
            value = {"text": value}
        if (
            not isinstance(value, dict)
            or set(value) - {"text", "review"}
            or not isinstance(value.get("text"), str)
        ):
            raise ValueError('expected a text or { text = "...", review = "approved" }')
        if not value["text"].strip():
            raise ValueError("the text must not be empty")
        review = value.get("review", TextReview.pending.value)
        if review not in [member.value for member in TextReview]:
            allowed = ", ".join(TextReview)
            raise ValueError(f"review: unknown value {review!r} (expected one of: {allowed})")
        return [(key, None, None, value["text"].strip(), TextReview(review))]
    labels = [value] if kind == QuestionKind.single else value
    if kind == QuestionKind.multiple and (not isinstance(value, list) or not value):
        raise ValueError("expected a list of the question's choices")
    for label in labels:
        if label not in question["choices"]:
            raise ValueError(f"{label!r} is not one of the question's choices")
    if len(set(labels)) < len(labels):
        raise ValueError("a choice is ticked twice")
    return [(key, label, None, None, None) for label in labels]
