"""The seed's action reviews and recommendations: their fields, their checks, their loading.

A review is known by its meeting (number) and its action (title); a recommendation by its
title. A recommendation's issues are titles of common issues of the file's workshops (of its
own workshop when it names one); its answer is optional but, when given, has a reason.
"""

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor
from coalition.meetings.models import ActionReview, Meeting
from coalition.recommendations.models import AnswerStatus, Origin, Recommendation
from coalition.roadmap.models import Action, ActionStatus
from coalition.seed.fields import Field, calendar_date, choice, integer, names, text
from coalition.workshops.models import CommonIssue, GeneralObjective, Workshop

if TYPE_CHECKING:
    from coalition.seed.load import SeedResult

REVIEW_FIELDS = {
    "meeting": Field(integer(1, 10_000)),
    "action": Field(text(300)),
    "status": Field(choice(ActionStatus)),
    "progress": Field(integer(0, 100), False, 0),
    "note": Field(text(5000, blank=True), False, ""),
    "next_steps": Field(text(5000, blank=True), False, ""),
}

RECOMMENDATION_FIELDS = {
    "title": Field(text(300)),
    "text": Field(text(20_000, blank=True), False, ""),
    "origin": Field(choice(Origin)),
    "workshop": Field(text(300), False, None),
    "objectives": Field(names, False, []),
    "issues": Field(names, False, []),
    "answer": Field(choice(AnswerStatus), False, None),
    "reason": Field(text(5000, blank=True), False, ""),
    "answered_by": Field(text(200), False, None),
    "answered_on": Field(calendar_date, False, None),
    "actions": Field(names, False, []),
}

REFERENCES = {
    ("reviews", "meeting"): "meetings",
    ("reviews", "action"): "actions",
    ("recommendations", "workshop"): "workshops",
    ("recommendations", "answered_by"): "actors",
    ("recommendations", "actions"): "actions",
}


def check_reviews(entries: list[dict[str, Any]]) -> list[str]:
    mistakes, pairs = [], set()
    for entry in entries:
        pair = (entry["meeting"], entry["action"])
        if pair in pairs:
            mistakes.append(f"{entry['_where']}: action: reviewed twice at this meeting")
        pairs.add(pair)
    return mistakes


def check_recommendation(entry: dict[str, Any], workshops: list[dict[str, Any]]) -> list[str]:
    where = entry["_where"]
    mistakes = []
    known = {o.value for o in GeneralObjective}
    mistakes += [
        f"{where}: objectives: {code!r} is not one of {sorted(known)}"
        for code in entry["objectives"]
        if code not in known
    ]
    issues = {
        issue["title"]
        for workshop in workshops
        if entry["workshop"] in (None, workshop["title"])
        for issue in workshop["issues"]
    }
    mistakes += [
        f"{where}: issues: {title!r} is not a common issue of the file's workshops"
        for title in entry["issues"]
        if title not in issues
    ]
    answered = entry["answer"] is not None
    if answered and not entry["reason"]:
        mistakes.append(f"{where}: reason: an answer needs its reason")
    if not answered and (entry["reason"] or entry["actions"] or entry["answered_on"]):
        mistakes.append(f"{where}: answer: missing, though its reason, date or actions are given")
    if entry["answer"] == AnswerStatus.not_retained and entry["actions"]:
        mistakes.append(f"{where}: actions: a recommendation not retained has no action")
    return mistakes


def _by(session: Session, model: Any, key: str, coalition_id: int) -> dict[Any, Any]:
    rows = session.scalars(select(model).where(model.coalition_id == coalition_id))
    return {getattr(row, key): row for row in rows}


def load_reviews(session: Session, result: "SeedResult", entries: list[dict[str, Any]]) -> None:
    cid = result.coalition.id
    meetings = _by(session, Meeting, "number", cid)
    actions = _by(session, Action, "title", cid)
    existing = {
        (r.meeting_id, r.action_id): r
        for r in session.scalars(
            select(ActionReview).where(
                ActionReview.meeting_id.in_([m.id for m in meetings.values()])
            )
        )
    }
    for entry in entries:
        meeting, action = meetings[entry["meeting"]], actions[entry["action"]]
        values = {k: entry[k] for k in ("status", "progress", "note", "next_steps")}
        found = existing.get((meeting.id, action.id))
        if found is None:
            session.add(ActionReview(meeting_id=meeting.id, action_id=action.id, **values))
            result.created += 1
        else:
            result.update(found, values)
    session.flush()


def load_recommendations(
    session: Session, result: "SeedResult", entries: list[dict[str, Any]]
) -> None:
    cid = result.coalition.id
    workshops = {
        w.title: w
        for w in session.scalars(
            select(Workshop)
            .where(Workshop.coalition_id == cid)
            .options(selectinload(Workshop.issues))
        )
    }
    actors = _by(session, Actor, "name", cid)
    actions = _by(session, Action, "title", cid)
    existing = {
        r.title: r
        for r in session.scalars(
            select(Recommendation)
            .where(Recommendation.coalition_id == cid)
            .options(selectinload(Recommendation.issues), selectinload(Recommendation.actions))
        )
    }
    for entry in entries:
        workshop = workshops.get(entry["workshop"]) if entry["workshop"] else None
        issues: dict[str, CommonIssue] = {
            issue.title: issue
            for w in ([workshop] if workshop else workshops.values())
            for issue in w.issues
        }
        answered_on = entry["answered_on"]
        values: dict[str, Any] = {
            "text": entry["text"],
            "origin": entry["origin"],
            "workshop_id": workshop.id if workshop else None,
            "objectives": " ".join(o.value for o in GeneralObjective if o in entry["objectives"]),
            "answer_status": entry["answer"],
            "answer_reason": entry["reason"],
            "answered_by_actor_id": actors[entry["answered_by"]].id
            if entry["answered_by"]
            else None,
            "answered_on": answered_on,
            "answer_recorded_at": datetime.combine(answered_on, time(12), UTC)
            if answered_on
            else None,
            "issues": [issues[title] for title in entry["issues"]],
            "actions": [actions[title] for title in entry["actions"]],
        }
        found = existing.get(entry["title"])
        if found is None:
            session.add(Recommendation(coalition_id=cid, title=entry["title"], **values))
            result.created += 1
        else:
            result.update(found, values)
    session.flush()
