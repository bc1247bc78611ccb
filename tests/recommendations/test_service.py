"""The rules of recommendations and answers, without a request."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.recommendations import service
from coalition.recommendations.models import AnswerStatus
from tests import factories as f
from tests.recommendations.conftest import NOW, Setting


def _answer(**fields: object) -> service.AnswerDetails:
    values: dict[str, object] = {
        "status": "partly_retained",
        "reason": "Les données personnelles restent protégées.",
        "answered_on": None,
        **fields,
    }
    return service.AnswerDetails(**values)  # type: ignore[arg-type]


def test_a_recommendation_keeps_its_objectives_and_issues(setting: Setting) -> None:
    recommendation = setting.recommendation
    assert recommendation.objective_codes == ["transparency"]
    assert [issue.title for issue in recommendation.issues] == ["Fiabilité des données"]


def test_an_answer_partly_retained_with_two_actions_is_recorded_and_audited(
    db: Session, setting: Setting
) -> None:
    world, recommendation = setting.world, setting.recommendation
    metropole = f.actor(db, world.coalition, name="Montpellier Méditerranée Métropole")
    service.answer_recommendation(
        db,
        world.coalition,
        recommendation,
        _answer(actor_id=metropole.id, action_ids=[world.action.id, world.other_action.id]),
        seen_version=recommendation.version,
        by=world.users["facilitator"],
        now=NOW,
    )
    assert recommendation.answer_status == AnswerStatus.partly_retained
    assert recommendation.answered_on == NOW.date()
    assert recommendation.answered_by_actor_id == metropole.id
    assert recommendation.action_ids == sorted([world.action.id, world.other_action.id])
    first = recommendation.version
    service.answer_recommendation(
        db,
        world.coalition,
        recommendation,
        _answer(status="retained", reason="Finalement, tout est retenu."),
        seen_version=first,
        by=world.users["facilitator"],
        now=NOW,
    )
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "recommendation", AuditEvent.entity_id == recommendation.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "answer", "update"]
    assert events[-1].before is not None and events[-1].after is not None
    assert events[-1].before["answer_status"] == "partly_retained"
    assert events[-1].after["answer_status"] == "retained"
    assert events[-1].after["action_ids"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"status": "maybe"}, "status"),
        ({"status": ""}, "status"),
    ],
)
def test_a_bad_answer_is_refused(
    db: Session, setting: Setting, fields: dict[str, object], field: str
) -> None:
    recommendation = setting.recommendation
    with pytest.raises(ValidationError) as refused:
        service.answer_recommendation(
            db,
            setting.world.coalition,
            recommendation,
            _answer(**fields),
            seen_version=recommendation.version,
            by=None,
            now=NOW,
        )
    assert refused.value.field == field
    assert recommendation.answer_status is None


def test_an_action_or_actor_of_another_coalition_is_refused(db: Session, setting: Setting) -> None:
    world, recommendation = setting.world, setting.recommendation
    foreign_action = f.action(db, world.other_coalition, title="Ailleurs")
    foreign_actor = f.actor(db, world.other_coalition, name="Ailleurs")
    for fields, field in (
        ({"action_ids": [world.action.id, foreign_action.id]}, "actions"),
        ({"actor_id": foreign_actor.id}, "answered_by"),
    ):
        with pytest.raises(ValidationError) as refused:
            service.answer_recommendation(
                db,
                world.coalition,
                recommendation,
                _answer(**fields),
                seen_version=recommendation.version,
                by=None,
                now=NOW,
            )
        assert refused.value.field == field
    assert recommendation.answer_status is None


def test_a_recommendation_of_another_coalition_cannot_be_answered(
    db: Session, setting: Setting
) -> None:
    other = setting.other_recommendation
    with pytest.raises(ValidationError, match="n'appartient pas à cette coalition"):
        service.answer_recommendation(
            db,
            setting.world.coalition,
            other,
            _answer(),
            seen_version=other.version,
            by=None,
            now=NOW,
        )
    assert other.answer_status is None


def test_an_issue_or_workshop_of_another_coalition_is_refused(
    db: Session, setting: Setting
) -> None:
    coalition = setting.world.coalition
    for details, field in (
        (service.RecommendationDetails("T", "other", issue_ids=[setting.other_issue.id]), "issues"),
        (
            service.RecommendationDetails(
                "T", "workshop", workshop_id=setting.other_issue.workshop_id
            ),
            "workshop",
        ),
        (service.RecommendationDetails("T", "other", objectives=["happiness"]), "objectives"),
        (service.RecommendationDetails("T", "elsewhere"), "origin"),
        (service.RecommendationDetails(" ", "other"), "title"),
    ):
        with pytest.raises(ValidationError) as refused:
            service.create_recommendation(db, coalition, details, by=None)
        assert refused.value.field == field


def test_a_recommendation_not_retained_carries_no_action(db: Session, setting: Setting) -> None:
    recommendation = setting.recommendation
    with pytest.raises(ValidationError) as refused:
        service.answer_recommendation(
            db,
            setting.world.coalition,
            recommendation,
            _answer(status="not_retained", action_ids=[setting.world.action.id]),
            seen_version=recommendation.version,
            by=None,
            now=NOW,
        )
    assert refused.value.field == "actions"


def test_an_answer_sent_again_unchanged_is_not_logged_again(db: Session, setting: Setting) -> None:
    world, recommendation = setting.world, setting.recommendation
    for _ in range(2):
        service.answer_recommendation(
            db,
            world.coalition,
            recommendation,
            _answer(action_ids=[world.action.id]),
            seen_version=recommendation.version,
            by=None,
            now=NOW,
        )
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity == "recommendation", AuditEvent.entity_id == recommendation.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "answer"]
