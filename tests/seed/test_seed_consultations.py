"""The demo's consultations and workshop load with their numbers, twice is a no-op, mistakes are
refused naming the entry and writing nothing."""

from collections import Counter
from datetime import UTC, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Answer,
    Channel,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    Source,
    Stall,
    Submission,
    TextReview,
)
from coalition.meetings.models import Meeting
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from coalition.workshops.models import CommonIssue, Contribution, ContributionKind, Workshop
from tests.seed.test_seed import DEMO, broken, count, run_seed, table_counts

PARIS = ZoneInfo("Europe/Paris")
MARKET = "Le Marché de l'IA : et vous, qu'en pensez-vous ?"
MARKET_ENTRY = f"consultations[1] ({MARKET})"
ONLINE = "Vos attentes envers l'IA dans les services publics"
WORKSHOP_ENTRY = (
    "workshops[1] (Convention citoyenne de Montpellier : ateliers sur cinq cas d'usage)"
)


@pytest.fixture
def demo(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    db.flush()


def consultation(db: Session, title: str) -> Consultation:
    return db.scalars(select(Consultation).where(Consultation.title == title)).one()


def test_demo_consultations_load_with_their_numbers(db: Session, demo: None) -> None:
    assert count(db, Consultation) == 2
    assert count(db, Question) == 12
    assert count(db, Choice) == 31
    assert count(db, Stall) == 3
    assert count(db, Submission) == 55
    kinds = dict(
        db.execute(
            select(Question.kind, func.count(Answer.id))
            .join(Answer, Answer.question_id == Question.id)
            .group_by(Question.kind)
        ).all()
    )
    assert kinds == {"single": 211, "multiple": 74, "scale": 48, "text": 15}
    reviews = Counter(db.scalars(select(Answer.text_review).where(Answer.text.is_not(None))))
    assert reviews == {TextReview.approved: 10, TextReview.pending: 4, TextReview.rejected: 1}
    untexted = select(func.count()).where(Answer.text.is_(None), Answer.text_review.is_not(None))
    assert db.scalar(untexted) == 0


def test_the_market_consultation_runs_on_stalls_and_online(db: Session, demo: None) -> None:
    market = consultation(db, MARKET)
    assert (market.status, market.channel) == (ConsultationStatus.open, Channel.both)
    assert market.opened_at is not None and market.opened_at.year == 2025
    assert market.questions[0].prompt == (
        "Vous sentez-vous concerné·e par l'intelligence artificielle ?"
    )
    assert market.questions[0].is_required
    assert [q.kind for q in market.questions] == [
        "single", "multiple", "single", "scale", "single", "text", "single", "single"
    ]  # fmt: skip
    assert sum(q.is_profile for q in market.questions) == 2
    feelings = [c.label for c in market.questions[1].choices]
    assert {"Ça me fait peur", "Ça ne m'intéresse pas", "Curiosité"} <= set(feelings)
    stalls = db.scalars(select(Stall).where(Stall.consultation_id == market.id)).all()
    assert {s.place for s in stalls} == {
        "Marché de Dié",
        "Marché de Bletterans",
        "Marché de Plouézec",
    }
    by_stall = {s.id: s for s in stalls}
    submissions = db.scalars(
        select(Submission).where(Submission.consultation_id == market.id)
    ).all()
    assert Counter(s.source for s in submissions) == {Source.stall: 36, Source.online: 4}
    for submission in submissions:
        assert submission.form_token.startswith(f"seed:{market.id}:")
        assert submission.submitted_at.tzinfo is not None
        local = submission.submitted_at.astimezone(PARIS)
        assert time(8) <= local.time() <= time(20)
        if submission.source == Source.stall:
            assert submission.stall_id is not None
            assert local.date() == by_stall[submission.stall_id].held_on
        else:
            assert submission.stall_id is None
    first = min(submissions, key=lambda s: s.id)
    assert first.submitted_at.astimezone(UTC).hour == 7  # 9:00 in Paris in July


def test_the_online_questionnaire_fell_between_two_meetings(db: Session, demo: None) -> None:
    online = consultation(db, ONLINE)
    assert (online.status, online.channel) == (ConsultationStatus.closed, Channel.online)
    meetings = {m.number: m.starts_at for m in db.scalars(select(Meeting))}
    assert online.opened_at and online.closed_at
    assert meetings[2] > online.opened_at and meetings[2] < online.closed_at < meetings[3]
    sources = db.scalars(select(Submission.source).where(Submission.consultation_id == online.id))
    assert Counter(sources) == {Source.online: 15}


def test_the_montpellier_workshop_has_five_cases_and_eight_issues(db: Session, demo: None) -> None:
    workshop = db.scalars(select(Workshop)).one()
    assert workshop.is_published and workshop.place.startswith("Montpellier")
    assert workshop.held_on and 2023 <= workshop.held_on.year <= 2024
    assert [case.title for case in workshop.cases] == [
        "Avec l'IA la fin des problèmes d'eau",
        "L'IA au secours de la santé",
        "L'IA la clé des problèmes de mobilité",
        "ChatGPT pour une nouvelle relation à l'usager",
        "Plus de justice sociale grâce à l'IA",
    ]
    assert count(db, CommonIssue) == 8
    contributions = db.scalars(select(Contribution)).all()
    assert len(contributions) == 23
    per_case = Counter(c.case_id for c in contributions)
    assert all(3 <= per_case[case.id] <= 5 for case in workshop.cases)
    assert set(Counter(c.kind for c in contributions)) == set(ContributionKind)
    tagged = [c for c in contributions if c.objective or c.issue_id]
    assert len(tagged) > len(contributions) * 3 / 4


def test_loading_twice_changes_nothing(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    db.flush()
    before = table_counts(db)
    versions = sorted(db.scalars(select(Consultation.version)))
    again = load_seed(db, read_seed(DEMO))
    db.flush()
    assert not again.changed, (again.created, again.updated)
    assert table_counts(db) == before
    assert sorted(db.scalars(select(Consultation.version))) == versions


def test_an_edited_sheet_updates_only_its_submission(db: Session, tmp_path: Path) -> None:
    load_seed(db, read_seed(DEMO))
    db.flush()
    answers = count(db, Answer)
    edited = broken(tmp_path, 'review = "rejected"', 'review = "approved"')
    result = load_seed(db, read_seed(edited))
    db.flush()
    assert (result.created, result.updated) == (0, 1)
    assert count(db, Answer) == answers
    assert count(db, Submission) == 55
    assert db.scalar(select(func.count()).where(Answer.text_review == TextReview.rejected)) == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'ressenti = ["Ça me fait peur"], usage = "Jamais", confiance = 1',
            'ressenti = ["La peur"], usage = "Jamais", confiance = 1',
            f"{MARKET_ENTRY}: batches[1] (Marché de Dié): sheets[3]: ressenti: 'La peur' is not "
            "one of the question's choices",
        ),
        (
            'confiance = 4, atelier = "Oui"',
            'confiance = 6, atelier = "Oui"',
            f"{MARKET_ENTRY}: batches[1] (Marché de Dié): sheets[4]: confiance: 6 is not a whole "
            "number between 1 and 5",
        ),
        (
            'stall = "Marché de Bletterans"',
            'stall = "Marché de Lons"',
            f"{MARKET_ENTRY}: batches[2] (Marché de Lons): stall: 'Marché de Lons' is not one of "
            "the consultation's stalls",
        ),
        (
            '{ concerne = "Pas du tout", ressenti',
            "{ ressenti",
            f"{MARKET_ENTRY}: batches[1] (Marché de Dié): sheets[1]: concerne: missing (the "
            "question is required)",
        ),
        (
            "mot = {",
            "mots = {",
            f"{MARKET_ENTRY}: batches[1] (Marché de Dié): sheets[3]: mots: no such question",
        ),
        (
            'review = "rejected"',
            'review = "hidden"',
            "batches[2] (Marché de Bletterans): sheets[9]: mot: review: unknown value 'hidden'",
        ),
        (
            'kind = "scale"',
            'kind = "slider"',
            f"{MARKET_ENTRY}: questions[4] (Quelle confiance accorderiez-vous à un service public "
            "qui utilise l'IA ?): kind: unknown value 'slider'",
        ),
        (
            "held_on = 2025-07-12",
            "held_on = 2025-06-12",
            f"{MARKET_ENTRY}: stalls[1] (Marché de Dié): held_on: 2025-06-12 is before the "
            "consultation opened",
        ),
        (
            'issue = "Coût et gains"',
            'issue = "Coûts"',
            f"{WORKSHOP_ENTRY}: cases[1] (Avec l'IA la fin des problèmes d'eau): "
            "contributions[5]: issue: 'Coûts' is not one of the workshop's issues",
        ),
        (
            'objective = "sovereignty"',
            'objective = "souverainete"',
            f"{WORKSHOP_ENTRY}: cases[1] (Avec l'IA la fin des problèmes d'eau): "
            "contributions[3]: objective: unknown value 'souverainete'",
        ),
        (
            'kind = "condition"',
            'kind = "requirement"',
            f"{WORKSHOP_ENTRY}: cases[1] (Avec l'IA la fin des problèmes d'eau): "
            "contributions[5]: kind: unknown value 'requirement'",
        ),
    ],
)
def test_a_mistake_is_refused_naming_the_entry(
    app: Flask, db: Session, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = broken(tmp_path, old, new)
    before = table_counts(db)
    result = run_seed(app, str(path))
    assert result.exit_code != 0
    assert f"{path}: " in result.output
    assert expected in result.output
    assert "nothing was changed" in result.output
    assert table_counts(db) == before


def test_the_seeded_answers_are_counted_in_the_results(db: Session, demo: None) -> None:
    from coalition.consultations.results import consultation_results
    from coalition.consultations.service_tallies import rebuild_tallies, tallies_of

    market = consultation(db, MARKET)
    results = consultation_results(db, market)
    assert results.submissions == 40
    assert results.questions[0].respondents == 40  # the required first question
    ids = [question.id for question in market.questions]
    kept = tallies_of(db, ids)
    rebuild_tallies(db, market)
    assert tallies_of(db, ids) == kept
    load_seed(db, read_seed(DEMO))  # loading again counts nothing twice
    db.flush()
    assert tallies_of(db, ids) == kept
