"""A coalition's workshop with a common issue, a recommendation drawn from it, and two actions
of the roadmap each reviewed at a meeting."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from coalition.meetings.models import ActionReview
from coalition.recommendations import service
from coalition.recommendations.models import Recommendation
from coalition.roadmap.models import ActionStatus
from coalition.workshops.models import CommonIssue, Workshop
from tests import factories as f
from tests.conftest import World

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)


@dataclass
class Setting:
    world: World
    workshop: Workshop
    issue: CommonIssue
    recommendation: Recommendation
    other_recommendation: Recommendation  # of the other coalition
    other_issue: CommonIssue  # of a workshop of the other coalition


def _workshop(db: Session, coalition_id: int, title: str) -> tuple[Workshop, CommonIssue]:
    workshop = Workshop(coalition_id=coalition_id, title=title, is_published=True)
    db.add(workshop)
    db.flush()
    issue = CommonIssue(workshop_id=workshop.id, title="Fiabilité des données")
    db.add(issue)
    db.flush()
    return workshop, issue


@pytest.fixture
def setting(db: Session, world: World) -> Setting:
    workshop, issue = _workshop(db, world.coalition.id, "Atelier de Montpellier")
    _, other_issue = _workshop(db, world.other_coalition.id, "Atelier d'ailleurs")
    recommendation = service.create_recommendation(
        db,
        world.coalition,
        service.RecommendationDetails(
            title="Publier les jeux de données des algorithmes",
            origin="convention",
            text="Chaque algorithme public **publie** ses données d'entraînement.",
            objectives=["transparency"],
            issue_ids=[issue.id],
        ),
        by=None,
    )
    other = service.create_recommendation(
        db,
        world.other_coalition,
        service.RecommendationDetails(title="Ailleurs", origin="other"),
        by=None,
    )
    for number, (action, progress) in enumerate(
        ((world.action, 40), (world.other_action, 10)), start=1
    ):
        meeting = f.meeting(db, world.coalition, title=f"Rencontre n°{number}")
        db.add(
            ActionReview(
                meeting_id=meeting.id,
                action_id=action.id,
                status=ActionStatus.in_progress,
                progress=progress,
                next_steps=f"Étape suivante {progress}",
            )
        )
    db.flush()
    return Setting(world, workshop, issue, recommendation, other, other_issue)
