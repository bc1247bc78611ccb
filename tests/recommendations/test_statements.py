"""The recommendations list and a recommendation's page cost the same statements whatever the
number of recommendations, actions and reviews."""

from datetime import UTC, date, datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.meetings.models import ActionReview
from coalition.recommendations import service
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.web.test_statements import statements

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)


def populate(db: Session, size: int) -> tuple[str, int]:
    """A coalition with `size` answered recommendations, each carried out by `size` actions
    reviewed at `size` meetings; its slug and the id of one recommendation."""
    coalition = f.coalition(db)
    meetings = [f.meeting(db, coalition, title=f"Rencontre {n}") for n in range(size)]
    first = None
    for n in range(size):
        actions = [f.action(db, coalition, title=f"Action {n}.{k}") for k in range(size)]
        for action in actions:
            for meeting in meetings:
                db.add(
                    ActionReview(
                        meeting_id=meeting.id,
                        action_id=action.id,
                        status=ActionStatus.in_progress,
                        progress=10,
                    )
                )
        details = service.RecommendationDetails(title=f"Recommandation {n}", origin="convention")
        recommendation = service.create_recommendation(db, coalition, details, by=None)
        answer = service.AnswerDetails(
            status="partly_retained",
            reason="En partie",
            answered_on=date(2026, 6, 1),
            action_ids=[action.id for action in actions],
        )
        service.answer_recommendation(
            db,
            coalition,
            recommendation,
            answer,
            seen_version=recommendation.version,
            by=None,
            now=NOW,
        )
        first = first or recommendation
    db.flush()
    assert first is not None
    return coalition.slug, first.id


def test_the_recommendations_pages_cost_the_same_at_1_and_6(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    (small, one), (large, other) = populate(db, 1), populate(db, 6)
    for page in ("/recommendations", "/recommendations/{id}", "/recommendations.atom"):
        few = statements(client, count_queries, f"/c/{small}" + page.format(id=one))
        many = statements(client, count_queries, f"/c/{large}" + page.format(id=other))
        assert few == many, page
