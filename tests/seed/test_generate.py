from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family
from coalition.coalitions.models import Coalition
from coalition.meetings.models import Meeting
from coalition.roadmap.models import Action


def test_generate_builds_a_coalition_of_the_asked_size(app: Flask, db: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["generate", "--actors", "120", "--actions", "30", "--meetings", "6", "--slug", "g"]
    )
    assert result.exit_code == 0, result.output
    coalition = db.scalars(select(Coalition).where(Coalition.slug == "g")).one()
    assert db.scalar(select(func.count()).where(Actor.coalition_id == coalition.id)) == 120
    families = set(db.scalars(select(Actor.family).where(Actor.coalition_id == coalition.id)))
    assert families == set(Family)
    assert db.scalar(select(func.count()).where(Action.coalition_id == coalition.id)) == 30
    assert db.scalar(select(func.count()).where(Meeting.coalition_id == coalition.id)) == 6
    again = runner.invoke(args=["generate", "--actors", "1", "--slug", "g"])
    assert again.exit_code != 0 and "already exists" in again.output
