"""The demo's recommendations: drawn from the workshop's common issues, some answered and
carried by actions reviewed at meetings; loading twice changes nothing; mistakes are refused."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.meetings.models import ActionReview
from coalition.recommendations.models import AnswerStatus, Recommendation
from coalition.seed.load import load_seed
from coalition.seed.schema import SeedError, read_seed
from tests.seed.test_seed import DEMO, table_counts

PARTLY = "Évaluer chaque système d'IA public avant et après son déploiement"


def test_one_recommendation_is_retained_in_part_with_two_reviewed_actions(db: Session) -> None:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    found = db.scalars(
        select(Recommendation)
        .where(Recommendation.coalition_id == coalition.id)
        .options(selectinload(Recommendation.issues), selectinload(Recommendation.actions))
    ).all()
    by_title = {r.title: r for r in found}
    statuses = sorted(str(r.answer_status) for r in found)
    assert statuses == ["None", "not_retained", "partly_retained", "retained"]
    partly = by_title[PARTLY]
    assert partly.answer_status == AnswerStatus.partly_retained and partly.answer_reason
    assert {issue.title for issue in partly.issues} == {"Coût et gains", "Gestion des IA"}
    assert len(partly.actions) == 2
    for action in partly.actions:
        reviews = db.scalars(select(ActionReview).where(ActionReview.action_id == action.id))
        assert len(reviews.all()) == 2


def test_loading_the_recommendations_twice_changes_nothing(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    before = table_counts(db)
    assert not load_seed(db, read_seed(DEMO)).changed
    assert table_counts(db) == before


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('issues = ["Coût et gains"', 'issues = ["Coûts"', "'Coûts' is not a common issue"),
        ('objectives = ["ethics", "trust"]', 'objectives = ["joy"]', "objectives: 'joy'"),
        ('answer = "partly_retained"', 'answer = "maybe"', "answer: unknown value 'maybe'"),
        ('answer = "not_retained"\n', "", "answer: missing, though its reason"),
        ("meeting = 3", "meeting = 9", "meeting: 9 is not one of the file's meetings"),
    ],
)
def test_a_mistaken_recommendation_is_refused(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SeedError) as refused:
        read_seed(path)
    assert expected in str(refused.value)
