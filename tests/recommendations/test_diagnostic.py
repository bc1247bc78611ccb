"""The meeting diagnostic's recommendations: those without an answer, and those retained whose
every action stands still; a diagnostic published before they were followed shows neither."""

from datetime import UTC, date, datetime
from html import unescape

import networkx as nx
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.diagnostics import compute, service, snapshots
from coalition.diagnostics.facts import (
    ActionFacts,
    DiagnosticInputs,
    RecommendationFacts,
    ReviewFacts,
)
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.attendance import attendance_report
from coalition.meetings.models import MeetingStatus
from coalition.recommendations import service as recommendations
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.recommendations.conftest import NOW, Setting

T = datetime(2026, 1, 1, tzinfo=UTC)


def _review(action_id: int, meeting_id: int, status: str, progress: int) -> ReviewFacts:
    return ReviewFacts(action_id, meeting_id, T.replace(month=meeting_id), status, progress)


def _inputs(recommendations: list[RecommendationFacts]) -> DiagnosticInputs:
    actions = [
        ActionFacts(1, "Bouge", "in_progress", None, None),
        ActionFacts(2, "Immobile", "in_progress", None, None),
        ActionFacts(3, "Bloquée", "blocked", None, None),
        ActionFacts(4, "Revue une fois", "in_progress", None, None),
    ]
    reviews = [
        _review(1, 1, "in_progress", 10),
        _review(1, 2, "in_progress", 30),  # same status, more progress: it moves
        _review(2, 1, "committed", 20),
        _review(2, 2, "in_progress", 20),
        _review(2, 3, "in_progress", 20),  # the last two alike: it stands still
        _review(4, 3, "in_progress", 0),
    ]
    return DiagnosticInputs(
        graph=nx.Graph(),
        actions=actions,
        reviews=reviews,
        attendance=attendance_report([], [], []),
        changes=[],
        new_resources=[],
        today=date(2026, 6, 1),
        recommendations=recommendations,
    )


def test_unanswered_and_stalled_recommendations_are_listed() -> None:
    lists = compute.recommendation_lists(
        _inputs(
            [
                RecommendationFacts(10, "Sans réponse", None, ()),
                RecommendationFacts(11, "Tout immobile", "partly_retained", (2, 3)),
                RecommendationFacts(12, "Une action bouge", "retained", (1, 2)),
                RecommendationFacts(13, "Non retenue", "not_retained", ()),
                RecommendationFacts(14, "Retenue sans action", "retained", ()),
                RecommendationFacts(15, "Revue une seule fois", "retained", (4,)),
            ]
        )
    )
    assert [item.label for item in lists["unanswered"]] == ["Sans réponse"]
    assert [(i.kind, i.id) for i in lists["actions_stalled"]] == [("recommendation", 11)]


def test_the_lists_survive_storage_and_older_data_has_none() -> None:
    inputs = _inputs([RecommendationFacts(10, "Sans réponse", None, ())])
    diagnostic = compute.compute_diagnostic(inputs)
    data = compute.to_data(diagnostic)
    assert compute.from_data(data).recommendations == diagnostic.recommendations
    del data["recommendations"]
    assert compute.from_data(data).recommendations == {}


def test_the_prepare_page_links_the_unanswered_and_stalled_recommendations(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    world = setting.world
    stalled = recommendations.create_recommendation(
        db,
        world.coalition,
        recommendations.RecommendationDetails(title="Auditer les algorithmes", origin="other"),
        by=None,
    )
    world.action.status = world.other_action.status = ActionStatus.blocked
    recommendations.answer_recommendation(
        db,
        world.coalition,
        stalled,
        recommendations.AnswerDetails(
            "retained", "Oui.", None, action_ids=[world.action.id, world.other_action.id]
        ),
        seen_version=stalled.version,
        by=None,
        now=NOW,
    )
    meeting = f.meeting(db, world.coalition)
    world.log_in(client, "facilitator")
    html = client.get(f"/c/ma-coalition/meetings/{meeting.id}/prepare").get_data(as_text=True)
    unanswered = html.split("Recommandations sans réponse")[1].split("</dd>")[0]
    page = f"/c/ma-coalition/recommendations/{setting.recommendation.id}"
    assert f'<a href="{page}">Publier les jeux de données des algorithmes</a>' in unanswered
    standing = unescape(html).split("Recommandations dont les actions n'avancent pas")[1]
    assert "Auditer les algorithmes" in standing.split("</dd>")[0]
    assert "Publier les jeux" not in standing.split("</dd>")[0]


def test_a_diagnostic_published_before_shows_no_recommendations(
    app: Flask, client: FlaskClient, db: Session, setting: Setting
) -> None:
    world = setting.world
    meeting = f.meeting(db, world.coalition, status=MeetingStatus.held)
    with app.test_request_context():
        data = snapshots.published_data(db, world.coalition, meeting, [], today=NOW.date())
    assert data["computed"]["recommendations"]["unanswered"][0]["id"] == (setting.recommendation.id)
    del data["computed"]["recommendations"]  # as a diagnostic frozen before this release
    service.publish(db, meeting, data, by=None)
    db.flush()
    assert db.scalars(select(DiagnosticSnapshot.id)).first() is not None
    response = client.get(f"/c/ma-coalition/meetings/{meeting.id}/diagnostic")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Les actions" in html
    assert "Recommandations sans réponse" not in html and "Les recommandations" not in html
