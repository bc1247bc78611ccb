"""The public's pages are kept under the coalition's data version: served again without being
built, and never older than the last committed write, whatever kind of row it wrote."""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from coalition import create_app
from coalition.actors.models import Actor, Family
from coalition.auth.models import MembershipRole, User
from coalition.coalitions.freshness import coalition_of, data_version, leads_to_a_coalition
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Answer
from coalition.db import Base
from coalition.meetings.models import ActionReview, Meeting
from coalition.roadmap.models import Action, ActionStatus
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from coalition.web.page_cache import PAGES, cache
from tests import factories as f
from tests.conftest import TestDatabase, post_form

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"
SLUG = "ia-responsable"
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def cached_app(connection: Connection, database_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE": TestDatabase(connection), "DATABASE_URL": database_url})
    with app.app_context():
        cache.clear()
    yield app


NO_COALITION = {  # on no public page
    "User",
    "AccountToken",
    "OutboxMessage",
    "ThrottleCounter",
    "NoticePreference",
    "CalendarFeed",
}


@pytest.fixture
def demo(db: Session) -> Coalition:
    """The demo coalition, with a row of every kind it lacks."""
    coalition = load_seed(db, read_seed(DEMO)).coalition
    actor = db.scalars(select(Actor).where(Actor.coalition_id == coalition.id).limit(1)).one()
    action = db.scalars(select(Action).where(Action.coalition_id == coalition.id).limit(1)).one()
    meeting = db.scalars(select(Meeting).where(Meeting.coalition_id == coalition.id).limit(1)).one()
    f.commitment(db, actor, action)
    db.add(
        ActionReview(meeting_id=meeting.id, action_id=action.id, status=ActionStatus.in_progress)
    )
    f.user(db)
    db.commit()
    return coalition


def _version(db: Session) -> int:
    db.expire_all()
    version = data_version(db, SLUG)
    assert version is not None
    return version


def _rows_of_every_kind(db: Session) -> Iterator[object]:
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
        row = db.scalars(select(mapper.class_).limit(1)).first()
        if row is not None and coalition_of(db, row) is not None:
            yield row


def test_every_kind_of_row_but_accounts_leads_to_a_coalition() -> None:
    leading = {
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if leads_to_a_coalition(mapper.local_table)
    }
    every = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    assert leading == every - NO_COALITION


def test_rows_of_the_demo_find_their_coalition(db: Session, demo: Coalition) -> None:
    kinds = {type(row).__name__ for row in _rows_of_every_kind(db)}
    assert len(kinds) >= 25 and {"Holding", "Commitment", "Answer", "ActionReview"} <= kinds


def test_a_change_to_a_row_of_any_kind_raises_the_version(db: Session, demo: Coalition) -> None:
    for row in list(_rows_of_every_kind(db)):
        before = _version(db)
        db.refresh(row)
        table = type(row).__table__
        column = next(c for c in table.columns if not c.primary_key and not c.foreign_keys)
        flag_modified(row, type(row).__mapper__.get_property_by_column(column).key)
        db.commit()
        assert _version(db) > before, type(row).__name__


def test_adding_and_deleting_raise_the_version(db: Session, demo: Coalition) -> None:
    before = _version(db)
    actor = Actor(coalition_id=demo.id, name="Nouvel acteur", family=Family.research)
    db.add(actor)
    db.commit()
    assert _version(db) == before + 1
    db.delete(actor)
    db.commit()
    assert _version(db) == before + 2


def test_a_bulk_statement_raises_every_version(db: Session, demo: Coalition) -> None:
    before = _version(db)
    answer = db.scalars(select(Answer).limit(1)).one()
    db.execute(
        insert(Answer),
        [{"submission_id": answer.submission_id, "question_id": answer.question_id, "text": "x"}],
    )
    db.commit()
    assert _version(db) == before + 1


def test_nothing_committed_raises_nothing(db: Session, demo: Coalition) -> None:
    before = _version(db)
    actor = db.scalars(select(Actor).where(Actor.coalition_id == demo.id).limit(1)).one()
    actor.name = "Changé puis annulé"
    db.flush()
    db.rollback()
    user = db.scalars(select(User).limit(1)).one()
    user.name = "Nouveau nom"
    db.commit()
    assert _version(db) == before


def _directory(client: FlaskClient) -> str:
    return client.get(f"/c/{SLUG}/actors").get_data(as_text=True)


def test_a_kept_page_is_served_without_being_built(
    cached_app: Flask, demo: Coalition, count_queries: object
) -> None:
    client = cached_app.test_client()
    first = client.get(f"/c/{SLUG}/levers")
    with count_queries() as counted:  # type: ignore[operator]
        again = client.get(f"/c/{SLUG}/levers")
    assert again.get_data() == first.get_data()
    assert len(counted.statements) == 1  # the coalition's data version
    unchanged = client.get(f"/c/{SLUG}/levers", headers={"If-None-Match": again.headers["ETag"]})
    assert unchanged.status_code == 304


def test_a_write_through_the_app_shows_at_once(
    cached_app: Flask, demo: Coalition, db: Session
) -> None:
    public = cached_app.test_client()
    assert "Epitech" in _directory(public)
    actor = db.scalars(select(Actor).where(Actor.name == "Epitech")).one()
    facilitator = f.user(db)
    f.membership(db, facilitator, demo, MembershipRole.facilitator)
    db.commit()
    editor = cached_app.test_client()
    f.log_in(editor, facilitator)
    fields = {
        "name": "Epitech Montpellier",
        "family": actor.family.value,
        "kind": actor.kind.value,
        "status": actor.status.value,
        "is_listed": "y",
        "version": str(actor.version),
    }
    response = post_form(editor, f"/c/{SLUG}/actors/{actor.id}/edit", fields, form_url="/")
    assert response.status_code == 302
    assert "Epitech Montpellier" in _directory(public)


def test_each_visitor_gets_their_own_form_token(cached_app: Flask, demo: Coalition) -> None:
    first, second = cached_app.test_client(), cached_app.test_client()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    mine = token.findall(first.get(f"/c/{SLUG}/graph").get_data(as_text=True))
    theirs = token.findall(second.get(f"/c/{SLUG}/graph").get_data(as_text=True))
    assert mine and theirs and mine[0] != theirs[0]
    switched = second.post("/language", data={"csrf_token": theirs[0], "lang": "en"})
    assert switched.status_code in (302, 303)
    assert "free and open workspace" in second.get(f"/c/{SLUG}/graph").get_data(as_text=True)


def test_signed_in_people_never_get_a_kept_page(
    cached_app: Flask, demo: Coalition, db: Session
) -> None:
    public = cached_app.test_client()
    public.get(f"/c/{SLUG}/actors")
    actor = db.scalars(select(Actor).where(Actor.name == "Epitech")).one()
    member = f.user(db, name="Membre Epitech")
    f.membership(db, member, demo, MembershipRole.member, actor)
    db.commit()
    client = cached_app.test_client()
    f.log_in(client, member)
    page = client.get(f"/c/{SLUG}/actors")
    assert member.name in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_every_kept_page_is_a_public_read_page(cached_app: Flask) -> None:
    rules = {rule.endpoint: rule for rule in cached_app.url_map.iter_rules()}
    for endpoint in PAGES:
        assert "slug" in rules[endpoint].arguments, endpoint
        assert rules[endpoint].methods is not None and "POST" not in rules[endpoint].methods


def test_with_redis_every_worker_shares_the_kept_pages(
    connection: Connection, database_url: str, demo: Coalition
) -> None:
    redis = pytest.importorskip("redis").Redis.from_url(REDIS)
    try:
        redis.ping()
    except Exception:
        pytest.skip(f"no Redis at {REDIS}")
    prefix = f"coalition:test:{uuid.uuid4().hex}:"
    config = {"DATABASE": TestDatabase(connection), "DATABASE_URL": database_url}
    config |= {"REDIS_URL": REDIS, "PAGE_CACHE_PREFIX": prefix}
    one, other = create_app(config), create_app(config)  # two workers
    try:
        page = _without_token(one.test_client().get(f"/c/{SLUG}/levers").get_data(as_text=True))
        assert redis.keys(f"{prefix}*")
        with other.app_context():
            assert cache.get(next(iter(_kept_keys(redis, prefix)))) is not None
        again = other.test_client().get(f"/c/{SLUG}/levers").get_data(as_text=True)
        assert _without_token(again) == page
    finally:
        for key in redis.keys(f"{prefix}*"):
            redis.delete(key)


def _without_token(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _kept_keys(redis: Any, prefix: str) -> list[str]:
    return [key.decode()[len(prefix) :] for key in redis.keys(f"{prefix}*")]


def test_a_register_entry_published_shows_at_once_on_the_kept_register(
    cached_app: Flask, demo: Coalition, db: Session
) -> None:
    from coalition.register.models import RegisterEntry

    public = cached_app.test_client()
    draft = db.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.coalition_id == demo.id, RegisterEntry.is_published.is_(False))
        .order_by(RegisterEntry.id)
    ).first()
    assert draft is not None and draft.name not in public.get(f"/c/{SLUG}/register").text
    facilitator = f.user(db)
    f.membership(db, facilitator, demo, MembershipRole.facilitator)
    db.commit()
    editor = cached_app.test_client()
    f.log_in(editor, facilitator)
    published = post_form(
        editor, f"/c/{SLUG}/register/{draft.id}/publish", {"version": str(draft.version)}
    )
    assert published.status_code in (302, 303)
    assert draft.name in public.get(f"/c/{SLUG}/register").text


def test_an_answer_to_a_recommendation_shows_at_once_on_its_kept_page(
    cached_app: Flask, demo: Coalition, db: Session
) -> None:
    from coalition.recommendations.models import Recommendation

    public = cached_app.test_client()
    recommendation = db.scalars(
        select(Recommendation)
        .where(Recommendation.coalition_id == demo.id, Recommendation.answer_status.is_(None))
        .order_by(Recommendation.id)
    ).first()
    assert recommendation is not None
    url = f"/c/{SLUG}/recommendations/{recommendation.id}"
    assert "pas encore reçu de réponse" in public.get(url).text
    facilitator = f.user(db)
    f.membership(db, facilitator, demo, MembershipRole.facilitator)
    db.commit()
    editor = cached_app.test_client()
    f.log_in(editor, facilitator)
    answer = {"status": "retained", "reason": "Elle est juste.", "version": "1"}
    answered = post_form(editor, f"{url}/answer", {**answer, "answered_on": "2026-06-01"})
    assert answered.status_code in (302, 303), answered.text
    assert "pas encore reçu de réponse" not in public.get(url).text
