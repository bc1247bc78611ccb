"""The meeting diagnostic's section "what citizens said": consultations closed since the
previous meeting, with their most given answers, frozen when the diagnostic is published."""

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.digest import citizens_said
from coalition.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Source,
    Submission,
)
from coalition.consultations.service_tallies import rebuild_tallies
from tests import factories as f
from tests.conftest import World, post_form
from tests.consultations.conftest import Questions, make_consultation

OCT = datetime(2030, 10, 12, 16, tzinfo=UTC)
NOV = datetime(2030, 11, 9, 16, tzinfo=UTC)


def closed(db: Session, world: World, at: datetime, answers: list[tuple[str, int]]) -> Consultation:
    """A closed consultation with one submission per (concerned answer, trust) pair."""
    consultation = make_consultation(db, world.coalition, status=ConsultationStatus.closed)
    consultation.closed_at = at
    q = Questions.of(consultation)
    labels = {choice.label: choice.id for choice in q.concerned.choices}
    for n, (label, trust) in enumerate(answers):
        submission = Submission(
            consultation_id=consultation.id,
            source=Source.online,
            form_token=f"{consultation.id}-{n}",
        )
        db.add(submission)
        db.flush()
        db.add_all(
            [
                Answer(
                    submission_id=submission.id, question_id=q.concerned.id, choice_id=labels[label]
                ),
                Answer(submission_id=submission.id, question_id=q.trust.id, scale_value=trust),
            ]
        )
    rebuild_tallies(db, consultation)
    return consultation


def test_only_consultations_closed_between_the_two_meetings_are_listed(
    db: Session, world: World
) -> None:
    before = closed(db, world, datetime(2030, 10, 1, tzinfo=UTC), [("Oui", 3)])
    between = closed(
        db, world, datetime(2030, 10, 20, tzinfo=UTC), [("Oui", 4), ("Oui", 2), ("Non", 3)]
    )
    make_consultation(db, world.coalition)  # still open: not listed
    digest = citizens_said(db, world.coalition.id, OCT, NOV)
    assert [item["id"] for item in digest] == [between.id]
    item = digest[0]
    assert item["submissions"] == 3
    concerned, _feelings, trust, age = item["questions"]
    assert concerned["top"] == [
        {"label": "Oui", "percent": 66.7},
        {"label": "Non", "percent": 33.3},
    ]
    assert trust["mean"] == 3.0 and trust["respondents"] == 3
    assert age["top"] == []
    assert [item["id"] for item in citizens_said(db, world.coalition.id, None, OCT)] == [before.id]


def test_the_digest_issues_the_same_statements_whatever_the_data(
    db: Session, world: World, count_queries
) -> None:  # type: ignore[no-untyped-def]
    closed(db, world, datetime(2030, 10, 20, tzinfo=UTC), [("Oui", 4)])
    with count_queries() as small:
        citizens_said(db, world.coalition.id, OCT, NOV)
    for day in range(21, 26):
        closed(db, world, datetime(2030, 10, day, tzinfo=UTC), [("Non", 1)] * 20)
    with count_queries() as large:
        assert len(citizens_said(db, world.coalition.id, OCT, NOV)) == 6
    assert small.count == large.count


def test_the_prepare_page_and_the_published_diagnostic_list_the_consultation(
    client: FlaskClient, db: Session, world: World
) -> None:
    f.meeting(db, world.coalition, starts_at=OCT)
    november = f.meeting(db, world.coalition, starts_at=NOV)
    consultation = closed(db, world, datetime(2030, 10, 20, tzinfo=UTC), [("Oui", 4), ("Non", 5)])
    world.log_in(client, "facilitator")
    page = client.get(f"/c/ma-coalition/meetings/{november.id}/prepare").get_data(as_text=True)
    assert "Ce que disent les citoyens" in page and consultation.title.replace("'", "&#39;") in page
    publish = f"/c/ma-coalition/meetings/{november.id}/diagnostic/publish"
    assert (
        post_form(
            client, publish, {}, form_url=f"/c/ma-coalition/meetings/{november.id}/prepare"
        ).status_code
        == 302
    )
    markdown = client.get(f"/c/ma-coalition/meetings/{november.id}/diagnostic.md").get_data(
        as_text=True
    )
    assert "Ce que disent les citoyens" in markdown and "Oui (50.0 %)" in markdown
