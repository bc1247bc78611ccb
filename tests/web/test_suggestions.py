"""The prepare page says why each agenda item is suggested."""

import re
from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.diagnostics.compute import Suggestion
from coalition.diagnostics.facts import Item
from coalition.diagnostics.routes_meetings import suggestion_reason
from coalition.meetings.models import ActionReview, MeetingStatus
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World


def suggestions(html: str) -> str:
    return html.split('<ul class="suggestions">', 1)[1].split("</ul>", 1)[0]


def test_each_suggested_item_says_why(client: FlaskClient, world: World, db: Session) -> None:
    c = world.coalition
    f.action(db, c, title="Action bloquée ici", status=ActionStatus.blocked)
    f.action(
        db, c, title="Action en retard", status=ActionStatus.committed, target_date=date(2024, 1, 1)
    )
    stuck = f.action(db, c, title="Action immobile", status=ActionStatus.in_progress)
    for month in (1, 2):
        held = f.meeting(
            db, c, starts_at=datetime(2024, month, 10, 17, tzinfo=UTC), status=MeetingStatus.held
        )
        db.add(
            ActionReview(meeting_id=held.id, action_id=stuck.id, status=ActionStatus.in_progress)
        )
    meeting = f.meeting(db, c)
    db.flush()
    world.log_in(client, "facilitator")

    html = client.get(f"/c/ma-coalition/meetings/{meeting.id}/prepare").get_data(as_text=True)
    listed = re.sub(r"\s+", " ", suggestions(html))

    def reason(title: str) -> str:
        return listed.split(f'> {title} <span class="meta">— ', 1)[1].split("</span>", 1)[0]

    assert reason("Action bloquée ici") == "Action bloquée"
    assert reason("Action en retard") == "En retard : échéance passée le 1 janvier 2024"
    assert reason("Action immobile") == "Au point mort : « En cours » à deux revues de suite"
    assert reason("Levier à couvrir : Levier 2") == "Levier détenu par aucun acteur"
    assert reason("Levier à couvrir : Levier 1") == "Levier détenu par un seul acteur : Acteur A"


def test_a_reason_without_detail_still_reads_well(app: Flask) -> None:
    with app.test_request_context():
        bare = Item(kind="action", id=1, label="A", detail="")
        assert suggestion_reason(Suggestion(bare, "overdue")) == "En retard : échéance passée"
        lever = Item(kind="lever", id=2, label="L", detail="")
        assert suggestion_reason(Suggestion(lever, "unheld")) == "Levier détenu par aucun acteur"
        assert suggestion_reason(Suggestion(bare, "unknown")) == ""
